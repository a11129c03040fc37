/**
 * The error model (CONVENTIONS.md "Errors"). Expected outcomes are values (`Result`, `Issue`);
 * failures that abort a request or command are one class with a closed union of codes, mapped
 * exhaustively to HTTP statuses (src/http/errors.ts) and CLI exit codes (src/cli/exit-codes.ts).
 */

/** One problem with one field of untrusted input. `path` is dotted (`events.3.actor.id`). */
export interface Issue {
  readonly path: string;
  readonly message: string;
}

export type ErrorCode =
  | 'validation_failed'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'unauthenticated'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'invalid_query'
  | 'rate_limited'
  | 'unavailable'
  | 'verification_failed'
  | 'internal';

export const ERROR_CODES: readonly ErrorCode[] = [
  'validation_failed',
  'payload_too_large',
  'unsupported_media_type',
  'unauthenticated',
  'forbidden',
  'not_found',
  'conflict',
  'invalid_query',
  'rate_limited',
  'unavailable',
  'verification_failed',
  'internal',
];

export class VeritrailError extends Error {
  override readonly name = 'VeritrailError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: readonly Issue[] = [],
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export type Result<T, E = readonly Issue[]> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: E };

export const ok = <T>(value: T): Result<T, never> => ({ ok: true, value });
export const err = <E>(error: E): Result<never, E> => ({ ok: false, error });

export const invalid = (path: string, message: string): VeritrailError =>
  new VeritrailError('validation_failed', `${path}: ${message}`, [{ path, message }]);

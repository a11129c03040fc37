/**
 * Errors of the client SDK. One class with a closed set of codes (CONVENTIONS.md "Errors"),
 * plus two subclasses that callers commonly catch by type. Messages never contain the token.
 */
import type { Issue } from '../core/errors.js';

export type SdkErrorCode =
  | 'invalid_options'
  | 'invalid_event'
  | 'queue_full'
  | 'closed'
  | 'flush_timeout'
  | 'spool_locked'
  | 'spool_io'
  | 'spool_corrupt'
  | 'network'
  | 'http';

export class VeritrailSdkError extends Error {
  override readonly name: string = 'VeritrailSdkError';
  constructor(
    readonly code: SdkErrorCode,
    message: string,
    /** Per-field problems (`invalid_event`), or the server's details (`http`). */
    readonly issues: readonly Issue[] = [],
    options?: { cause?: unknown; status?: number },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    if (options?.status !== undefined) this.status = options.status;
  }
  /** HTTP status of the server's answer, for code `http`. */
  readonly status?: number;
}

/** `record` with `overflow: 'reject'` when the queue (or the spool) is full. */
export class QueueFullError extends VeritrailSdkError {
  override readonly name = 'QueueFullError';
  constructor(message: string) {
    super('queue_full', message);
  }
}

/** The event does not match event schema v1; `issues` name each bad field like the server. */
export class InvalidEventError extends VeritrailSdkError {
  override readonly name = 'InvalidEventError';
  constructor(issues: readonly Issue[]) {
    const first = issues[0];
    super(
      'invalid_event',
      `invalid event: ${first ? `${first.path} ${first.message}` : 'unknown problem'}${
        issues.length > 1 ? ` (and ${issues.length - 1} more)` : ''
      }`,
      issues,
    );
  }
}

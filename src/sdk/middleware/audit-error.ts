/**
 * A failure inside the audit middleware, handed to the `onError` option (docs/middleware.md
 * "Failures"). The request itself never sees it.
 */
export type AuditErrorCode =
  | 'actor_failed'
  | 'hook_failed'
  | 'capture_failed'
  | 'invalid_event'
  | 'recorder_failed'
  | 'dropped';

export class AuditError extends Error {
  override readonly name = 'AuditError';
  constructor(
    readonly code: AuditErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * How a destination reports a refused batch to the delivery job (docs/outbound.md "Retries and
 * dead letters"): a message naming the receiver (never a secret), the receiver's status (HTTP
 * status or SMTP reply code) when it answered, and how long it asked us to wait (HTTP
 * `Retry-After`, RFC 9110 §10.2.3), which the job honours on top of its own backoff.
 */

export interface FailureDetail {
  /** HTTP status or SMTP reply code, when the receiver answered. */
  readonly status?: number | undefined;
  /** The receiver asked for this pause before the next attempt, ms. */
  readonly retryAfterMs?: number | undefined;
}

export class DeliveryFailure extends Error {
  readonly status: number | undefined;
  readonly retryAfterMs: number | undefined;

  constructor(message: string, detail: FailureDetail = {}) {
    super(message);
    this.name = 'DeliveryFailure';
    this.status = detail.status;
    this.retryAfterMs = detail.retryAfterMs;
  }
}

/** The status and requested pause of any error a destination threw (others carry neither). */
export function failureDetail(e: unknown): FailureDetail {
  return e instanceof DeliveryFailure ? { status: e.status, retryAfterMs: e.retryAfterMs } : {};
}

/** Longest pause a receiver may ask for: beyond it, the job's own backoff decides. */
export const MAX_RETRY_AFTER_MS = 60 * 60 * 1000;

const IMF_FIXDATE = /^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/;

/**
 * `Retry-After` (RFC 9110 §10.2.3): delay-seconds or an HTTP-date (IMF-fixdate only; the
 * obsolete forms are ignored). Untrusted receiver input: anything else, or a pause longer than
 * MAX_RETRY_AFTER_MS, gives undefined or the maximum; a date in the past gives 0.
 */
export function parseRetryAfter(
  value: string | null | undefined,
  nowMs: number,
): number | undefined {
  if (value === null || value === undefined) return undefined;
  const v = value.trim();
  if (/^\d{1,10}$/.test(v)) return Math.min(Number(v) * 1000, MAX_RETRY_AFTER_MS);
  if (!IMF_FIXDATE.test(v)) return undefined;
  const at = Date.parse(v);
  if (Number.isNaN(at)) return undefined;
  return Math.min(Math.max(0, at - nowMs), MAX_RETRY_AFTER_MS);
}

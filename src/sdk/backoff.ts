/** Retry delays: exponential backoff with full jitter, and the server's Retry-After. */

export interface BackoffPolicy {
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
  readonly multiplier: number;
}

/** Longest Retry-After honoured: the header is untrusted input. */
export const MAX_RETRY_AFTER_MS = 10 * 60_000;

/** Delay before retry number `attempt` (0-based): uniform in [0, ceiling), at least `floorMs`. */
export function backoffDelay(
  p: BackoffPolicy,
  attempt: number,
  floorMs = 0,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(p.maxDelayMs, p.initialDelayMs * p.multiplier ** attempt);
  return Math.max(Math.floor(random() * ceiling), floorMs);
}

/** Retry-After as seconds or an HTTP date, in milliseconds from `now`; undefined if absent or bad. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (value === null) return undefined;
  const v = value.trim();
  let ms: number;
  if (/^\d{1,10}$/.test(v)) ms = Number(v) * 1000;
  else {
    // An HTTP date names a weekday and a month; anything else (`-5`) is not one.
    const at = /^[A-Za-z]{3},? /.test(v) ? Date.parse(v) : Number.NaN;
    if (Number.isNaN(at)) return undefined;
    ms = at - now;
  }
  return Math.min(Math.max(ms, 0), MAX_RETRY_AFTER_MS);
}

/**
 * Retention ages (docs/retention.md): a whole number of days written `<n>d`, e.g. `365d`.
 * Days only: a retention period is stated in days by every framework we report on, and a
 * day is exactly 86 400 000 ms here (UTC, no calendar months that vary in length).
 */
export const DAY_MS = 86_400_000;
/** 100 years: far beyond any retention rule, small enough for exact millisecond arithmetic. */
export const MAX_DAYS = 36_500;

const DURATION = /^(\d{1,6})d$/;

/** Days of an untrusted `<n>d` string, or an error message naming what is wrong. */
export function parseDays(
  text: unknown,
): { ok: true; days: number } | { ok: false; message: string } {
  if (typeof text !== 'string') return { ok: false, message: 'must be a string like "365d"' };
  const m = DURATION.exec(text);
  if (!m)
    return { ok: false, message: `"${text.slice(0, 40)}" is not a number of days like "365d"` };
  const days = Number(m[1]);
  if (days > MAX_DAYS) return { ok: false, message: `at most ${MAX_DAYS}d` };
  return { ok: true, days };
}

export const formatDays = (days: number): string => `${days}d`;

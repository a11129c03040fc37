/**
 * Local calendar time in an IANA time zone, through `Intl.DateTimeFormat` (no tz database of
 * our own). Time zone names come from rule files: `isTimeZone` checks them at load time.
 */
export interface LocalTime {
  /** Day of the week, Monday = 0 … Sunday = 6. */
  readonly weekday: number;
  readonly hour: number;
  readonly minute: number;
  /** Days since 1970-01-01 of the local calendar date. */
  readonly day: number;
}

const DAY_MS = 86_400_000;
const formats = new Map<string, Intl.DateTimeFormat>();

export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** Monday-based weekday of a day count since the epoch (1970-01-01 was a Thursday). */
export const weekdayOfDay = (day: number): number => (((day + 3) % 7) + 7) % 7;

function format(tz: string): Intl.DateTimeFormat {
  let f = formats.get(tz);
  if (f === undefined) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
    });
    formats.set(tz, f);
  }
  return f;
}

/** The local time of `ms` (since the epoch) in `tz` (an IANA name or `UTC`). */
export function localTime(ms: number, tz: string): LocalTime {
  let localMs = ms;
  if (tz !== 'UTC') {
    const parts: Record<string, number> = {};
    for (const p of format(tz).formatToParts(ms))
      if (p.type !== 'literal') parts[p.type] = Number(p.value);
    localMs =
      Date.UTC(
        parts.year ?? 1970,
        (parts.month ?? 1) - 1,
        parts.day ?? 1,
        parts.hour ?? 0,
        parts.minute ?? 0,
      ) +
      (((ms % 60_000) + 60_000) % 60_000);
  }
  const day = Math.floor(localMs / DAY_MS);
  const minuteOfDay = Math.floor((localMs - day * DAY_MS) / 60_000);
  return {
    weekday: weekdayOfDay(day),
    hour: Math.floor(minuteOfDay / 60),
    minute: minuteOfDay % 60,
    day,
  };
}

/** Hour of the week (Monday 00:00 = 0 … Sunday 23:00 = 167), local to `tz`. */
export function hourOfWeek(ms: number, tz: string): number {
  const t = localTime(ms, tz);
  return t.weekday * 24 + t.hour;
}

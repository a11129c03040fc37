/**
 * Local calendar time in an IANA time zone (../time-zone.ts), for off-hours rules.
 */
import { isTimeZone, wallClockMs } from '../time-zone.js';

export interface LocalTime {
  /** Day of the week, Monday = 0 … Sunday = 6. */
  readonly weekday: number;
  readonly hour: number;
  readonly minute: number;
  /** Days since 1970-01-01 of the local calendar date. */
  readonly day: number;
}

const DAY_MS = 86_400_000;

export { isTimeZone };

/** Monday-based weekday of a day count since the epoch (1970-01-01 was a Thursday). */
export const weekdayOfDay = (day: number): number => (((day + 3) % 7) + 7) % 7;

/** The local time of `ms` (since the epoch) in `tz` (an IANA name or `UTC`). */
export function localTime(ms: number, tz: string): LocalTime {
  const localMs = wallClockMs(ms, tz);
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

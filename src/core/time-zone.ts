/**
 * Wall-clock time in an IANA time zone through `Intl.DateTimeFormat` (no time zone database of
 * our own), for detection rules (off hours) and report schedules. Zone names come from rule and
 * schedule files: `isTimeZone` checks them when those are loaded.
 */

const formats = new Map<string, Intl.DateTimeFormat>();

export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

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
      second: 'numeric',
    });
    formats.set(tz, f);
  }
  return f;
}

/** The wall-clock time of `ms` (since the epoch) in `tz`, expressed as if it were UTC (ms). */
export function wallClockMs(ms: number, tz: string): number {
  if (tz === 'UTC') return ms;
  const p = { year: 1970, month: 1, day: 1, hour: 0, minute: 0, second: 0 };
  for (const part of format(tz).formatToParts(ms))
    if (part.type in p) p[part.type as keyof typeof p] = Number(part.value);
  const sub = ((ms % 1000) + 1000) % 1000;
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) + sub;
}

/**
 * RFC 3339 §5.6 instants as milliseconds since the epoch, computed by hand (no `Date` parsing
 * quirks: `Date.UTC` maps years 0–99 to 1900+, and `Date.parse` accepts many other formats).
 * Fractions beyond the millisecond are truncated, which is also what `Date.parse` does, so the
 * `occurred_ms`/`received_ms` columns and the in-memory matcher see the same number.
 * Leap seconds (`:60`) are refused, as event validation refuses them.
 */

const TIMESTAMP =
  /^([0-9]{4})-([0-9]{2})-([0-9]{2})[Tt]([0-9]{2}):([0-9]{2}):([0-9]{2})(?:\.([0-9]{1,9}))?(?:[Zz]|([+-])([0-9]{2}):([0-9]{2}))$/;
const DATE = /^([0-9]{4})-([0-9]{2})-([0-9]{2})$/;
const DAY_MS = 86_400_000;

const isLeap = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
const daysIn = (y: number, m: number) =>
  m === 2 ? (isLeap(y) ? 29 : 28) : [4, 6, 9, 11].includes(m) ? 30 : 31;

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant, "days_from_civil"). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * ((month + 9) % 12) + 2) / 5) + day - 1;
  return era * 146_097 + yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy - 719_468;
}

function dateMs(y: string, mo: string, d: string): number | null {
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) return null;
  return daysFromCivil(year, month, day) * DAY_MS;
}

/** An RFC 3339 date-time with offset (`2026-01-31T12:00:00.5+01:00`), or null. */
export function parseTimestampMs(s: string): number | null {
  const m = TIMESTAMP.exec(s);
  if (m === null) return null;
  const [, y = '', mo = '', d = '', h = '', mi = '', se = '', frac = '', sign, oh, om] = m;
  const day = dateMs(y, mo, d);
  const [hour, minute, second] = [Number(h), Number(mi), Number(se)];
  if (day === null || hour > 23 || minute > 59 || second > 59) return null;
  let offset = 0;
  if (sign !== undefined) {
    const [offH, offM] = [Number(oh), Number(om)];
    if (offH > 23 || offM > 59) return null;
    offset = (sign === '-' ? -1 : 1) * (offH * 60 + offM) * 60_000;
  }
  const ms = Number(frac.padEnd(3, '0').slice(0, 3));
  return day + hour * 3_600_000 + minute * 60_000 + second * 1000 + ms - offset;
}

/** A query bound: an RFC 3339 date-time, or a date `YYYY-MM-DD` meaning its midnight UTC. */
export function parseInstantMs(s: string): number | null {
  const m = DATE.exec(s);
  if (m === null) return parseTimestampMs(s);
  return dateMs(m[1] ?? '', m[2] ?? '', m[3] ?? '');
}

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { timestampArb } from './test-support/event-arbitrary.js';
import { parseInstantMs, parseTimestampMs } from './timestamp.js';

/** Any RFC 3339 date-time in years 1000–9999 (where Date.parse is a trustworthy oracle). */
const anyTimestamp = fc
  .record({
    ms: fc.integer({ min: Date.UTC(1000, 0, 1), max: Date.UTC(9999, 11, 31) }),
    offsetMin: fc.integer({ min: -(23 * 60 + 59), max: 23 * 60 + 59 }),
    frac: fc.string({ unit: fc.constantFrom(...'0123456789'), maxLength: 9 }),
  })
  .map(({ ms, offsetMin, frac }) => {
    const local = new Date(ms + offsetMin * 60_000).toISOString().slice(0, 19);
    const abs = Math.abs(offsetMin);
    const hh = String(Math.floor(abs / 60)).padStart(2, '0');
    const mm = String(abs % 60).padStart(2, '0');
    return `${local}${frac === '' ? '' : `.${frac}`}${offsetMin < 0 ? '-' : '+'}${hh}:${mm}`;
  });

describe('parseTimestampMs', () => {
  it('agrees with Date.parse (what fills occurred_ms / received_ms) on RFC 3339 text', () => {
    fc.assert(
      fc.property(fc.oneof(anyTimestamp, timestampArb), (s) => {
        expect(parseTimestampMs(s)).toBe(Date.parse(s.toUpperCase()));
      }),
      { numRuns: 5000 },
    );
  });

  it.each([
    ['1970-01-01T00:00:00Z', 0],
    ['1969-12-31T23:59:59.9999Z', -1],
    ['2024-02-29T12:00:00.123456789+01:00', Date.UTC(2024, 1, 29, 11, 0, 0, 123)],
    ['0050-01-01T00:00:00Z', -60_589_296_000_000],
    ['2024-01-01t00:00:00z', Date.UTC(2024, 0, 1)],
  ])('%s', (s, ms) => {
    expect(parseTimestampMs(s)).toBe(ms);
  });

  it.each([
    '2024-01-01',
    '2024-01-01T00:00:00',
    '2024-01-01 00:00:00Z',
    '2023-02-29T00:00:00Z',
    '2024-13-01T00:00:00Z',
    '2024-01-01T24:00:00Z',
    '2024-01-01T00:60:00Z',
    '2024-01-01T00:00:60Z',
    '2024-01-01T00:00:00.Z',
    '2024-01-01T00:00:00.1234567890Z',
    '2024-01-01T00:00:00+24:00',
    '2024-01-01T00:00:00+0100',
    '+002024-01-01T00:00:00Z',
  ])('refuses %j', (s) => {
    expect(parseTimestampMs(s)).toBeNull();
  });
});

describe('parseInstantMs', () => {
  it('reads a date as its midnight UTC, and refuses impossible dates', () => {
    expect(parseInstantMs('2024-03-01')).toBe(Date.UTC(2024, 2, 1));
    expect(parseInstantMs('2100-02-29')).toBeNull();
    expect(parseInstantMs('2000-02-29')).toBe(Date.UTC(2000, 1, 29));
    expect(parseInstantMs('2024-3-1')).toBeNull();
  });
});

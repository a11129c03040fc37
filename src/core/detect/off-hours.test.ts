import { describe, expect, it } from 'vitest';
import { createDetector } from './create-detector.js';
import { localTime } from './local-time.js';
import { DAY, detectorOf, ev, HOUR, typedRule } from './test-support/events.js';

const PARIS = typedRule(`type: off_hours
business_hours:
  timezone: Europe/Paris
  days: [mon, tue, wed, thu, fri]
  start: '08:00'
  end: '19:00'
tenants:
  globex:
    timezone: America/New_York
    start: '09:00'
    end: '17:00'`);

describe('local time', () => {
  it('follows daylight saving time of the zone', () => {
    // 2026-03-29 is the switch to CEST in Paris: 07:30 UTC is 08:30 before, 09:30 after.
    expect(localTime(Date.UTC(2026, 2, 28, 7, 30), 'Europe/Paris')).toMatchObject({
      weekday: 5,
      hour: 8,
      minute: 30,
    });
    expect(localTime(Date.UTC(2026, 2, 30, 7, 30), 'Europe/Paris')).toMatchObject({
      weekday: 0,
      hour: 9,
      minute: 30,
    });
    expect(localTime(Date.UTC(2026, 0, 1, 3), 'America/New_York')).toMatchObject({
      weekday: 2, // Wednesday 2025-12-31, 22:00
      hour: 22,
    });
  });
});

describe('off_hours with configured business hours', () => {
  it('fires outside the hours of the tenant time zone, not inside', () => {
    const d = detectorOf(PARIS);
    // Monday 2026-01-05: 07:30 UTC = 08:30 Paris (inside), 18:30 UTC = 19:30 Paris (outside).
    expect(d.evaluate(ev({ time: Date.UTC(2026, 0, 5, 7, 30) }))).toEqual([]);
    const [f] = d.evaluate(ev({ time: Date.UTC(2026, 0, 5, 18, 30), id: 'late' }));
    expect(f).toMatchObject({ groupKey: 'actor.id=alice', eventIds: ['late'], count: 1 });
    expect(f?.summary).toBe(
      'user.login by alice at mon 19:30 Europe/Paris, outside business hours (mon,tue,wed,thu,fri 08:00-19:00 Europe/Paris)',
    );
    // Saturday noon: outside.
    expect(d.evaluate(ev({ time: Date.UTC(2026, 0, 10, 11) }))).toHaveLength(1);
    // Summer time: 06:30 UTC on Monday 2026-06-01 is 08:30 in Paris.
    expect(d.evaluate(ev({ time: Date.UTC(2026, 5, 1, 6, 30) }))).toEqual([]);
  });

  it('applies a tenant override, keeping the default days', () => {
    const d = detectorOf(PARIS);
    // 15:00 UTC = 10:00 New York: inside for globex; 16:00 Paris: inside for acme.
    expect(d.evaluate(ev({ time: Date.UTC(2026, 0, 5, 15), tenant: 'globex' }))).toEqual([]);
    // 13:30 UTC = 08:30 New York: outside for globex, inside for acme.
    expect(d.evaluate(ev({ time: Date.UTC(2026, 0, 5, 13, 30), tenant: 'globex' }))).toHaveLength(
      1,
    );
    expect(d.evaluate(ev({ time: Date.UTC(2026, 0, 5, 13, 30) }))).toEqual([]);
  });

  it('handles a window across midnight', () => {
    const d = detectorOf(
      typedRule(`type: off_hours
business_hours: { timezone: UTC, days: [mon], start: '22:00', end: '06:00' }`),
    );
    expect(d.evaluate(ev({ time: Date.UTC(2026, 0, 5, 23) }))).toEqual([]); // Mon 23:00
    expect(d.evaluate(ev({ time: Date.UTC(2026, 0, 6, 5) }))).toEqual([]); // Tue 05:00
    expect(d.evaluate(ev({ time: Date.UTC(2026, 0, 6, 7) }))).toHaveLength(1);
    expect(d.evaluate(ev({ time: Date.UTC(2026, 0, 5, 5) }))).toHaveLength(1); // Mon 05:00
  });

  it('refuses bad hours with the line of the key', () => {
    const text = typedRule(`type: off_hours
business_hours:
  timezone: Mars/Olympus
  start: '08:00'`);
    const { errors } = createDetector({ files: [{ name: 'r.yml', text }] });
    expect(errors).toEqual([
      expect.objectContaining({
        code: 'invalid_parameter',
        file: 'r.yml',
        line: 9,
        column: 5,
        path: 'veritrail.business_hours.timezone',
      }),
    ]);
    const bad = (body: string) =>
      createDetector({ files: [{ name: 'r.yml', text: typedRule(body) }] }).errors.map(
        (e) => e.message,
      );
    expect(bad(`type: off_hours\nbusiness_hours: { timezone: UTC, start: '8h' }`)[0]).toContain(
      "'veritrail.business_hours.start' must be a time HH:MM",
    );
    expect(
      bad(`type: off_hours\nbusiness_hours: { timezone: UTC, days: [mon, sunday] }`)[0],
    ).toContain('must list days among mon');
    expect(bad(`type: off_hours`)[0]).toContain("needs 'business_hours'");
    expect(bad(`type: off_hours\nlearned: {}\nbusiness_hours: { timezone: UTC }`)[0]).toContain(
      'cannot be combined',
    );
    expect(bad(`type: off_hours\ntenants: { Not_A_Tenant: { timezone: UTC } }`)[0]).toContain(
      'is not a tenant name',
    );
  });
});

describe('off_hours learned per entity', () => {
  const LEARNED = typedRule(`type: off_hours
learned:
  lookback: 28d
  min_events: 50
  rare_below: 0.02
  warmup: 7d`);
  const T0 = Date.UTC(2026, 0, 5); // Monday

  it('fires on a rare hour of the week once the entity is known, not before', () => {
    const d = detectorOf(LEARNED);
    // Warm-up: an event at 03:00 on day 1 is not judged.
    expect(d.evaluate(ev({ time: T0 + 3 * HOUR }))).toEqual([]);
    // Three weeks of work on weekdays 09:00-17:00 UTC.
    for (let day = 0; day < 21; day++) {
      if (day % 7 >= 5) continue;
      for (let h = 9; h < 17; h++)
        expect(d.evaluate(ev({ time: T0 + day * DAY + h * HOUR }))).toEqual([]);
    }
    expect(d.evaluate(ev({ time: T0 + 21 * DAY + 10 * HOUR }))).toEqual([]); // Monday 10:00
    const [f] = d.evaluate(ev({ time: T0 + 26 * DAY + 3 * HOUR })); // Saturday 03:00
    expect(f?.summary).toMatch(
      /^user.login by actor.id=alice at sat 03:00 UTC: 0.0% of its 1\d\d events/,
    );
    // Another entity with no history: nothing.
    expect(d.evaluate(ev({ time: T0 + 26 * DAY + 3 * HOUR, actor: 'bob' }))).toEqual([]);
    expect(d.stateSize().entries).toBe(2);
  });

  it('forgets hours older than the look-back', () => {
    const d = detectorOf(LEARNED);
    // Weeks 1-4 active at Saturday 03:00 too, then five weeks of weekday work only.
    for (let day = 0; day < 63; day++) {
      const t = T0 + day * DAY;
      if (day < 28 && day % 7 === 5)
        for (let i = 0; i < 5; i++) d.evaluate(ev({ time: t + 3 * HOUR + i }));
      if (day % 7 < 5) for (let h = 9; h < 17; h++) d.evaluate(ev({ time: t + h * HOUR }));
    }
    expect(d.evaluate(ev({ time: T0 + 68 * DAY + 3 * HOUR }))).toHaveLength(1); // Saturday
  });
});

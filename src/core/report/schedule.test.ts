import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  cronProblem,
  lastRunAtOrBefore,
  nextRuns,
  parseSchedules,
  parseScheduleText,
  reportPeriod,
  runKey,
  startOfLocalDay,
} from './schedule.js';

const base = {
  name: 'soc2-monthly',
  cron: '0 6 1 * *',
  framework: 'soc2',
  tenant: 'acme',
  period: 'previous-month',
  out: 'reports',
};
const iso = (ms: number) => new Date(ms).toISOString();
const at = (s: string) => Date.parse(s);

describe('parseSchedules', () => {
  it('fills the defaults', () => {
    const r = parseSchedules({ schedules: [base] });
    expect(r).toEqual({
      ok: true,
      value: [
        {
          ...base,
          timezone: 'UTC',
          formats: ['json', 'csv', 'html'],
          verify: true,
          notify: [],
        },
      ],
    });
  });

  it('accepts the outbound stream destination shapes for webhook, slack and email', () => {
    const r = parseSchedules({
      schedules: [
        {
          ...base,
          notify: [
            { type: 'webhook', url: 'https://hooks.example/x', secret: '0123456789abcdef' },
            { type: 'slack', url: 'https://hooks.slack.com/services/T/B/C' },
            { type: 'email', host: 'smtp.example', from: 'a@example.com', to: ['b@example.com'] },
          ],
        },
      ],
    });
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.value[0]!.notify.map((n) => n.type)).toEqual(['webhook', 'slack', 'email']);
  });

  it.each([
    [{ cron: '61 * * * *' }, 'schedules.0.cron', 'not a valid cron expression'],
    [{ cron: '*/30 * * * * *' }, 'schedules.0.cron', 'more often than once a minute'],
    [{ cron: '@secondly' }, 'schedules.0.cron', 'more often than once a minute'],
    [{ timezone: 'Mars/Olympus' }, 'schedules.0.timezone', 'IANA'],
    [{ framework: 'gdpr' }, 'schedules.0.framework', 'soc2'],
    [{ period: 'last-month' }, 'schedules.0.period', 'previous-day'],
    [{ period: 'last-2000d' }, 'schedules.0.period', 'at most'],
    [{ name: 'Bad Name' }, 'schedules.0.name', 'a-z'],
    [{ tenant: '_system' }, 'schedules.0.tenant', 'must match'],
    [{ formats: [] }, 'schedules.0.formats', 'at least one'],
    [
      { notify: [{ type: 'syslog', host: 'x', port: 514 }] },
      'schedules.0.notify.0.type',
      'webhook',
    ],
    [
      { notify: [{ type: 'webhook', url: 'https://x.example', secret: 'short' }] },
      'schedules.0.notify.0.secret',
      '16',
    ],
    [{ extra: 1 }, 'schedules.0.extra', 'unknown field'],
  ])('refuses %j naming %s', (change, path, message) => {
    const r = parseSchedules({ schedules: [{ ...base, ...change }] });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      const issue = r.error.find((i) => i.path === path);
      expect(issue?.message).toContain(message);
    }
  });

  it('names the schedule in its issues and refuses repeated names', () => {
    const r = parseSchedules({ schedules: [base, { ...base, cron: 'nope' }] });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error).toContainEqual({
        path: 'schedules.1.name',
        message: '(soc2-monthly) is used by an earlier schedule',
      });
      expect(r.error.find((i) => i.path === 'schedules.1.cron')?.message).toMatch(
        /^\(soc2-monthly\) is not a valid cron/,
      );
    }
  });

  it('names the schedule in shape errors too', () => {
    const r = parseSchedules({ schedules: [{ ...base, period: 'yearly' }] });
    expect(r.ok).toBe(false);
    if (!r.ok)
      expect(r.error).toEqual([
        {
          path: 'schedules.0.period',
          message:
            '(soc2-monthly) must be previous-day, previous-week, previous-month, previous-quarter or last-<N>d',
        },
      ]);
  });

  it('parses YAML text and reports YAML errors', () => {
    const ok = parseScheduleText(
      'schedules:\n  - name: a\n    cron: "0 6 * * 1"\n    framework: hipaa\n    tenant: t\n    period: previous-week\n    out: /r\n',
    );
    expect(ok.ok).toBe(true);
    const bad = parseScheduleText('schedules: [\n');
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error[0]!.message).toContain('not valid YAML');
    const missing = parseScheduleText('{}');
    expect(missing.ok).toBe(false);
    if (!missing.ok)
      expect(missing.error[0]).toEqual({ path: 'schedules', message: 'is required' });
  });
});

describe('runs', () => {
  it('finds the scheduled instant at or before now, and the next ones', () => {
    const s = { cron: '0 6 1 * *', timezone: 'UTC' };
    expect(iso(lastRunAtOrBefore(s, at('2026-03-01T06:00:00Z'))!)).toBe('2026-03-01T06:00:00.000Z');
    expect(iso(lastRunAtOrBefore(s, at('2026-03-01T05:59:59.999Z'))!)).toBe(
      '2026-02-01T06:00:00.000Z',
    );
    expect(nextRuns(s, at('2026-03-01T06:00:00Z'), 3).map(iso)).toEqual([
      '2026-04-01T06:00:00.000Z',
      '2026-05-01T06:00:00.000Z',
      '2026-06-01T06:00:00.000Z',
    ]);
  });

  it('runs in the schedule time zone', () => {
    const s = { cron: '0 6 1 * *', timezone: 'Europe/Paris' };
    expect(nextRuns(s, at('2026-06-15T00:00:00Z'), 1).map(iso)).toEqual([
      '2026-07-01T04:00:00.000Z',
    ]);
  });

  it('names a run by its UTC minute', () => {
    expect(runKey(at('2026-03-01T06:05:59.999Z'))).toBe('20260301T0605Z');
  });
});

describe('reportPeriod', () => {
  const p = (run: string, period: string, tz = 'UTC') => {
    const r = reportPeriod(at(run), period, tz);
    return [iso(r.fromMs), iso(r.toMs)];
  };

  it('computes whole UTC days', () => {
    expect(p('2026-03-01T06:00:00Z', 'previous-month')).toEqual([
      '2026-02-01T00:00:00.000Z',
      '2026-03-01T00:00:00.000Z',
    ]);
    expect(p('2026-01-01T00:00:00Z', 'previous-month')).toEqual([
      '2025-12-01T00:00:00.000Z',
      '2026-01-01T00:00:00.000Z',
    ]);
    expect(p('2026-03-02T06:00:00Z', 'previous-day')).toEqual([
      '2026-03-01T00:00:00.000Z',
      '2026-03-02T00:00:00.000Z',
    ]);
    // 2026-03-04 is a Wednesday: the previous ISO week is Monday 23 Feb to Monday 2 Mar.
    expect(p('2026-03-04T06:00:00Z', 'previous-week')).toEqual([
      '2026-02-23T00:00:00.000Z',
      '2026-03-02T00:00:00.000Z',
    ]);
    expect(p('2026-05-20T06:00:00Z', 'previous-quarter')).toEqual([
      '2026-01-01T00:00:00.000Z',
      '2026-04-01T00:00:00.000Z',
    ]);
    expect(p('2026-02-10T06:00:00Z', 'previous-quarter')).toEqual([
      '2025-10-01T00:00:00.000Z',
      '2026-01-01T00:00:00.000Z',
    ]);
    expect(p('2026-03-08T06:00:00Z', 'last-7d')).toEqual([
      '2026-03-01T00:00:00.000Z',
      '2026-03-08T00:00:00.000Z',
    ]);
  });

  it('uses local midnights in the schedule time zone, across daylight saving', () => {
    // New York: EST (UTC-5) in February, EDT (UTC-4) from 8 March 2026.
    expect(p('2026-03-01T11:00:00Z', 'previous-month', 'America/New_York')).toEqual([
      '2026-02-01T05:00:00.000Z',
      '2026-03-01T05:00:00.000Z',
    ]);
    expect(p('2026-04-01T10:00:00Z', 'previous-month', 'America/New_York')).toEqual([
      '2026-03-01T05:00:00.000Z',
      '2026-04-01T04:00:00.000Z',
    ]);
    // Tokyo is ahead: 06:00 on 1 March local is still 28 February in UTC.
    expect(p('2026-02-28T21:00:00Z', 'previous-day', 'Asia/Tokyo')).toEqual([
      '2026-02-27T15:00:00.000Z',
      '2026-02-28T15:00:00.000Z',
    ]);
  });

  it('starts a day whose midnight is skipped at the jump (Santiago, spring forward)', () => {
    // Chile moved clocks from 00:00 to 01:00 on 7 September 2025 (UTC-4 to UTC-3).
    expect(iso(startOfLocalDay(2025, 9, 7, 'America/Santiago'))).toBe('2025-09-07T04:00:00.000Z');
    expect(iso(startOfLocalDay(2025, 9, 8, 'America/Santiago'))).toBe('2025-09-08T03:00:00.000Z');
  });

  const zones = ['UTC', 'America/New_York', 'Europe/Paris', 'Asia/Kolkata', 'Australia/Lord_Howe'];
  const periods = [
    'previous-day',
    'previous-week',
    'previous-month',
    'previous-quarter',
    'last-7d',
  ];
  const instant = fc.integer({ min: at('2000-01-01T00:00:00Z'), max: at('2060-01-01T00:00:00Z') });

  it('ends at or before the run and has a positive length (property)', () => {
    fc.assert(
      fc.property(instant, fc.constantFrom(...periods), fc.constantFrom(...zones), (t, k, tz) => {
        const r = reportPeriod(t, k, tz);
        expect(r.toMs).toBeLessThanOrEqual(t);
        expect(r.toMs).toBeGreaterThan(r.fromMs);
        // The period ends at the start of the run's own day, week, month or quarter.
        const maxDays = { 'previous-week': 7, 'previous-month': 31, 'previous-quarter': 92 };
        expect(t - r.toMs).toBeLessThan(
          ((maxDays as Record<string, number>)[k] ?? 1) * 86_400_000 + 3_600_000,
        );
      }),
    );
  });

  it('is whole UTC days in UTC (property)', () => {
    fc.assert(
      fc.property(instant, fc.constantFrom(...periods), (t, k) => {
        const r = reportPeriod(t, k, 'UTC');
        expect(r.fromMs % 86_400_000).toBe(0);
        expect(r.toMs % 86_400_000).toBe(0);
      }),
    );
  });

  it('schedules across the half-hour daylight-saving change of Lord Howe Island (regression: the cron library gave up there)', () => {
    const s = { cron: '0 6 1 * *', timezone: 'Australia/Lord_Howe' };
    // 06:00 on the 1st: +11:00 in March, +10:30 from the first Sunday of April (1 April 2035).
    expect(
      nextRuns(s, Date.parse('2035-02-15T00:00:00Z'), 3).map((t) => new Date(t).toISOString()),
    ).toEqual(['2035-02-28T19:00:00.000Z', '2035-03-31T19:30:00.000Z', '2035-04-30T19:30:00.000Z']);
    expect(lastRunAtOrBefore(s, Date.parse('2035-04-10T00:00:00Z'))).toBe(
      Date.parse('2035-03-31T19:30:00Z'),
    );
    // A run exactly at `now` counts as at or before it.
    expect(lastRunAtOrBefore(s, Date.parse('2035-03-31T19:30:00Z'))).toBe(
      Date.parse('2035-03-31T19:30:00Z'),
    );
  });

  it('refuses a cron expression that never runs', () => {
    expect(cronProblem('0 0 31 2 *', 'UTC')).toBe('never runs');
  });

  it('gives adjacent, non-overlapping periods to consecutive runs (property)', () => {
    const cases: [string, string][] = [
      ['0 6 1 * *', 'previous-month'],
      ['30 2 * * *', 'previous-day'],
      ['0 7 * * 1', 'previous-week'],
      ['0 0 1 1,4,7,10 *', 'previous-quarter'],
      ['15 3 * * *', 'last-1d'],
    ];
    fc.assert(
      fc.property(instant, fc.constantFrom(...cases), fc.constantFrom(...zones), (t, c, tz) => {
        const [cron, period] = c;
        const [a, b] = nextRuns({ cron, timezone: tz }, t, 2);
        const pa = reportPeriod(a!, period, tz);
        const pb = reportPeriod(b!, period, tz);
        expect(pb.fromMs).toBe(pa.toMs);
      }),
      { numRuns: 200 },
    );
  });
});

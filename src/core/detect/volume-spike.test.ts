import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DAY, detectorOf, ev, HOUR, typedRule } from './test-support/events.js';
import type { Detector, Finding } from './types.js';

const T0 = Date.UTC(2026, 0, 5); // a Monday, 00:00 UTC

/** Feeds `n` events for `actor` spread inside the hour starting at `hourStart`. */
function burst(d: Detector, hourStart: number, n: number, actor = 'alice'): Finding[] {
  const out: Finding[] = [];
  for (let i = 0; i < n; i++)
    out.push(...d.evaluate(ev({ time: hourStart + Math.floor((i * HOUR) / (n + 1)), actor })));
  return out;
}

const rule = (extra = '') => {
  const params = new Map<string, string>(
    Object.entries({
      type: 'volume_spike',
      entity: '[actor.id]',
      bucket: '1h',
      baseline: 'ewma',
      threshold: '3',
      min_count: '20',
      warmup: '2d',
    }),
  );
  for (const line of extra.split('\n').filter((l) => l !== '')) {
    const [k = '', v = ''] = line.split(': ');
    params.set(k, v);
  }
  return typedRule([...params].map(([k, v]) => `${k}: ${v}`).join('\n'));
};

describe('volume_spike', () => {
  it('fires once when an hour holds far more events than the baseline', () => {
    const d = detectorOf(rule());
    for (let h = 0; h < 72; h++) expect(burst(d, T0 + h * HOUR, 5)).toEqual([]);
    const found = burst(d, T0 + 72 * HOUR, 100);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ groupKey: 'actor.id=alice', context: { bucket: '1h' } });
    expect(found[0]?.count).toBe(20); // min_count reached, far above 5 + 3 × √5
    expect(found[0]?.eventIds.length).toBeLessThanOrEqual(10);
    expect(found[0]?.summary).toMatch(/^\d+ events in 1h for actor.id=alice, expected about 5/);
    // A new bucket may fire again, against a baseline that has absorbed part of the spike.
    expect(burst(d, T0 + 73 * HOUR, 90)).toEqual([]);
    expect(burst(d, T0 + 74 * HOUR, 300)).toHaveLength(1);
  });

  it('stays quiet on steady volume and below min_count', () => {
    const d = detectorOf(rule());
    for (let h = 0; h < 100; h++) expect(burst(d, T0 + h * HOUR, 10)).toEqual([]);
    const quiet = detectorOf(rule());
    for (let h = 0; h < 72; h++) burst(quiet, T0 + h * HOUR, 1);
    expect(burst(quiet, T0 + 72 * HOUR, 19)).toEqual([]); // 19 < min_count
  });

  it('does not fire during the warm-up (cold start)', () => {
    const d = detectorOf(rule());
    for (let h = 0; h < 24; h++) burst(d, T0 + h * HOUR, 5);
    expect(burst(d, T0 + 24 * HOUR, 200)).toEqual([]); // history of 1 day < warmup 2d
  });

  it('counts by event time: late events do not count, gaps count as empty hours', () => {
    const d = detectorOf(rule());
    for (let h = 0; h < 72; h++) burst(d, T0 + h * HOUR, 5);
    // Events of hour 10 arriving now are late; they never fire.
    expect(burst(d, T0 + 10 * HOUR, 200)).toEqual([]);
    // A gap of a day, then a modest burst: the baseline has decayed towards 0.
    expect(burst(d, T0 + 96 * HOUR, 25)).toHaveLength(1);
  });

  it('median_mad: a robust baseline', () => {
    const d = detectorOf(rule('baseline: median_mad\nhistory: 48'));
    for (let h = 0; h < 72; h++) burst(d, T0 + h * HOUR, h % 2 === 0 ? 8 : 12);
    expect(burst(d, T0 + 72 * HOUR, 18)).toEqual([]);
    expect(burst(d, T0 + 73 * HOUR, 60)).toHaveLength(1);
  });

  it('hour_of_week seasonality compares an hour with the same hour of earlier weeks', () => {
    const seasonal = detectorOf(
      rule('seasonality: hour_of_week\nwarmup: 21d\ntimezone: Europe/Paris'),
    );
    const flat = detectorOf(rule('warmup: 21d'));
    // Busy Monday 09:00 Paris (08:00 UTC in winter) every week, quiet otherwise.
    for (let h = 0; h < 24 * 7 * 4; h++) {
      const busy = h % 168 === 8;
      const t = T0 + h * HOUR;
      expect(burst(seasonal, t, busy ? 100 : 2)).toEqual([]);
      burst(flat, t, busy ? 100 : 2);
    }
    // Week 5, Monday 08:00 UTC: busy as usual. Only the flat baseline is surprised.
    expect(burst(seasonal, T0 + (168 * 4 + 8) * HOUR, 100)).toEqual([]);
    expect(burst(flat, T0 + (168 * 4 + 8) * HOUR, 100)).toHaveLength(1);
    // The same volume on a Tuesday is a spike for the seasonal baseline.
    expect(burst(seasonal, T0 + (168 * 4 + 24 + 8) * HOUR, 100)).toHaveLength(1);
  });

  it('fires at most once per bucket and entity (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 200 }), fc.constantFrom('a', 'b')), {
          minLength: 1,
          maxLength: 80,
        }),
        (hours) => {
          const d = detectorOf(rule('warmup: 0s\nmin_count: 1\nthreshold: 0.5'));
          const fired = new Set<string>();
          hours
            .map(([h, actor], i) => ({ t: T0 + h * HOUR + i, actor }))
            .sort((x, y) => x.t - y.t)
            .forEach(({ t, actor }) => {
              for (const f of d.evaluate(ev({ time: t, actor }))) {
                const k = `${f.groupKey}@${Math.floor(t / HOUR)}`;
                expect(fired.has(k)).toBe(false);
                fired.add(k);
              }
            });
          expect(d.stateSize().entries).toBeLessThanOrEqual(2);
        },
      ),
    );
  });

  it('keeps at most max_entities entities', () => {
    const d = detectorOf(rule('max_entities: 3'));
    for (let i = 0; i < 20; i++) d.evaluate(ev({ time: T0 + i * DAY, actor: `u${i}` }));
    expect(d.stateSize().entries).toBe(3);
  });
});

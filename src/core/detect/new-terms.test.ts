import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DAY, detectorOf, ev, HOUR, typedRule } from './test-support/events.js';
import type { Finding } from './types.js';

const RULE = typedRule(`
type: new_terms
entity: [actor.id]
field: source.geo.country
lookback: 30d`);

const T0 = Date.UTC(2026, 0, 5, 9);

describe('new_terms', () => {
  it('learns on the first event, then fires once on a new value', () => {
    const d = detectorOf(RULE);
    expect(d.evaluate(ev({ time: T0, country: 'FR' }))).toEqual([]);
    expect(d.evaluate(ev({ time: T0 + HOUR, country: 'FR' }))).toEqual([]);
    const [f] = d.evaluate(ev({ time: T0 + 2 * HOUR, country: 'BR', id: 'x1' }));
    expect(f).toMatchObject({
      tenant: 'acme',
      groupKey: 'actor.id=alice',
      eventIds: ['x1'],
      count: 1,
      context: { field: 'source.geo.country', values: ['BR'] },
    });
    expect(f?.rule).toMatchObject({ type: 'new_terms', severity: 'high', suppressMs: 15 * 60_000 });
    expect(f?.summary).toContain("new source.geo.country 'BR' for actor.id=alice");
    // Known now: no second finding.
    expect(d.evaluate(ev({ time: T0 + 3 * HOUR, country: 'BR' }))).toEqual([]);
  });

  it('keeps entities and tenants apart', () => {
    const d = detectorOf(RULE);
    d.evaluate(ev({ time: T0, country: 'FR' }));
    // bob's first event, and alice in another tenant: both learning.
    expect(d.evaluate(ev({ time: T0 + 1, actor: 'bob', country: 'BR' }))).toEqual([]);
    expect(d.evaluate(ev({ time: T0 + 2, tenant: 'globex', country: 'BR' }))).toEqual([]);
    expect(d.evaluate(ev({ time: T0 + 3, country: 'BR' }))).toHaveLength(1);
  });

  it('fires again for a value unseen for longer than the look-back', () => {
    const d = detectorOf(RULE);
    d.evaluate(ev({ time: T0, country: 'FR' }));
    d.evaluate(ev({ time: T0 + DAY, country: 'BR' }));
    expect(d.evaluate(ev({ time: T0 + 20 * DAY, country: 'FR' }))).toEqual([]);
    expect(d.evaluate(ev({ time: T0 + 32 * DAY, country: 'BR' }))).toHaveLength(1);
  });

  it('ignores events without the field or without an entity', () => {
    const d = detectorOf(RULE);
    d.evaluate(ev({ time: T0, country: 'FR' }));
    expect(d.evaluate(ev({ time: T0 + 1 }))).toEqual([]);
    expect(d.stateSize().entries).toBe(2); // one entity, one value
  });

  it('looks only at the events its detection selects', () => {
    const d = detectorOf(
      typedRule(
        `type: new_terms\nfield: source.geo.country`,
        'detection:\n  sel:\n    outcome: success\n  condition: sel\n',
      ),
    );
    d.evaluate(ev({ time: T0, country: 'FR' }));
    const failed = ev({ time: T0 + 1, country: 'BR', extra: { outcome: 'failure' } });
    expect(d.evaluate(failed)).toEqual([]);
    expect(d.evaluate(ev({ time: T0 + 2, country: 'BR' }))).toHaveLength(1);
  });

  it('caps entities and values per entity', () => {
    const d = detectorOf(
      typedRule(`type: new_terms\nfield: source.geo.country\nmax_entities: 2\nmax_values: 3`),
    );
    for (let i = 0; i < 50; i++)
      d.evaluate(ev({ time: T0 + i, actor: `u${i % 5}`, country: `C${i % 7}` }));
    expect(d.stateSize().entries).toBeLessThanOrEqual(2 + 2 * 3);
  });
});

/** A naive model: per (entity, value) the last sighting; the entity's first event teaches. */
function naive(events: readonly { actor: string; country: string; t: number }[], lookback: number) {
  const firstSeen = new Set<string>();
  const last = new Map<string, number>();
  return events.map((e) => {
    const learning = !firstSeen.has(e.actor);
    firstSeen.add(e.actor);
    const k = `${e.actor}|${e.country}`;
    const prev = last.get(k);
    last.set(k, Math.max(prev ?? e.t, e.t));
    return !learning && (prev === undefined || e.t - prev > lookback);
  });
}

const seqArb = fc.array(
  fc.record({
    actor: fc.constantFrom('a', 'b', 'c'),
    country: fc.constantFrom('FR', 'DE', 'BR', 'JP'),
    dt: fc.integer({ min: 0, max: 10 * DAY }),
  }),
  { maxLength: 60 },
);

describe('new_terms properties', () => {
  const lookback = 30 * DAY;
  const toEvents = (seq: readonly { actor: string; country: string; dt: number }[]) => {
    let t = T0;
    return seq.map((s) => ({ actor: s.actor, country: s.country, t: (t += s.dt) }));
  };
  const run = (events: readonly { actor: string; country: string; t: number }[], rule = RULE) => {
    const d = detectorOf(rule);
    return events.map((e, i) =>
      d.evaluate(ev({ time: e.t, actor: e.actor, country: e.country, id: `id${i}` })),
    );
  };

  it('fires exactly on the first sighting of a value after the entity first event, as a naive model does', () => {
    fc.assert(
      fc.property(seqArb, (seq) => {
        const events = toEvents(seq);
        const got = run(events).map((f) => f.length > 0);
        expect(got).toEqual(naive(events, lookback));
      }),
    );
  });

  it('never fires twice for the same value of an entity within the look-back', () => {
    fc.assert(
      fc.property(seqArb, (seq) => {
        const events = toEvents(seq);
        const fired = new Map<string, number>();
        run(events).forEach((fs, i) => {
          const e = events[i];
          if (e === undefined || fs.length === 0) return;
          const k = `${e.actor}|${e.country}`;
          const prev = fired.get(k);
          if (prev !== undefined) expect(e.t - prev).toBeGreaterThan(lookback);
          fired.set(k, e.t);
        });
      }),
    );
  });

  it('keeps its state within the caps', () => {
    const capped = typedRule(
      `type: new_terms\nfield: source.geo.country\nmax_entities: 2\nmax_values: 2`,
    );
    fc.assert(
      fc.property(seqArb, (seq) => {
        const d = detectorOf(capped);
        for (const e of toEvents(seq)) {
          d.evaluate(ev({ time: e.t, actor: e.actor, country: e.country }));
          expect(d.stateSize().entries).toBeLessThanOrEqual(2 + 2 * 2);
        }
      }),
    );
  });

  it('gives the same findings for the same sequence', () => {
    fc.assert(
      fc.property(seqArb, (seq) => {
        const events = toEvents(seq);
        const strip = (fs: readonly (readonly Finding[])[]) =>
          fs.map((f) => f.map((x) => ({ ...x, rule: x.rule.id })));
        expect(strip(run(events))).toEqual(strip(run(events)));
      }),
    );
  });
});

/**
 * The bounded correlation state agrees with a naive, unbounded model of the documented
 * semantics (docs/sigma.md "Correlation rules") while the bounds are not reached, and stays
 * within its bounds when they are.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Correlator } from './correlator.js';
import type { CorrelationRule, CountCondition } from './types.js';

const ruleOf = (
  type: CorrelationRule['type'],
  condition: CountCondition,
  timespanMs: number,
): CorrelationRule => ({
  kind: 'correlation',
  title: 't',
  type,
  rules: ['a', 'b'],
  groupBy: [],
  timespanMs,
  condition,
  aliases: {},
  generate: false,
  tags: [],
  references: [],
  falsepositives: [],
  fields: [],
  file: 'x.yml',
  line: 1,
});

interface Ev {
  readonly group: string;
  readonly t: number;
  readonly value: string;
}

/** Naive model: per group, every event kept; window (newest − span, newest]; cleared on a match. */
function naive(
  type: 'event_count' | 'value_count',
  cond: CountCondition,
  span: number,
  events: readonly Ev[],
): boolean[] {
  const groups = new Map<string, { newest: number; kept: Ev[] }>();
  const holds = (n: number) =>
    (cond.gte === undefined || n >= cond.gte) && (cond.lte === undefined || n <= cond.lte);
  return events.map((e) => {
    const g = groups.get(e.group) ?? { newest: e.t, kept: [] };
    groups.set(e.group, g);
    g.newest = Math.max(g.newest, e.t);
    if (e.t <= g.newest - span) return false;
    g.kept.push(e);
    const inWindow = g.kept.filter((x) => x.t > g.newest - span);
    const n = type === 'event_count' ? inWindow.length : new Set(inWindow.map((x) => x.value)).size;
    if (!holds(n)) return false;
    groups.delete(e.group);
    return true;
  });
}

const evArb = fc.record({
  group: fc.constantFrom('g1', 'g2', 'g3'),
  t: fc.integer({ min: 0, max: 200 }),
  value: fc.constantFrom('u1', 'u2', 'u3', 'u4'),
});

describe('Correlator', () => {
  for (const type of ['event_count', 'value_count'] as const) {
    it(`${type} agrees with the naive model`, () => {
      fc.assert(
        fc.property(
          fc.array(evArb, { maxLength: 60 }),
          fc.integer({ min: 1, max: 50 }),
          fc.integer({ min: 1, max: 5 }),
          (events, span, gte) => {
            const cond = { gte };
            const c = new Correlator(ruleOf(type, cond, span), {
              maxGroups: 100,
              maxEntries: 1000,
            });
            const got = events.map((e, i) => c.add(e.group, 0, e.t, e.value, `e${i}`) !== null);
            expect(got).toEqual(naive(type, cond, span, events));
          },
        ),
        { numRuns: 500 },
      );
    });
  }

  it('stays within its bounds', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 1000 })), {
          maxLength: 300,
        }),
        (events) => {
          const c = new Correlator(ruleOf('event_count', { gte: 10_000 }, 10_000), {
            maxGroups: 5,
            maxEntries: 7,
          });
          for (const [g, t] of events) c.add(`g${g}`, 0, t, null, `id${t}`);
          const size = c.size;
          expect(size.groups).toBeLessThanOrEqual(5);
          // times + event ids, at most maxEntries each, per group
          expect(size.entries).toBeLessThanOrEqual(5 * 7 * 2);
        },
      ),
    );
  });
});

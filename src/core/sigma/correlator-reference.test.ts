/**
 * The correlator's windows (time-window.ts: head indices, in-place filters, sortedness kept
 * as a flag) agree event by event with the plain reference (test-support/reference-correlator.ts,
 * one array per window filtered on every event), for every correlation type, with the bounds
 * reached, groups evicted, and events in order, out of order and late.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Correlator } from './correlator.js';
import { ReferenceCorrelator } from './test-support/reference-correlator.js';
import type { CorrelationRule, CountCondition } from './types.js';

const TYPES = ['event_count', 'value_count', 'temporal', 'temporal_ordered'] as const;

const ruleOf = (
  type: CorrelationRule['type'],
  condition: CountCondition,
  timespanMs: number,
  rules: readonly string[],
): CorrelationRule => ({
  kind: 'correlation',
  title: 't',
  type,
  rules: [...rules],
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

const conditionArb: fc.Arbitrary<CountCondition> = fc.oneof(
  fc.record({ gte: fc.integer({ min: 1, max: 12 }) }),
  fc.record({ gt: fc.integer({ min: 0, max: 12 }) }),
  fc.record({ eq: fc.integer({ min: 1, max: 6 }) }),
  fc.record({ gte: fc.integer({ min: 1, max: 4 }), lte: fc.integer({ min: 3, max: 9 }) }),
  // Never holds: the state only grows, up to its bounds.
  { weight: 3, arbitrary: fc.constant({ gte: 1000 }) },
);

/** Mostly increasing times (a step ≥ 0), sometimes a jump back (out of order or late). */
const streamArb = fc.array(
  fc.record({
    group: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 5 })),
    rule: fc.integer({ min: 0, max: 3 }),
    step: fc.oneof(
      { weight: 6, arbitrary: fc.integer({ min: 0, max: 4 }) },
      { weight: 2, arbitrary: fc.integer({ min: -6, max: -1 }) },
      { weight: 1, arbitrary: fc.integer({ min: -40, max: -7 }) },
    ),
    value: fc.option(fc.constantFrom('u1', 'u2', 'u3', 'u4', 'u5', 'u6'), { freq: 8 }),
    withId: fc.boolean(),
  }),
  { minLength: 20, maxLength: 300, size: 'max' },
);

describe('Correlator against the reference', () => {
  for (const type of TYPES) {
    it(`${type}: same hits and same state size after every event`, () => {
      fc.assert(
        fc.property(
          streamArb,
          conditionArb,
          fc.integer({ min: 1, max: 40 }),
          fc.integer({ min: 1, max: 4 }),
          fc.integer({ min: 1, max: 30 }),
          fc.integer({ min: 2, max: 3 }),
          (events, condition, span, maxGroups, maxEntries, nRules) => {
            const rule = ruleOf(type, condition, span, ['a', 'b', 'c'].slice(0, nRules));
            const limits = { maxGroups, maxEntries };
            const got = new Correlator(rule, limits);
            const want = new ReferenceCorrelator(rule, limits);
            let t = 100;
            events.forEach((e, i) => {
              t += e.step;
              const id = e.withId ? `e${i}` : null;
              const args = [`g${e.group}`, e.rule, t, e.value, id] as const;
              expect(got.add(...args), `event ${i}`).toEqual(want.add(...args));
              expect(got.size, `size after event ${i}`).toEqual(want.size);
            });
          },
        ),
        { numRuns: 200 },
      );
    });
  }

  it('a long in-order stream through one group, past many compactions', () => {
    const rule = ruleOf('event_count', { gte: 100_000 }, 500, ['a']);
    const limits = { maxGroups: 10, maxEntries: 300 };
    const got = new Correlator(rule, limits);
    const want = new ReferenceCorrelator(rule, limits);
    for (let i = 0; i < 5000; i++) {
      const t = i * 3 - (i % 7 === 0 ? 5 : 0);
      expect(got.add('g', 0, t, null, `e${i}`)).toEqual(want.add('g', 0, t, null, `e${i}`));
    }
    expect(got.size).toEqual(want.size);
    expect(got.size.entries).toBeGreaterThan(300);
  });
});

/**
 * LruMap agrees with a naive model (an array of entries, least recently used first) on any
 * sequence of get, set and delete, including the same key touched several times in a row.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LruMap } from './lru.js';

type Op =
  | { readonly op: 'get'; readonly key: string }
  | { readonly op: 'set'; readonly key: string; readonly value: number }
  | { readonly op: 'delete'; readonly key: string };

const keyArb = fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f');
const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constant('get' as const), key: keyArb }),
  fc.record({ op: fc.constant('set' as const), key: keyArb, value: fc.nat(99) }),
  fc.record({ op: fc.constant('delete' as const), key: keyArb }),
);

describe('LruMap', () => {
  it('agrees with a naive least-recently-used list', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 5 }),
        fc.array(opArb, { maxLength: 200, size: 'max' }),
        (max, ops) => {
          const lru = new LruMap<number>(max);
          let model: [string, number][] = [];
          for (const o of ops) {
            const at = model.findIndex(([k]) => k === o.key);
            const found = at < 0 ? undefined : model[at];
            switch (o.op) {
              case 'get': {
                if (found !== undefined) model = [...model.filter((e) => e !== found), found];
                expect(lru.get(o.key)).toBe(found?.[1]);
                break;
              }
              case 'set': {
                model = [...model.filter(([k]) => k !== o.key), [o.key, o.value]];
                const evicted = model.length > max ? model.shift() : undefined;
                expect(lru.set(o.key, o.value)).toBe(evicted?.[1]);
                break;
              }
              case 'delete':
                model = model.filter(([k]) => k !== o.key);
                lru.delete(o.key);
                break;
            }
            expect(lru.size).toBe(model.length);
            expect([...lru.values()]).toEqual(model.map(([, v]) => v));
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

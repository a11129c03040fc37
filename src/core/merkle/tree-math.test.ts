import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { VeritrailError } from '../errors.js';
import { consistencyProofPlan, inclusionProofPlan, rootPlan } from './proof-plan.js';
import {
  refConsistency,
  refFrontier,
  refInclusion,
  refSplit,
} from './test-support/bigint-reference.js';
import {
  MAX_TREE_SIZE,
  bitAt,
  bitLength,
  frontierRefs,
  isPowerOfTwo,
  pow2,
  refKey,
  splitPoint,
} from './tree-math.js';
import type { NodeRef } from './tree-math.js';

const keys = (refs: readonly NodeRef[]) => refs.map(refKey);
const TWO_32 = 2 ** 32;
/** Sizes past 32 bits, the range the bitwise operators would silently break. */
const bigSize = fc.integer({ min: TWO_32, max: MAX_TREE_SIZE });
const anySize = fc.oneof(fc.integer({ min: 1, max: 5000 }), bigSize);
const FIXED = [
  TWO_32 - 1,
  TWO_32,
  TWO_32 + 1,
  TWO_32 + 5,
  2 ** 40 + 123,
  2 ** 52 + 3,
  MAX_TREE_SIZE,
];

describe('bit arithmetic beyond 2^32', () => {
  it('pow2 is exact up to 2^53 and refuses other exponents', () => {
    expect(pow2(0)).toBe(1);
    expect(pow2(53)).toBe(9007199254740992);
    expect(() => pow2(54)).toThrow(RangeError);
    expect(() => pow2(1.5)).toThrow(RangeError);
  });

  it('bitLength, bitAt, splitPoint and isPowerOfTwo agree with BigInt', () => {
    fc.assert(
      fc.property(anySize, (n) => {
        const b = BigInt(n);
        expect(bitLength(n)).toBe(b.toString(2).length);
        for (let level = 0; level < 54; level++) {
          expect(bitAt(n, level)).toBe(((b >> BigInt(level)) & 1n) === 1n);
        }
        if (n >= 2) expect(BigInt(splitPoint(n))).toBe(refSplit(b));
        expect(isPowerOfTwo(n)).toBe((b & (b - 1n)) === 0n);
      }),
    );
    expect(bitLength(0)).toBe(0);
    expect(splitPoint(TWO_32 + 5)).toBe(TWO_32);
    expect(splitPoint(TWO_32)).toBe(2 ** 31);
    expect(isPowerOfTwo(2 ** 40)).toBe(true);
    expect(isPowerOfTwo(2 ** 40 + 123)).toBe(false);
  });

  it('frontierRefs is one complete subtree per set bit, as the BigInt reference says', () => {
    for (const n of FIXED) expect(keys(frontierRefs(n))).toEqual(refFrontier(BigInt(n)));
    expect(keys(frontierRefs(TWO_32 + 5))).toEqual(['32/0', '2/1073741824', '0/4294967300']);
    fc.assert(
      fc.property(anySize, (n) => {
        expect(keys(frontierRefs(n))).toEqual(refFrontier(BigInt(n)));
      }),
    );
    expect(rootPlan(0)).toEqual({ refs: [], elements: [] });
  });

  it('inclusion proof plans match the BigInt RFC 9162 §2.1.3.1 recursion', () => {
    const check = (index: number, size: number) => {
      const plan = inclusionProofPlan(index, size);
      expect(plan.elements.map(keys)).toEqual(refInclusion(BigInt(index), BigInt(size)));
      expect(plan.refs.length).toBeLessThanOrEqual(2 * bitLength(size));
    };
    for (const size of FIXED) for (const index of [0, 1, size - 2, size - 1]) check(index, size);
    check(2 ** 40 + 122, 2 ** 40 + 123);
    // 123 = 0b1111011: the last leaf's siblings are the six other frontier subtrees.
    expect(inclusionProofPlan(2 ** 40 + 122, 2 ** 40 + 123).elements).toHaveLength(6);
    expect(inclusionProofPlan(0, 2 ** 40 + 123).elements).toHaveLength(41);
    fc.assert(
      fc.property(
        anySize.chain((size) => fc.tuple(fc.integer({ min: 0, max: size - 1 }), fc.constant(size))),
        ([index, size]) => {
          check(index, size);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('consistency proof plans match the BigInt RFC 9162 §2.1.4.1 recursion', () => {
    const check = (from: number, to: number) => {
      const plan = consistencyProofPlan(from, to);
      expect(plan.elements.map(keys)).toEqual(refConsistency(BigInt(from), BigInt(to)));
      expect(plan.refs.length).toBeLessThanOrEqual(3 * bitLength(to));
    };
    for (const to of FIXED)
      for (const from of [1, 2, 3, TWO_32, to - 1, to]) if (from <= to) check(from, to);
    check(TWO_32 + 5, 2 ** 40 + 123);
    fc.assert(
      fc.property(
        anySize.chain((to) => fc.tuple(fc.integer({ min: 1, max: to }), fc.constant(to))),
        ([from, to]) => {
          check(from, to);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('argument errors', () => {
  const issue = (fn: () => unknown, path: string) => {
    let caught: unknown;
    try {
      fn();
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(VeritrailError);
    const e = caught as VeritrailError;
    expect(e.code).toBe('validation_failed');
    expect(e.details.map((d) => d.path)).toEqual([path]);
  };

  it('names the offending field', () => {
    issue(() => inclusionProofPlan(5, 5), 'index');
    issue(() => inclusionProofPlan(0, 0), 'index');
    issue(() => inclusionProofPlan(-1, 5), 'index');
    issue(() => inclusionProofPlan(0, 2 ** 53), 'size');
    issue(() => inclusionProofPlan(0, 1.5), 'size');
    issue(() => consistencyProofPlan(4, 3), 'from');
    issue(() => consistencyProofPlan(0, 3), 'from');
    issue(() => consistencyProofPlan(1, Number.NaN), 'to');
    issue(() => frontierRefs(-1), 'size');
  });

  it('gives the empty plan between equal sizes', () => {
    expect(consistencyProofPlan(7, 7)).toEqual({ refs: [], elements: [] });
    expect(inclusionProofPlan(0, 1)).toEqual({ refs: [], elements: [] });
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bucketFloor, skewBucket, SkewHistogram } from './skew-histogram.js';

const skewArb = fc.oneof(
  fc.integer({ min: -2000, max: 2000 }),
  fc.integer({ min: -(2 ** 45), max: 2 ** 45 }),
  fc.constantFrom(1023, 1024, -1024, 2 ** 31, 2 ** 31 - 1, 3_600_000),
);

/** Nearest-rank percentile of the exact values. */
function exact(values: readonly number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.max(0, Math.ceil((p / 100) * s.length) - 1)]!;
}

describe('the skew histogram', () => {
  it('is exact below 1,024 ms', () => {
    for (const v of [-1023, -1, 0, 1, 999, 1023]) {
      expect(skewBucket(v)).toBe(v);
      expect(bucketFloor(skewBucket(v))).toBe(v);
    }
  });

  it('puts every value in a bucket whose floor is within 1/64 below it, same sign', () => {
    fc.assert(
      fc.property(skewArb, (v) => {
        const f = bucketFloor(skewBucket(v));
        expect(Math.sign(f)).toBe(Math.sign(v));
        expect(Math.abs(f)).toBeLessThanOrEqual(Math.abs(v));
        expect(Math.abs(v) - Math.abs(f)).toBeLessThanOrEqual(Math.abs(v) / 64);
        // The floor is in its own bucket: buckets do not overlap.
        expect(skewBucket(f)).toBe(skewBucket(v));
      }),
      { numRuns: 2000 },
    );
  });

  it('orders buckets as it orders values', () => {
    fc.assert(
      fc.property(skewArb, skewArb, (a, b) => {
        if (a <= b) expect(skewBucket(a)).toBeLessThanOrEqual(skewBucket(b));
      }),
      { numRuns: 2000 },
    );
  });

  it('gives percentiles within 1/64 of the exact ones, and exact extremes, merged or not', () => {
    fc.assert(
      fc.property(
        fc.array(skewArb, { minLength: 1, maxLength: 200 }),
        fc.nat(),
        fc.constantFrom(1, 50, 90, 99, 100),
        (values, cut, p) => {
          const whole = new SkewHistogram();
          for (const v of values) whole.add(v);
          const k = cut % (values.length + 1);
          const left = new SkewHistogram();
          const right = new SkewHistogram();
          values.slice(0, k).forEach((v) => left.add(v));
          values.slice(k).forEach((v) => right.add(v));
          const merged = new SkewHistogram();
          merged.merge(left.toJSON());
          merged.merge(right.toJSON());
          expect(merged.toJSON()).toEqual(whole.toJSON());
          expect(whole.min).toBe(Math.min(...values));
          expect(whole.max).toBe(Math.max(...values));
          const want = exact(values, p);
          const got = whole.percentile(p);
          expect(Math.sign(got)).toBe(Math.sign(want));
          expect(Math.abs(got)).toBeLessThanOrEqual(Math.abs(want));
          expect(Math.abs(want) - Math.abs(got)).toBeLessThanOrEqual(Math.abs(want) / 64);
        },
      ),
      { numRuns: 500 },
    );
  });
});

/**
 * Clock skew (received_at − occurred_at, in ms) as a mergeable histogram, so that per-day counts
 * kept at index time add up to a period's percentiles without the events. Buckets are exact for
 * |skew| < 1,024 ms; beyond, each power of two is cut into 64 buckets, so a percentile is within
 * 1/64 (1.6%) of the true value, rounded towards zero. min and max are kept exactly.
 */

const EXACT = 1024;
const SUB = 64;
const EXACT_BITS = 10;

/** Bucket number of a skew: the same sign as the skew, |bucket| grows with |skew|. */
export function skewBucket(ms: number): number {
  const v = Math.trunc(ms);
  const a = Math.abs(v);
  if (a < EXACT) return v;
  let e = Math.floor(Math.log2(a));
  // log2 of large integers may be off by one either way in floating point.
  while (2 ** e > a) e--;
  while (2 ** (e + 1) <= a) e++;
  const sub = Math.floor((a / 2 ** e - 1) * SUB);
  const b = EXACT + (e - EXACT_BITS) * SUB + sub;
  return v < 0 ? -b : b;
}

/** The smallest |skew| of a bucket, with the bucket's sign: what a percentile reports. */
export function bucketFloor(bucket: number): number {
  const b = Math.abs(bucket);
  if (b < EXACT) return bucket;
  const e = Math.floor((b - EXACT) / SUB) + EXACT_BITS;
  const sub = (b - EXACT) % SUB;
  const floor = Math.ceil(2 ** e * (1 + sub / SUB));
  return bucket < 0 ? -floor : floor;
}

/** Bucket → count; plus exact extremes. Serialisable as JSON (see `toJSON`/`fromJSON`). */
export class SkewHistogram {
  readonly counts = new Map<number, number>();
  total = 0;
  min = Infinity;
  max = -Infinity;

  add(ms: number): void {
    const b = skewBucket(ms);
    this.counts.set(b, (this.counts.get(b) ?? 0) + 1);
    this.total++;
    if (ms < this.min) this.min = ms;
    if (ms > this.max) this.max = ms;
  }

  merge(o: SkewHistogramJson): void {
    for (const [b, n] of o.buckets) this.counts.set(b, (this.counts.get(b) ?? 0) + n);
    for (const [, n] of o.buckets) this.total += n;
    if (o.buckets.length > 0) {
      if (o.min < this.min) this.min = o.min;
      if (o.max > this.max) this.max = o.max;
    }
  }

  /** Nearest-rank percentile (bucket floor, clamped to the exact extremes). */
  percentile(p: number): number {
    if (this.total === 0) throw new RangeError('empty histogram');
    const rank = Math.max(1, Math.ceil((p / 100) * this.total));
    let seen = 0;
    for (const b of [...this.counts.keys()].sort((x, y) => x - y)) {
      seen += this.counts.get(b)!;
      if (seen >= rank) return Math.min(this.max, Math.max(this.min, bucketFloor(b)));
    }
    return this.max;
  }

  toJSON(): SkewHistogramJson {
    return {
      buckets: [...this.counts].sort((x, y) => x[0] - y[0]),
      min: this.total === 0 ? 0 : this.min,
      max: this.total === 0 ? 0 : this.max,
    };
  }
}

export interface SkewHistogramJson {
  /** [bucket, count] pairs, ascending bucket. */
  readonly buckets: readonly (readonly [number, number])[];
  readonly min: number;
  readonly max: number;
}

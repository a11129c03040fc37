/**
 * An independent BigInt rendition of the RFC 9162 §2.1.3.1 / §2.1.4.1 recursions, free to use
 * shifts (BigInt has no 32-bit limit), to check the float-safe planners at sizes up to 2^53.
 * Refs are rendered as "level/index" strings.
 */
type Range = readonly [bigint, bigint];

const bits = (n: bigint): number => (n === 0n ? 0 : n.toString(2).length);

/** Largest power of two strictly smaller than n (n >= 2). */
export function refSplit(n: bigint): bigint {
  return 1n << BigInt(bits(n - 1n) - 1);
}

/** Complete subtrees of [begin, end), greedy largest first. */
export function refDecompose(begin: bigint, end: bigint): string[] {
  const out: string[] = [];
  let cursor = begin;
  while (cursor < end) {
    const level = bits(end - cursor) - 1;
    out.push(`${level}/${cursor >> BigInt(level)}`);
    cursor += 1n << BigInt(level);
  }
  return out;
}

function path(m: bigint, start: bigint, n: bigint): Range[] {
  if (n === 1n) return [];
  const k = refSplit(n);
  return m < k
    ? [...path(m, start, k), [start + k, start + n]]
    : [...path(m - k, start + k, n - k), [start, start + k]];
}

function subproof(m: bigint, start: bigint, n: bigint, b: boolean): Range[] {
  if (m === n) return b ? [] : [[start, start + n]];
  const k = refSplit(n);
  return m <= k
    ? [...subproof(m, start, k, b), [start + k, start + n]]
    : [...subproof(m - k, start + k, n - k, false), [start, start + k]];
}

export function refInclusion(index: bigint, size: bigint): string[][] {
  return path(index, 0n, size).map(([b, e]) => refDecompose(b, e));
}

export function refConsistency(from: bigint, to: bigint): string[][] {
  return subproof(from, 0n, to, true).map(([b, e]) => refDecompose(b, e));
}

export function refFrontier(size: bigint): string[] {
  return refDecompose(0n, size);
}

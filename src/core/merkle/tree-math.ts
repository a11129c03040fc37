/**
 * Index arithmetic for RFC 9162 trees. Sizes and indices go up to 2^53 - 1, so nothing here uses
 * the 32-bit bitwise operators: bits are read with division by powers of two (exact in
 * IEEE-754 for these magnitudes) and `% 2`.
 */
import { invalid } from '../errors.js';

/** The complete subtree over leaves [index·2^level, (index+1)·2^level). */
export interface NodeRef {
  readonly level: number;
  readonly index: number;
}

/** The largest tree this module handles: Number.MAX_SAFE_INTEGER leaves. */
export const MAX_TREE_SIZE = Number.MAX_SAFE_INTEGER;

/** 2^exp for 0 <= exp <= 53, exact. */
export function pow2(exp: number): number {
  if (!Number.isInteger(exp) || exp < 0 || exp > 53) throw new RangeError(`pow2(${exp})`);
  return 2 ** exp;
}

/** Number of binary digits of n (0 for 0). */
export function bitLength(n: number): number {
  let bits = 0;
  let p = 1;
  while (p <= n) {
    p *= 2;
    bits += 1;
  }
  return bits;
}

export function isPowerOfTwo(n: number): boolean {
  return n >= 1 && pow2(bitLength(n) - 1) === n;
}

/** k in RFC 9162 §2.1.1: the largest power of two smaller than n (n >= 2). */
export function splitPoint(n: number): number {
  if (n < 2) throw new RangeError(`splitPoint(${n})`);
  return pow2(bitLength(n - 1) - 1);
}

/** Bit `level` of n. */
export function bitAt(n: number, level: number): boolean {
  return Math.floor(n / pow2(level)) % 2 === 1;
}

export function refKey(ref: NodeRef): string {
  return `${ref.level}/${ref.index}`;
}

/**
 * The complete subtrees, largest first, whose concatenation is the RFC 9162 subtree over
 * leaves [begin, end). `begin` must be aligned to the largest of them, which holds for every
 * range RFC 9162 §2.1.1 recursion produces (its left halves are powers of two). MTH of the range
 * is then the right-to-left fold of their hashes with `nodeHash`.
 */
export function subtreeRefs(begin: number, end: number): NodeRef[] {
  const refs: NodeRef[] = [];
  let cursor = begin;
  for (let level = bitLength(end - begin) - 1; level >= 0; level--) {
    if (!bitAt(end - begin, level)) continue;
    const width = pow2(level);
    if (cursor % width !== 0) throw new RangeError(`[${begin}, ${end}) is not an RFC 9162 subtree`);
    refs.push({ level, index: cursor / width });
    cursor += width;
  }
  return refs;
}

/** The complete subtrees that make up [0, size): one per set bit of size, largest first. */
export function frontierRefs(size: number): NodeRef[] {
  checkCount('size', size);
  return subtreeRefs(0, size);
}

/** Throws `validation_failed` unless n is an integer in [0, 2^53). */
export function checkCount(path: string, n: number): void {
  if (!Number.isSafeInteger(n) || n < 0) throw invalid(path, 'must be an integer in [0, 2^53)');
}

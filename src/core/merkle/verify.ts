/**
 * Proof verification, RFC 9162 §2.1.3.2 (inclusion) and §2.1.4.2 (consistency). Pure and
 * synchronous. Every argument is untrusted (it may come from a server or an export bundle), so
 * failures are values, never throws. fn/sn are shifted with Math.floor(x / 2), not `>>`.
 */
import { err, ok } from '../errors.js';
import type { Result } from '../errors.js';
import { isHash, nodeHash } from './hash.js';
import { isPowerOfTwo } from './tree-math.js';

export type VerifyFailureCode =
  | 'invalid_argument' // index/size/from/to out of range or not integers
  | 'invalid_hash' // a hash that is not 32 bytes
  | 'invalid_proof' // a proof of the wrong length or shape
  | 'root_mismatch'; // the proof leads to another root

export interface VerifyFailure {
  readonly code: VerifyFailureCode;
  readonly message: string;
}

export interface InclusionCheck {
  readonly leafHash: Uint8Array;
  readonly index: number;
  readonly size: number;
  readonly proof: readonly Uint8Array[];
}

export interface ConsistencyCheck {
  readonly from: number;
  readonly to: number;
  readonly proof: readonly Uint8Array[];
  readonly fromRoot: Uint8Array;
  readonly toRoot: Uint8Array;
}

/** No valid proof in a tree of < 2^64 leaves is longer than this; longer is rejected unread. */
const MAX_PROOF_LENGTH = 64;

const fail = (code: VerifyFailureCode, message: string) => err<VerifyFailure>({ code, message });
const isCount = (n: unknown): n is number => Number.isSafeInteger(n) && (n as number) >= 0;
const half = (n: number): number => Math.floor(n / 2);
const odd = (n: number): boolean => n % 2 === 1;

/** The root implied by an inclusion proof (RFC 9162 §2.1.3.2 steps 1–5 without the compare). */
export function rootFromInclusionProof(check: InclusionCheck): Result<Buffer, VerifyFailure> {
  const { leafHash, index, size, proof } = check;
  if (!isCount(index) || !isCount(size)) return fail('invalid_argument', 'bad index or size');
  if (index >= size) return fail('invalid_argument', `index ${index} >= size ${size}`);
  const shape = checkProof(proof);
  if (shape !== undefined) return shape;
  if (!isHash(leafHash)) return fail('invalid_hash', 'leaf hash must be 32 bytes');
  let fn = index;
  let sn = size - 1;
  let r: Buffer = Buffer.from(leafHash);
  for (const p of proof) {
    if (sn === 0) return fail('invalid_proof', 'proof is too long');
    if (odd(fn) || fn === sn) {
      r = nodeHash(p, r);
      while (!odd(fn) && fn !== 0) [fn, sn] = [half(fn), half(sn)];
    } else {
      r = nodeHash(r, p);
    }
    [fn, sn] = [half(fn), half(sn)];
  }
  if (sn !== 0) return fail('invalid_proof', 'proof is too short');
  return ok(r);
}

/** RFC 9162 §2.1.3.2: is `leafHash` the leaf at `index` of the tree of `size` with `root`? */
export function verifyInclusion(
  check: InclusionCheck & { readonly root: Uint8Array },
): Result<true, VerifyFailure> {
  if (!isHash(check.root)) return fail('invalid_hash', 'root must be 32 bytes');
  const computed = rootFromInclusionProof(check);
  if (!computed.ok) return computed;
  if (!computed.value.equals(check.root)) return fail('root_mismatch', 'root does not match');
  return ok(true);
}

/** RFC 9162 §2.1.4.2: is the tree of size `to` with `toRoot` an extension of `from`/`fromRoot`? */
export function verifyConsistency(check: ConsistencyCheck): Result<true, VerifyFailure> {
  const { from, to, proof, fromRoot, toRoot } = check;
  if (!isCount(from) || !isCount(to)) return fail('invalid_argument', 'bad from or to');
  if (from > to) return fail('invalid_argument', `from ${from} > to ${to}`);
  if (from === 0) return fail('invalid_argument', 'a proof from the empty tree is refused');
  if (from === to) {
    // Same tree: the proof is empty and the roots are the same bytes. As in transparency-dev
    // (whose corpus expects it) this is a byte comparison, with no length check.
    if (proof.length !== 0) return fail('invalid_proof', 'proof between equal sizes must be empty');
    if (!sameBytes(fromRoot, toRoot)) return fail('root_mismatch', 'roots differ at equal sizes');
    return ok(true);
  }
  if (!isHash(fromRoot) || !isHash(toRoot)) return fail('invalid_hash', 'roots must be 32 bytes');
  const shape = checkProof(proof);
  if (shape !== undefined) return shape;
  // Step 1: an empty path proves nothing between different sizes.
  if (proof.length === 0) return fail('invalid_proof', 'proof is empty');
  // Step 2: when `from` is a power of two its root is itself a node of the new tree.
  const path = isPowerOfTwo(from) ? [fromRoot, ...proof] : proof;
  // Steps 3–4.
  let fn = from - 1;
  let sn = to - 1;
  while (odd(fn)) [fn, sn] = [half(fn), half(sn)];
  // Step 5.
  const [first, ...rest] = path;
  if (first === undefined) return fail('invalid_proof', 'proof is empty');
  let fr: Buffer = Buffer.from(first);
  let sr = fr;
  // Step 6.
  for (const c of rest) {
    if (sn === 0) return fail('invalid_proof', 'proof is too long');
    if (odd(fn) || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      while (!odd(fn) && fn !== 0) [fn, sn] = [half(fn), half(sn)];
    } else {
      sr = nodeHash(sr, c);
    }
    [fn, sn] = [half(fn), half(sn)];
  }
  // Step 7.
  if (sn !== 0) return fail('invalid_proof', 'proof is too short');
  if (!fr.equals(fromRoot)) return fail('root_mismatch', 'proof does not lead to the old root');
  if (!sr.equals(toRoot)) return fail('root_mismatch', 'proof does not lead to the new root');
  return ok(true);
}

function checkProof(proof: readonly Uint8Array[]): ReturnType<typeof fail> | undefined {
  if (!Array.isArray(proof)) return fail('invalid_proof', 'proof must be an array');
  if (proof.length > MAX_PROOF_LENGTH) return fail('invalid_proof', 'proof is too long');
  if (!proof.every(isHash)) return fail('invalid_hash', 'proof hashes must be 32 bytes');
  return undefined;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a instanceof Uint8Array && b instanceof Uint8Array && Buffer.from(a).equals(b);
}

/**
 * Proof generation over stored complete-subtree hashes (ARCHITECTURE.md §3 "Storage of the
 * tree"): each proof is planned first, then read with ONE batched call, so a proof costs
 * O(log n) stored hashes and never a recomputation of the tree.
 */
import { VeritrailError } from '../errors.js';
import { EMPTY_ROOT, isHash, nodeHash } from './hash.js';
import { consistencyProofPlan, inclusionProofPlan, rootPlan } from './proof-plan.js';
import type { ProofPlan } from './proof-plan.js';
import { refKey } from './tree-math.js';
import type { NodeRef } from './tree-math.js';

/** Reads stored hashes of complete subtrees; the answer is in the order of `refs`. */
export type HashReader = (refs: readonly NodeRef[]) => Promise<readonly Uint8Array[]>;

/** The audit path for leaf `index` in the tree of `size` leaves (RFC 9162 §2.1.3.1). */
export async function inclusionProof(
  index: number,
  size: number,
  read: HashReader,
): Promise<Buffer[]> {
  return resolvePlan(inclusionProofPlan(index, size), read);
}

/** The consistency proof from tree size `from` to `to` (RFC 9162 §2.1.4.1). */
export async function consistencyProof(
  from: number,
  to: number,
  read: HashReader,
): Promise<Buffer[]> {
  return resolvePlan(consistencyProofPlan(from, to), read);
}

/** MTH of the first `size` leaves, from at most one stored hash per set bit of `size`. */
export async function rootAt(size: number, read: HashReader): Promise<Buffer> {
  const [root] = await resolvePlan(rootPlan(size), read);
  return root ?? Buffer.from(EMPTY_ROOT);
}

/** Reads a plan's refs in one call (none when the plan needs nothing) and folds each element. */
export async function resolvePlan(plan: ProofPlan, read: HashReader): Promise<Buffer[]> {
  if (plan.refs.length === 0) return [];
  const hashes = await read(plan.refs);
  if (hashes.length !== plan.refs.length) {
    throw new VeritrailError(
      'internal',
      `hash reader returned ${hashes.length} hashes for ${plan.refs.length} nodes`,
    );
  }
  const byKey = new Map<string, Uint8Array>();
  plan.refs.forEach((ref, i) => {
    const hash = hashes[i];
    if (!isHash(hash)) {
      throw new VeritrailError('internal', `stored hash of node ${refKey(ref)} is not 32 bytes`);
    }
    byKey.set(refKey(ref), hash);
  });
  return plan.elements.map((refs) => foldRight(refs.map((ref) => mustGet(byKey, ref))));
}

/** MTH of consecutive complete subtrees, largest first: h0 ⊕ (h1 ⊕ (… ⊕ hk)). */
export function foldRight(hashes: readonly Uint8Array[]): Buffer {
  const last = hashes[hashes.length - 1];
  if (last === undefined) throw new RangeError('foldRight of no hashes');
  return hashes.slice(0, -1).reduceRight<Buffer>((acc, h) => nodeHash(h, acc), Buffer.from(last));
}

function mustGet(byKey: ReadonlyMap<string, Uint8Array>, ref: NodeRef): Uint8Array {
  const hash = byKey.get(refKey(ref));
  if (hash === undefined) throw new VeritrailError('internal', `node ${refKey(ref)} not read`);
  return hash;
}

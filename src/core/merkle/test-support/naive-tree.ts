/**
 * Test oracles: RFC 9162 §2.1 written as literally as possible (recursive MTH, PATH, PROOF over
 * an array of leaf hashes), and an in-memory store of complete-subtree hashes fed by
 * MerkleFrontier, standing in for the database.
 */
import { EMPTY_ROOT, nodeHash } from '../hash.js';
import { MerkleFrontier } from '../frontier.js';
import type { HashReader } from '../proofs.js';
import { refKey } from '../tree-math.js';
import type { NodeRef } from '../tree-math.js';

/** k: the largest power of two smaller than n (n > 1), by doubling. */
function k(n: number): number {
  let p = 1;
  while (p * 2 < n) p *= 2;
  return p;
}

/** MTH(D[n]) of RFC 9162 §2.1.1, over leaf hashes. */
export function naiveRoot(leaves: readonly Buffer[]): Buffer {
  if (leaves.length === 0) return Buffer.from(EMPTY_ROOT);
  if (leaves.length === 1) return leaves[0]!;
  const split = k(leaves.length);
  return nodeHash(naiveRoot(leaves.slice(0, split)), naiveRoot(leaves.slice(split)));
}

/** PATH(m, D[n]) of RFC 9162 §2.1.3.1. */
export function naivePath(m: number, leaves: readonly Buffer[]): Buffer[] {
  const n = leaves.length;
  if (n <= 1) return [];
  const split = k(n);
  return m < split
    ? [...naivePath(m, leaves.slice(0, split)), naiveRoot(leaves.slice(split))]
    : [...naivePath(m - split, leaves.slice(split)), naiveRoot(leaves.slice(0, split))];
}

/** PROOF(m, D[n]) = SUBPROOF(m, D[n], true) of RFC 9162 §2.1.4.1. */
export function naiveConsistency(m: number, leaves: readonly Buffer[]): Buffer[] {
  return subproof(m, leaves, true);
}

function subproof(m: number, leaves: readonly Buffer[], b: boolean): Buffer[] {
  const n = leaves.length;
  if (m === n) return b ? [] : [naiveRoot(leaves)];
  const split = k(n);
  return m <= split
    ? [...subproof(m, leaves.slice(0, split), b), naiveRoot(leaves.slice(split))]
    : [...subproof(m - split, leaves.slice(split), false), naiveRoot(leaves.slice(0, split))];
}

/** Complete-subtree hashes as the store keeps them, filled by MerkleFrontier.append. */
export class MemoryHashStore {
  readonly frontier = MerkleFrontier.empty();
  readonly nodes = new Map<string, Buffer>();
  /** Every batch the reader was asked for, to check "one call per proof". */
  readonly calls: (readonly NodeRef[])[] = [];

  static of(leaves: readonly Buffer[]): MemoryHashStore {
    const store = new MemoryHashStore();
    for (const leaf of leaves) {
      for (const { ref, hash } of store.frontier.append(leaf)) store.nodes.set(refKey(ref), hash);
    }
    return store;
  }

  readonly read: HashReader = (refs) => {
    this.calls.push(refs);
    return Promise.resolve(
      refs.map((ref) => {
        const hash = this.nodes.get(refKey(ref));
        if (hash === undefined) throw new Error(`node ${refKey(ref)} was never stored`);
        return hash;
      }),
    );
  };
}

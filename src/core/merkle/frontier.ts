/**
 * The right edge of a growing RFC 9162 tree (a "compact range" over [0, size)): one hash per set
 * bit of size. Appending a leaf completes the leaf node and possibly a chain of parents; those are
 * returned so the store can persist every complete subtree, which is all proofs ever read.
 */
import { invalid } from '../errors.js';
import { EMPTY_ROOT, isHash, nodeHash } from './hash.js';
import { foldRight } from './proofs.js';
import { frontierRefs, MAX_TREE_SIZE } from './tree-math.js';
import type { NodeRef } from './tree-math.js';

/** A complete subtree and its hash, as the store persists it. */
export interface StoredNode {
  readonly ref: NodeRef;
  readonly hash: Buffer;
}

export class MerkleFrontier {
  #size: number;
  /** The subtrees of frontierRefs(size), largest (leftmost) first. */
  readonly #nodes: StoredNode[];

  private constructor(size: number, nodes: StoredNode[]) {
    this.#size = size;
    this.#nodes = nodes;
  }

  static empty(): MerkleFrontier {
    return new MerkleFrontier(0, []);
  }

  /** Rebuilds the frontier from stored hashes, given in the order of `frontierRefs(size)`. */
  static fromHashes(size: number, hashes: readonly Uint8Array[]): MerkleFrontier {
    const refs = frontierRefs(size);
    if (hashes.length !== refs.length) {
      throw invalid('hashes', `a tree of size ${size} needs ${refs.length} frontier hashes`);
    }
    const nodes = refs.map((ref, i): StoredNode => {
      const hash = hashes[i];
      if (!isHash(hash)) throw invalid(`hashes.${i}`, 'must be 32 bytes');
      return { ref, hash: Buffer.from(hash) };
    });
    return new MerkleFrontier(size, nodes);
  }

  get size(): number {
    return this.#size;
  }

  refs(): NodeRef[] {
    return this.#nodes.map((n) => n.ref);
  }

  hashes(): Buffer[] {
    return this.#nodes.map((n) => Buffer.from(n.hash));
  }

  /**
   * Appends one leaf hash (RFC 9162 §2.1.1 MTH({d}) = SHA-256(0x00 || d), see `leafHash`) and
   * returns every newly complete subtree: the leaf at level 0, then each parent it completes.
   */
  append(leafHash: Uint8Array): StoredNode[] {
    if (!isHash(leafHash)) throw invalid('leafHash', 'must be 32 bytes');
    if (this.#size >= MAX_TREE_SIZE) throw invalid('size', 'the tree is full');
    let node: StoredNode = { ref: { level: 0, index: this.#size }, hash: Buffer.from(leafHash) };
    const created: StoredNode[] = [node];
    // Two equal-level neighbours on the edge are siblings: merge them into their parent.
    let left = this.#nodes.at(-1);
    while (left !== undefined && left.ref.level === node.ref.level) {
      this.#nodes.pop();
      node = {
        ref: { level: node.ref.level + 1, index: left.ref.index / 2 },
        hash: nodeHash(left.hash, node.hash),
      };
      created.push(node);
      left = this.#nodes.at(-1);
    }
    this.#nodes.push(node);
    this.#size += 1;
    return created.map((n) => ({ ref: n.ref, hash: Buffer.from(n.hash) }));
  }

  /** MTH(D[size]) (RFC 9162 §2.1.1); EMPTY_ROOT for the empty tree. */
  root(): Buffer {
    if (this.#nodes.length === 0) return Buffer.from(EMPTY_ROOT);
    return foldRight(this.#nodes.map((n) => n.hash));
  }

  clone(): MerkleFrontier {
    return new MerkleFrontier(this.#size, [...this.#nodes]);
  }
}

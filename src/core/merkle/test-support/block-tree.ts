/**
 * A genuine RFC 9162 tree of up to 2^53 leaves that is cheap to query: leaf i is
 * leafHash("block:" + floor(i / 2^blockLevel)), so every complete subtree at or below
 * `blockLevel` is one of a few hashes per block, and above it only size / 2^blockLevel blocks
 * exist. Lets tests run proofs end to end at sizes like 2^40 + 123 without building the tree.
 */
import { leafHash, nodeHash } from '../hash.js';
import type { HashReader } from '../proofs.js';
import type { NodeRef } from '../tree-math.js';

export class BlockTree {
  readonly #memo = new Map<string, Buffer>();

  constructor(readonly blockLevel: number) {}

  /** Picks a block level so that `size` spans at most ~2^maxBlocksLog2 blocks. */
  static forSize(size: number, maxBlocksLog2 = 10): BlockTree {
    const bitsOf = BigInt(size).toString(2).length;
    return new BlockTree(Math.max(0, bitsOf - maxBlocksLog2));
  }

  leaf(index: number): Buffer {
    return this.hash({ level: 0, index });
  }

  hash(ref: NodeRef): Buffer {
    const key = `${ref.level}/${ref.index}`;
    const known = this.#memo.get(key);
    if (known) return known;
    let h: Buffer;
    if (ref.level <= this.blockLevel) {
      // Every leaf below this node is in one block: all equal, so the subtree is self-similar.
      const block = (BigInt(ref.index) << BigInt(ref.level)) >> BigInt(this.blockLevel);
      h = ref.level === 0 ? leafHash(`block:${block}`) : this.#uniform(ref.level, block);
    } else {
      const left = this.hash({ level: ref.level - 1, index: ref.index * 2 });
      const right = this.hash({ level: ref.level - 1, index: ref.index * 2 + 1 });
      h = nodeHash(left, right);
    }
    this.#memo.set(key, h);
    return h;
  }

  #uniform(level: number, block: bigint): Buffer {
    const key = `u${level}/${block}`;
    const known = this.#memo.get(key);
    if (known) return known;
    const below = level === 0 ? leafHash(`block:${block}`) : this.#uniform(level - 1, block);
    const h = level === 0 ? below : nodeHash(below, below);
    this.#memo.set(key, h);
    return h;
  }

  readonly read: HashReader = (refs) => Promise.resolve(refs.map((ref) => this.hash(ref)));
}

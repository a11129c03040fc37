/**
 * End-to-end at sizes past 2^32 (up to 2^53 - 1): proofs planned with float-safe arithmetic,
 * read from a genuine RFC 9162 tree whose subtree hashes are cheap (see BlockTree), must verify.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MerkleFrontier } from './frontier.js';
import { consistencyProof, inclusionProof, rootAt } from './proofs.js';
import { BlockTree } from './test-support/block-tree.js';
import { MAX_TREE_SIZE, frontierRefs } from './tree-math.js';
import { verifyConsistency, verifyInclusion } from './verify.js';

const SIZES = [
  2 ** 32 - 1,
  2 ** 32,
  2 ** 32 + 5,
  2 ** 40 + 123,
  2 ** 52 + 2 ** 31 + 7,
  MAX_TREE_SIZE,
];
const bigSize = fc.integer({ min: 2 ** 32, max: MAX_TREE_SIZE });

async function checkInclusion(t: BlockTree, index: number, size: number) {
  const proof = await inclusionProof(index, size, t.read);
  const root = await rootAt(size, t.read);
  expect(verifyInclusion({ leafHash: t.leaf(index), index, size, proof, root })).toEqual({
    ok: true,
    value: true,
  });
  const tampered = proof.map((h, i) => (i === 0 ? Buffer.from(h).fill(0, 0, 1) : h));
  if (proof.length > 0 && !tampered[0]?.equals(proof[0]!)) {
    expect(
      verifyInclusion({ leafHash: t.leaf(index), index, size, proof: tampered, root }).ok,
    ).toBe(false);
  }
  expect(
    verifyInclusion({ leafHash: t.leaf(index), index, size, proof: proof.slice(1), root }).ok,
  ).toBe(false);
}

async function checkConsistency(t: BlockTree, from: number, to: number) {
  const proof = await consistencyProof(from, to, t.read);
  const fromRoot = await rootAt(from, t.read);
  const toRoot = await rootAt(to, t.read);
  expect(verifyConsistency({ from, to, proof, fromRoot, toRoot })).toEqual({
    ok: true,
    value: true,
  });
  if (from !== to) {
    expect(verifyConsistency({ from, to, proof: proof.slice(0, -1), fromRoot, toRoot }).ok).toBe(
      false,
    );
  }
}

describe('trees beyond 2^32 leaves', () => {
  it('inclusion proofs verify at the edges of huge trees', async () => {
    for (const size of SIZES) {
      const t = BlockTree.forSize(size);
      for (const index of [0, 1, 2 ** 31, size - 2 ** t.blockLevel - 1, size - 2, size - 1]) {
        await checkInclusion(t, index, size);
      }
    }
  });

  it('inclusion proofs verify for random positions', async () => {
    await fc.assert(
      fc.asyncProperty(
        bigSize.chain((size) => fc.tuple(fc.integer({ min: 0, max: size - 1 }), fc.constant(size))),
        async ([index, size]) => checkInclusion(BlockTree.forSize(size, 8), index, size),
      ),
      { numRuns: 60 },
    );
  });

  it('consistency proofs verify between huge sizes', async () => {
    const t = BlockTree.forSize(2 ** 40 + 123);
    await checkConsistency(t, 2 ** 32 + 5, 2 ** 40 + 123);
    await checkConsistency(t, 1, 2 ** 40 + 123);
    await checkConsistency(t, 2 ** 40, 2 ** 40 + 123);
    await checkConsistency(t, 2 ** 40 + 122, 2 ** 40 + 123);
    await fc.assert(
      fc.asyncProperty(
        bigSize.chain((to) => fc.tuple(fc.integer({ min: 1, max: to }), fc.constant(to))),
        async ([from, to]) => checkConsistency(BlockTree.forSize(to, 8), from, to),
      ),
      { numRuns: 60 },
    );
  });

  it('a frontier restored at 2^40 + 123 keeps appending correctly', async () => {
    const size = 2 ** 40 + 123;
    const t = BlockTree.forSize(size + 10);
    const refs = frontierRefs(size);
    const frontier = MerkleFrontier.fromHashes(
      size,
      refs.map((r) => t.hash(r)),
    );
    expect(frontier.refs()).toEqual(refs);
    expect(frontier.root()).toEqual(await rootAt(size, t.read));
    for (let i = 0; i < 10; i++) {
      const created = frontier.append(t.leaf(size + i));
      for (const node of created) expect(node.hash).toEqual(t.hash(node.ref));
      expect(frontier.root()).toEqual(await rootAt(size + i + 1, t.read));
    }
    // 2^40 + 133 = 2^40 + 2^7 + 2^2 + 2^0 (leaf 2^40 + 127 completed levels 0..7 on the way).
    expect(frontier.refs()).toEqual([
      { level: 40, index: 0 },
      { level: 7, index: 2 ** 40 / 2 ** 7 },
      { level: 2, index: (2 ** 40 + 128) / 4 },
      { level: 0, index: 2 ** 40 + 132 },
    ]);
  });

  it('refuses to grow past 2^53 - 1 leaves', () => {
    const t = BlockTree.forSize(MAX_TREE_SIZE, 4);
    const full = MerkleFrontier.fromHashes(
      MAX_TREE_SIZE,
      frontierRefs(MAX_TREE_SIZE).map((r) => t.hash(r)),
    );
    expect(() => full.append(t.leaf(0))).toThrow(/full/);
  });
});

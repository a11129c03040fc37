import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { VeritrailError } from '../errors.js';
import { EMPTY_ROOT, leafHash } from './hash.js';
import { consistencyProof, inclusionProof, rootAt } from './proofs.js';
import {
  MemoryHashStore,
  naiveConsistency,
  naivePath,
  naiveRoot,
} from './test-support/naive-tree.js';
import { bitLength } from './tree-math.js';
import { verifyConsistency, verifyInclusion } from './verify.js';

/** Distinct leaves (the index is part of the input), so a proof can only fit one position. */
const leavesOf = (inputs: readonly Uint8Array[]) =>
  inputs.map((bytes, i) => leafHash(Buffer.concat([Buffer.from(`${i}:`), bytes])));
/** Trees of 1..300 leaves; `size: 'max'` so large trees are drawn as often as small ones. */
const tree = fc.array(fc.uint8Array({ maxLength: 12 }), {
  minLength: 1,
  maxLength: 300,
  size: 'max',
});
const flipBit = (proof: readonly Buffer[], at: number, bit: number) =>
  proof.map((h, i) => {
    if (i !== at % proof.length) return h;
    const copy = Buffer.from(h);
    copy[bit % 32] = (copy[bit % 32] ?? 0) ^ (1 << (bit % 8));
    return copy;
  });
const extra = Buffer.alloc(32, 7);

describe('proofs read from stored complete subtrees', () => {
  it('every prefix root equals the naive MTH', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.uint8Array({ maxLength: 8 }), { maxLength: 130, size: 'max' }),
        async (inputs) => {
          const leaves = leavesOf(inputs);
          const store = new MemoryHashStore();
          expect(store.frontier.root()).toEqual(EMPTY_ROOT);
          for (const [i, leaf] of leaves.entries()) {
            const created = store.frontier.append(leaf);
            expect(created[0]?.ref).toEqual({ level: 0, index: i });
            expect(created.length).toBeLessThanOrEqual(bitLength(i + 1) + 1);
            const want = naiveRoot(leaves.slice(0, i + 1));
            expect(store.frontier.root()).toEqual(want);
          }
          const all = MemoryHashStore.of(leaves);
          for (let size = 0; size <= leaves.length; size++) {
            expect(await rootAt(size, all.read)).toEqual(naiveRoot(leaves.slice(0, size)));
          }
          expect(all.calls.length).toBe(leaves.length); // one read per size, none for size 0
        },
      ),
      { numRuns: 40 },
    );
  });

  it('is exact for every index and size pair of small trees', async () => {
    const leaves = leavesOf(Array.from({ length: 40 }, (_, i) => Uint8Array.of(i)));
    const store = MemoryHashStore.of(leaves);
    for (let size = 1; size <= leaves.length; size++) {
      const prefix = leaves.slice(0, size);
      for (let index = 0; index < size; index++) {
        expect(await inclusionProof(index, size, store.read)).toEqual(naivePath(index, prefix));
      }
      for (let from = 1; from <= size; from++) {
        expect(await consistencyProof(from, size, store.read)).toEqual(
          naiveConsistency(from, prefix),
        );
      }
    }
  });

  it('every inclusion proof verifies; every tampered one fails', async () => {
    await fc.assert(
      fc.asyncProperty(
        tree,
        fc.nat(),
        fc.nat(),
        fc.nat(),
        fc.nat(),
        async (inputs, a, b, c, bit) => {
          const leaves = leavesOf(inputs);
          const store = MemoryHashStore.of(leaves);
          const size = 1 + (a % leaves.length);
          const index = b % size;
          const root = naiveRoot(leaves.slice(0, size));
          const leaf = leaves[index]!;
          const calls = store.calls.length;
          const proof = await inclusionProof(index, size, store.read);
          expect(store.calls.length - calls).toBe(proof.length === 0 ? 0 : 1);
          expect(proof).toEqual(naivePath(index, leaves.slice(0, size)));
          const check = { leafHash: leaf, index, size, proof, root };
          expect(verifyInclusion(check)).toEqual({ ok: true, value: true });

          const bad = (changes: Partial<typeof check>) =>
            verifyInclusion({ ...check, ...changes }).ok;
          if (proof.length > 0) {
            expect(bad({ proof: flipBit(proof, c, bit) })).toBe(false);
            expect(bad({ proof: proof.slice(0, -1) })).toBe(false);
            expect(bad({ proof: proof.slice(1) })).toBe(false);
          }
          expect(bad({ proof: [...proof, extra] })).toBe(false);
          expect(bad({ proof: [extra, ...proof] })).toBe(false);
          expect(bad({ leafHash: leaves[(index + 1) % leaves.length]! })).toBe(leaves.length === 1);
          const otherIndex = (index + 1 + (c % size)) % size;
          if (otherIndex !== index) expect(bad({ index: otherIndex })).toBe(false);
          expect(bad({ index: size })).toBe(false);
          const otherSize = index + 1 + (c % (leaves.length - index));
          if (otherSize !== size) {
            expect(bad({ size: otherSize, root: naiveRoot(leaves.slice(0, otherSize)) })).toBe(
              false,
            );
          }
          expect(bad({ root: flipBit([root], 0, bit)[0]! })).toBe(false);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('every consistency proof verifies; every tampered one fails', async () => {
    await fc.assert(
      fc.asyncProperty(
        tree,
        fc.nat(),
        fc.nat(),
        fc.nat(),
        fc.nat(),
        async (inputs, a, b, c, bit) => {
          const leaves = leavesOf(inputs);
          const store = MemoryHashStore.of(leaves);
          const to = 1 + (a % leaves.length);
          const from = 1 + (b % to);
          const fromRoot = naiveRoot(leaves.slice(0, from));
          const toRoot = naiveRoot(leaves.slice(0, to));
          const proof = await consistencyProof(from, to, store.read);
          expect(proof).toEqual(naiveConsistency(from, leaves.slice(0, to)));
          const check = { from, to, proof, fromRoot, toRoot };
          expect(verifyConsistency(check)).toEqual({ ok: true, value: true });

          const bad = (changes: Partial<typeof check>) =>
            verifyConsistency({ ...check, ...changes }).ok;
          if (proof.length > 0) {
            expect(bad({ proof: flipBit(proof, c, bit) })).toBe(false);
            expect(bad({ proof: proof.slice(0, -1) })).toBe(false);
            expect(bad({ proof: proof.slice(1) })).toBe(false);
          }
          expect(bad({ proof: [...proof, extra] })).toBe(false);
          expect(bad({ proof: [extra, ...proof] })).toBe(false);
          expect(bad({ fromRoot: flipBit([fromRoot], 0, bit)[0]! })).toBe(false);
          expect(bad({ toRoot: flipBit([toRoot], 0, bit)[0]! })).toBe(false);
          if (from !== to) expect(bad({ fromRoot: toRoot, toRoot: fromRoot })).toBe(false);
          const otherFrom = 1 + ((from + c) % to);
          if (otherFrom !== from) {
            expect(bad({ from: otherFrom, fromRoot: naiveRoot(leaves.slice(0, otherFrom)) })).toBe(
              false,
            );
          }
          const otherTo = from + (c % (leaves.length - from + 1));
          if (otherTo !== to) {
            expect(bad({ to: otherTo, toRoot: naiveRoot(leaves.slice(0, otherTo)) })).toBe(false);
          }
          expect(bad({ from: 0 })).toBe(false);
          expect(bad({ from: to + 1 })).toBe(false);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('refuses bad arguments with validation_failed on the named field', async () => {
    const store = MemoryHashStore.of(leavesOf([Uint8Array.of(1), Uint8Array.of(2)]));
    const field = async (p: Promise<unknown>) => {
      const e = await p.then(
        () => undefined,
        (x: unknown) => x,
      );
      expect(e).toBeInstanceOf(VeritrailError);
      return (e as VeritrailError).details[0]?.path;
    };
    expect(await field(inclusionProof(2, 2, store.read))).toBe('index');
    expect(await field(inclusionProof(0, -1, store.read))).toBe('size');
    expect(await field(consistencyProof(0, 2, store.read))).toBe('from');
    expect(await field(consistencyProof(3, 2, store.read))).toBe('from');
    expect(await field(consistencyProof(1, 2.5, store.read))).toBe('to');
    expect(await consistencyProof(2, 2, store.read)).toEqual([]);
  });

  it('reports a reader that answers with the wrong number or size of hashes', async () => {
    const short = () => Promise.resolve([]);
    const wrong = () => Promise.resolve([new Uint8Array(31), new Uint8Array(31)]);
    await expect(rootAt(3, short)).rejects.toMatchObject({ code: 'internal' });
    await expect(rootAt(3, wrong)).rejects.toMatchObject({ code: 'internal' });
  });
});

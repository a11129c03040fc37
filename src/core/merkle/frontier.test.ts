import { describe, expect, it } from 'vitest';
import { VeritrailError } from '../errors.js';
import { MerkleFrontier } from './frontier.js';
import { EMPTY_ROOT, leafHash, nodeHash } from './hash.js';
import { naiveRoot } from './test-support/naive-tree.js';

/**
 * The reference tree of the RFC 6962 test data (certificate-transparency and
 * transparency-dev/merkle `testonly`), whose roots also appear in ../shared/vectors.
 */
const LEAVES = [
  '',
  '00',
  '10',
  '2021',
  '3031',
  '40414243',
  '5051525354555657',
  '606162636465666768696a6b6c6d6e6f',
];
const ROOTS = [
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];
const hashes = LEAVES.map((hex) => leafHash(Buffer.from(hex, 'hex')));

describe('RFC 9162 §2.1.1 hashing', () => {
  it('matches the published roots of the reference tree', () => {
    expect(EMPTY_ROOT.toString('hex')).toBe(
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
    const f = MerkleFrontier.empty();
    expect(f.root()).toEqual(EMPTY_ROOT);
    hashes.forEach((h, i) => {
      f.append(h);
      expect(f.root().toString('hex')).toBe(ROOTS[i]);
    });
  });

  it('separates leaves from nodes and hashes strings as UTF-8', () => {
    expect(leafHash('é')).toEqual(leafHash(Buffer.from('c3a9', 'hex')));
    const a = hashes[0]!;
    expect(nodeHash(a, a)).not.toEqual(leafHash(Buffer.concat([a, a])));
  });
});

describe('MerkleFrontier', () => {
  it('returns each newly complete subtree, the leaf first', () => {
    const f = MerkleFrontier.empty();
    expect(f.append(hashes[0]!).map((n) => n.ref)).toEqual([{ level: 0, index: 0 }]);
    expect(f.append(hashes[1]!).map((n) => n.ref)).toEqual([
      { level: 0, index: 1 },
      { level: 1, index: 0 },
    ]);
    f.append(hashes[2]!);
    const created = f.append(hashes[3]!);
    expect(created.map((n) => n.ref)).toEqual([
      { level: 0, index: 3 },
      { level: 1, index: 1 },
      { level: 2, index: 0 },
    ]);
    expect(created[2]?.hash).toEqual(naiveRoot(hashes.slice(0, 4)));
    expect(f.size).toBe(4);
  });

  it('restores from its hashes and carries on identically', () => {
    for (let split = 0; split <= hashes.length; split++) {
      const a = MerkleFrontier.empty();
      hashes.slice(0, split).forEach((h) => a.append(h));
      const b = MerkleFrontier.fromHashes(a.size, a.hashes());
      expect(b.refs()).toEqual(a.refs());
      for (const h of hashes.slice(split)) expect(b.append(h)).toEqual(a.append(h));
      expect(b.root()).toEqual(a.root());
    }
  });

  it('clones are independent, and outputs are copies', () => {
    const a = MerkleFrontier.empty();
    a.append(hashes[0]!);
    const b = a.clone();
    b.append(hashes[1]!);
    expect([a.size, b.size]).toEqual([1, 2]);
    a.hashes()[0]!.fill(0);
    a.root().fill(0);
    expect(a.root().toString('hex')).toBe(ROOTS[0]);
    const out = b.append(hashes[2]!);
    out[0]!.hash.fill(0);
    expect(b.root().toString('hex')).toBe(ROOTS[2]);
  });

  it('refuses malformed input', () => {
    const path = (fn: () => unknown) => {
      try {
        fn();
      } catch (e) {
        expect(e).toBeInstanceOf(VeritrailError);
        return (e as VeritrailError).details[0]?.path;
      }
      return 'no error';
    };
    expect(path(() => MerkleFrontier.fromHashes(3, [hashes[0]!]))).toBe('hashes');
    expect(path(() => MerkleFrontier.fromHashes(1, [Buffer.alloc(31)]))).toBe('hashes.0');
    expect(path(() => MerkleFrontier.fromHashes(-1, []))).toBe('size');
    expect(path(() => MerkleFrontier.empty().append(Buffer.alloc(33)))).toBe('leafHash');
  });
});

/**
 * The transparency-dev/merkle proof corpus (testdata/, commit 417fb0c3, Apache-2.0), kept
 * verbatim in ../shared/vectors/rfc6962-merkle (see its README): every case must verify or fail
 * exactly as `wantErr` says.
 */

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { sharedData } from '../../test-support/shared-data.js';
import { verifyConsistency, verifyInclusion } from './verify.js';

const CORPUS = sharedData('vectors/rfc6962-merkle');
const ROOT = `${CORPUS.path}/`;
const present = CORPUS.present;

interface InclusionCase {
  leafIdx: number;
  treeSize: number;
  root: string;
  leafHash: string;
  proof: string[] | null;
  desc: string;
  wantErr: boolean;
}

interface ConsistencyCase {
  size1: number;
  size2: number;
  root1: string;
  root2: string;
  proof: string[] | null;
  desc: string;
  wantErr: boolean;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = `${dir}/${name}`;
      if (statSync(path).isDirectory()) return filesUnder(path);
      return name.endsWith('.json') ? [path] : [];
    });
}

function load<T>(kind: string): [string, T][] {
  const dir = `${ROOT}${kind}`;
  return filesUnder(dir).map((f) => [
    f.slice(dir.length + 1),
    JSON.parse(readFileSync(f, 'utf8')) as T,
  ]);
}

const b64 = (s: string) => Buffer.from(s, 'base64');

describe.skipIf(!present)(CORPUS.title('RFC 6962 corpus (transparency-dev)'), () => {
  const inclusion = present ? load<InclusionCase>('inclusion') : [];
  const consistency = present ? load<ConsistencyCase>('consistency') : [];

  it('has every case', () => {
    expect(inclusion.length).toBeGreaterThanOrEqual(98);
    expect(consistency.length).toBeGreaterThanOrEqual(98);
  });

  it.each(inclusion)('inclusion %s', (_name, c) => {
    const result = verifyInclusion({
      leafHash: b64(c.leafHash),
      index: c.leafIdx,
      size: c.treeSize,
      proof: (c.proof ?? []).map(b64),
      root: b64(c.root),
    });
    expect(result.ok, c.desc).toBe(!c.wantErr);
  });

  it.each(consistency)('consistency %s', (_name, c) => {
    const result = verifyConsistency({
      from: c.size1,
      to: c.size2,
      proof: (c.proof ?? []).map(b64),
      fromRoot: b64(c.root1),
      toRoot: b64(c.root2),
    });
    expect(result.ok, c.desc).toBe(!c.wantErr);
  });
});

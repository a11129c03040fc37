// RFC 8785 vectors from cyberphone/json-canonicalization testdata (via ../shared/vectors/rfc8785-jcs).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sharedData } from '../test-support/shared-data.js';
import { canonicalJson } from './canonical-json.js';

const JCS = sharedData('vectors/rfc8785-jcs');
const dir = JCS.path;
const have = JCS.present;

describe.skipIf(!have)(JCS.title('RFC 8785 vectors (../shared/vectors/rfc8785-jcs)'), () => {
  const names = have ? readdirSync(join(dir, 'input')) : [];
  it('has vectors', () => expect(names.length).toBeGreaterThan(0));
  for (const name of names) {
    it(name, () => {
      const input: unknown = JSON.parse(readFileSync(join(dir, 'input', name), 'utf8'));
      const expected = readFileSync(join(dir, 'output', name));
      expect(Buffer.from(canonicalJson(input), 'utf8').equals(expected)).toBe(true);
      const hex = readFileSync(join(dir, 'outhex', name.replace('.json', '.txt')), 'utf8').replace(
        /\s+/g,
        '',
      );
      expect(Buffer.from(canonicalJson(input), 'utf8').toString('hex')).toBe(hex.toLowerCase());
    });
  }
});

describe('canonical JSON properties', () => {
  it('is idempotent and round-trips: JCS(parse(JCS(x))) = JCS(x)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const c = canonicalJson(v);
        expect(canonicalJson(JSON.parse(c))).toBe(c);
      }),
    );
  });
  it('does not depend on key insertion order', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (o) => {
        const reversed = Object.fromEntries(Object.entries(o).reverse());
        expect(canonicalJson(reversed)).toBe(canonicalJson(o));
      }),
    );
  });
});

describe('agrees with the reference RFC 8785 implementation', () => {
  it('on random JSON, including unicode keys and extreme numbers', async () => {
    const { default: reference } = await import('canonicalize');
    const key = fc.oneof(
      fc.string(),
      fc.string({ unit: 'grapheme' }),
      fc.string({ unit: 'binary' }),
    );
    const value = fc.letrec((tie) => ({
      v: fc.oneof(
        { depthSize: 'small' },
        fc.constant(null),
        fc.boolean(),
        fc.double({ noNaN: true, noDefaultInfinity: true }),
        fc.integer(),
        fc.string({ unit: 'binary' }),
        fc.array(tie('v')),
        fc.dictionary(key, tie('v')),
      ),
    })).v;
    fc.assert(
      fc.property(value, (v) => {
        expect(canonicalJson(v)).toBe(reference(v));
      }),
      { numRuns: 2000 },
    );
  });

  it('refuses lone surrogates as the reference does, and keeps pairs and escaped text', async () => {
    const { default: reference } = await import('canonicalize');
    for (const bad of ['\ud800', 'a\udfffb', '\\\ud800']) {
      expect(() => canonicalJson({ k: bad })).toThrow(/lone surrogate/);
      expect(() => reference({ k: bad })).toThrow();
    }
    for (const good of ['\ud83d\ude00', '\\ud800', 'plain'])
      expect(canonicalJson({ k: good })).toBe(reference({ k: good }));
  });

  it('refuses what is not JSON', () => {
    expect(() => canonicalJson({ a: NaN })).toThrow();
    expect(() => canonicalJson({ a: Infinity })).toThrow();
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => canonicalJson(cyclic)).toThrow();
  });
});

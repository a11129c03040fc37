import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../canonical-json.js';
import { sha256 } from '../crypto.js';
import { leafHash } from '../merkle/index.js';
import { commit, leafInputFor } from './prepare.js';
import { normaliseEvent } from './validate.js';

describe('commitment and leaf (ARCHITECTURE §3)', () => {
  it('leafInputFor is JCS of the leaf object for any strings', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme' }),
        fc.string(),
        fc.string(),
        fc.string({ minLength: 64, maxLength: 64 }),
        (id, tenant, at, digest) => {
          expect(leafInputFor({ id, tenant, received_at: at }, digest)).toBe(
            canonicalJson({ v: 1, id, tenant, received_at: at, digest }),
          );
        },
      ),
    );
  });

  it('commits to salt and canonical event exactly as specified', () => {
    const r = normaliseEvent(
      { action: 'user.login', actor: { id: 'alice' }, metadata: { b: 1, a: [true, null] } },
      { defaultTenant: 'acme', receivedAt: '2026-01-01T00:00:00.000Z', newId: () => 'id-1' },
    );
    if (!r.ok) throw new Error('invalid');
    const salt = Buffer.alloc(32, 7);
    const c = commit(r.value, salt);
    expect(c.canonical).toBe(canonicalJson(r.value));
    expect(
      c.canonical.startsWith(
        '{"action":"user.login","actor":{"id":"alice"},"category":"other","id":"id-1","metadata":{"a":[true,null],"b":1}',
      ),
    ).toBe(true);
    expect(c.digest.equals(sha256(salt, c.canonical))).toBe(true);
    expect(c.leafInput).toBe(
      `{"digest":"${c.digest.toString('hex')}","id":"id-1","received_at":"2026-01-01T00:00:00.000Z","tenant":"acme","v":1}`,
    );
    expect(c.leafHash.equals(sha256(Buffer.from([0]), c.leafInput))).toBe(true);
    expect(c.leafHash.equals(leafHash(c.leafInput))).toBe(true);
  });
});

describe('U+0000 is refused in every string and key (PostgreSQL text cannot hold it)', () => {
  const ctx = { defaultTenant: 'acme', receivedAt: '2026-01-01T00:00:00.000Z', newId: () => 'i' };
  it.each([
    [{ actor: { id: 'a', name: 'x\u0000y' } }, 'actor.name'],
    [{ actor: { id: 'a' }, reason: '\u0000' }, 'reason'],
    [{ actor: { id: 'a' }, metadata: { k: ['ok', 'n\u0000'] } }, 'metadata.k.1'],
    [{ actor: { id: 'a' }, raw: { 'k\u0000': 1 } }, 'raw.k\u0000'],
  ])('%j → %s', (extra, path) => {
    const r = normaliseEvent({ action: 'user.login', ...extra }, ctx);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.map((i) => i.path)).toEqual([path]);
    expect(r.error[0]!.message).toMatch(/U\+0000/);
  });
  it('accepts other control characters', () => {
    const r = normaliseEvent({ action: 'user.login', actor: { id: 'a', name: 'tab\tnl\n' } }, ctx);
    expect(r.ok).toBe(true);
  });
});

describe('JSON values built in process', () => {
  const ctx = { defaultTenant: 'acme', receivedAt: '2026-01-01T00:00:00.000Z', newId: () => 'i' };
  it('reports a hole in a sparse array as an issue instead of throwing', () => {
    const sparse = [1, , 3];
    for (const field of ['metadata', 'raw'] as const) {
      const r = normaliseEvent(
        { action: 'user.login', actor: { id: 'a' }, [field]: { list: sparse } },
        ctx,
      );
      expect(r.ok, field).toBe(false);
      if (r.ok) continue;
      expect(r.error.map((i) => i.path)).toEqual([`${field}.list.1`]);
      expect(r.error[0]!.message).toMatch(/JSON value/);
    }
  });
});

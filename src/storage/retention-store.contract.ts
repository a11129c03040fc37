/**
 * The RetentionStore contract (docs/retention.md): every storage adapter runs this suite
 * unchanged, e.g. `runRetentionStoreContract('sqlite', () => openSqliteStore(...))`.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { LegalHold, RetentionPolicy, Store } from '../app/ports.js';
import { makeEvent, toAppend } from '../app/test-support/events.js';
import { compileMatcher, parseQuery } from '../core/query/index.js';
import { seqRanges } from '../core/retention/index.js';

export const policy = (over: Partial<RetentionPolicy> = {}): RetentionPolicy => ({
  tenant: 'acme',
  name: 'all',
  scope: '',
  minDays: 365,
  maxDays: 2555,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
  ...over,
});

export const hold = (over: Partial<LegalHold> = {}): LegalHold => ({
  id: `lh_${Math.random().toString(16).slice(2)}`,
  tenant: 'acme',
  scope: 'actor.id:bob',
  reason: 'case 42',
  createdBy: 'admin-token',
  createdAt: '2026-01-01T00:00:00.000Z',
  releasedAt: null,
  releasedBy: null,
  releaseReason: null,
  ...over,
});

/** Events over several months and years (so over several PostgreSQL partitions), in seq order. */
export const OCCURRED = [
  '1999-12-31T23:59:59.000Z',
  '2015-03-01T00:00:00.000Z',
  '2015-03-31T23:59:59.999Z',
  '2016-07-15T12:00:00.000Z',
  '2018-01-01T00:00:00.000Z',
  '2019-05-05T05:05:05.000Z',
  '2024-02-29T10:00:00.000Z',
  '2026-11-01T00:00:00.000Z',
];
export const ACTORS = ['alice', 'bob', 'carol'];

export async function appendSpread(s: Store, tenant: string, n = 24) {
  const events = Array.from({ length: n }, (_, i) =>
    makeEvent({
      tenant,
      occurred_at: OCCURRED[i % OCCURRED.length]!,
      actor: { id: ACTORS[i % ACTORS.length]! },
      action: i % 2 === 0 ? 'user.login' : 'invoice.delete',
      metadata: { i },
    }),
  );
  await s.events.append(events.map(toAppend));
  return events;
}

export function runRetentionStoreContract(name: string, open: () => Promise<Store> | Store): void {
  describe(`RetentionStore contract: ${name}`, () => {
    const opened: Store[] = [];
    const fresh = async () => {
      const s = await open();
      opened.push(s);
      return s;
    };
    afterEach(async () => {
      for (const s of opened.splice(0)) await s.close();
    });

    it('creates, replaces (keeping created_at), lists by name and deletes policies', async () => {
      const s = await fresh();
      await s.retention.putPolicy(policy({ name: 'b', scope: 'action:user.*', maxDays: null }));
      await s.retention.putPolicy(policy({ name: 'a' }));
      await s.retention.putPolicy(policy({ name: 'a', tenant: 'other' }));
      await s.retention.putPolicy(
        policy({ name: 'a', minDays: 0, maxDays: 30, createdAt: 'x', updatedAt: '2026-02-02' }),
      );
      const list = await s.retention.policies('acme');
      expect(list.map((p) => p.name)).toEqual(['a', 'b']);
      expect(list[0]).toEqual(
        policy({ name: 'a', minDays: 0, maxDays: 30, updatedAt: '2026-02-02' }),
      );
      expect(list[1]).toEqual(policy({ name: 'b', scope: 'action:user.*', maxDays: null }));
      expect(await s.retention.deletePolicy('acme', 'a')).toBe(true);
      expect(await s.retention.deletePolicy('acme', 'a')).toBe(false);
      expect((await s.retention.policies('acme')).map((p) => p.name)).toEqual(['b']);
      expect(await s.retention.policies('other')).toHaveLength(1);
    });

    it('keeps holds, releases each once with who, when and why', async () => {
      const s = await fresh();
      const h1 = hold({ id: 'lh_01' });
      const h2 = hold({ id: 'lh_02', scope: '', reason: 'Räksmörgås ✓' });
      await s.retention.addHold(h2);
      await s.retention.addHold(h1);
      await s.retention.addHold(hold({ id: 'lh_03', tenant: 'other' }));
      expect(await s.retention.holds('acme')).toEqual([h1, h2]);
      const rel = { at: '2026-03-03T00:00:00.000Z', by: 'key:k1', reason: 'case closed' };
      expect(await s.retention.releaseHold('lh_01', rel)).toBe(true);
      expect(await s.retention.releaseHold('lh_01', { ...rel, reason: 'again' })).toBe(false);
      expect(await s.retention.releaseHold('lh_missing', rel)).toBe(false);
      expect(await s.retention.hold('lh_01')).toEqual({
        ...h1,
        releasedAt: rel.at,
        releasedBy: rel.by,
        releaseReason: rel.reason,
      });
      expect(await s.retention.hold('lh_missing')).toBeUndefined();
    });

    it('purges payload and salt of exactly the selected entries, keeping leaves and tree', async () => {
      const s = await fresh();
      const events = await appendSpread(s, 'acme');
      await appendSpread(s, 'other');
      const before = await s.events.head('acme');
      const leaves = await s.events.range('acme', 0, events.length);
      const where = parseQuery('-actor.id:bob');
      const beforeMs = Date.parse('2019-01-01T00:00:00.000Z');
      const match = compileMatcher(where);
      const expected = events.flatMap((e, seq) =>
        Date.parse(e.occurred_at) < beforeMs && match(e) ? [seq] : [],
      );
      expect(expected.length).toBeGreaterThan(3);

      const dry = await s.retention.purge({ tenant: 'acme', where, beforeMs, dryRun: true });
      expect(dry).toEqual({ count: expected.length, ranges: seqRanges(expected) });
      expect((await s.events.range('acme', 0, events.length)).filter((r) => !r.event)).toEqual([]);

      const done = await s.retention.purge({ tenant: 'acme', where, beforeMs, batchSize: 2 });
      expect(done).toEqual(dry);
      const after = await s.events.range('acme', 0, events.length);
      after.forEach((r, seq) => {
        const purged = expected.includes(seq);
        expect(r.event === null, `seq ${seq}`).toBe(purged);
        expect(r.salt === null, `seq ${seq}`).toBe(purged);
        expect(r.canonical === null, `seq ${seq}`).toBe(purged);
        expect(r.leafInput).toBe(leaves[seq]!.leafInput);
        expect(r.id).toBe(events[seq]!.id);
      });
      const head = await s.events.head('acme');
      expect(head.size).toBe(before.size);
      expect(head.root.equals(before.root)).toBe(true);
      // Already purged entries are not purged (nor counted) again; other logs are untouched.
      expect(await s.retention.purge({ tenant: 'acme', where, beforeMs })).toEqual({
        count: 0,
        ranges: [],
      });
      expect((await s.events.range('other', 0, 100)).every((r) => r.event !== null)).toBe(true);
      expect(await s.retention.purge({ tenant: 'nobody', where, beforeMs })).toEqual({
        count: 0,
        ranges: [],
      });
    });

    it('purges by JSON fields and free text too, and nothing when nothing matches', async () => {
      const s = await fresh();
      const events = await appendSpread(s, 'acme', 16);
      const where = parseQuery('metadata.i:3 OR metadata.i:5 OR "invoice"');
      const beforeMs = Date.parse('2017-01-01T00:00:00.000Z');
      const match = compileMatcher(where);
      const expected = events.flatMap((e, seq) =>
        Date.parse(e.occurred_at) < beforeMs && match(e) ? [seq] : [],
      );
      const r = await s.retention.purge({ tenant: 'acme', where, beforeMs });
      expect(r).toEqual({ count: expected.length, ranges: seqRanges(expected) });
      const none = await s.retention.purge({
        tenant: 'acme',
        where: parseQuery('actor.id:nobody'),
        beforeMs: Date.parse('2100-01-01T00:00:00Z'),
      });
      expect(none.count).toBe(0);
    });
  });
}

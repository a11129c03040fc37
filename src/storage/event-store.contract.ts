/**
 * The EventStore contract (CONVENTIONS.md "Tests"): every storage adapter runs this suite
 * unchanged, e.g. `runStoreContract('sqlite', () => openSqliteStore(...))`.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { GroupCommit } from '../app/group-commit.js';
import type { Store } from '../app/ports.js';
import { parseQuery } from '../core/query/index.js';
import {
  EMPTY_ROOT,
  MerkleFrontier,
  storedHashIndex,
  inclusionProof,
  leafHash,
  nodeHash,
  verifyConsistency,
  verifyInclusion,
  consistencyProof,
} from '../core/merkle/index.js';
import { makeEvent, toAppend } from '../app/test-support/events.js';

/** Naive RFC 9162 MTH, for cross-checking stored trees. */
function mth(leaves: readonly Buffer[]): Buffer {
  if (leaves.length === 0) return EMPTY_ROOT;
  if (leaves.length === 1) return leaves[0]!;
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return nodeHash(mth(leaves.slice(0, k)), mth(leaves.slice(k)));
}

export function runStoreContract(name: string, open: () => Promise<Store> | Store): void {
  describe(`Store contract: ${name}`, () => {
    const opened: Store[] = [];
    const fresh = async () => {
      const s = await open();
      opened.push(s);
      return s;
    };
    afterEach(async () => {
      for (const s of opened.splice(0)) await s.close();
    });

    it('assigns gap-free seqs per tenant, in order, and stores events exactly', async () => {
      const s = await fresh();
      const a = [
        makeEvent({ tenant: 'acme' }),
        makeEvent({ tenant: 'globex' }),
        makeEvent({ tenant: 'acme' }),
      ];
      const r = await s.events.append(a.map(toAppend));
      expect(r.map((x) => [x.tenant, x.seq, x.duplicate])).toEqual([
        ['acme', 0, false],
        ['globex', 0, false],
        ['acme', 1, false],
      ]);
      const r2 = await s.events.append([toAppend(makeEvent({ tenant: 'acme' }))]);
      expect(r2[0]!.seq).toBe(2);
      const got = await s.events.getById('acme', a[2]!.id);
      expect(got?.seq).toBe(1);
      expect(got?.event).toEqual(a[2]);
      expect((await s.events.getBySeq('globex', 0))?.id).toBe(a[1]!.id);
      expect(await s.events.tenants()).toEqual(['acme', 'globex']);
    });

    it('is idempotent on (tenant, id): resending returns the original seq and stores nothing', async () => {
      const s = await fresh();
      const e = makeEvent({ tenant: 'acme' });
      const first = await s.events.append([toAppend(e)]);
      const again = await s.events.append([
        toAppend(makeEvent({ tenant: 'acme' })),
        toAppend(e),
        toAppend(e),
      ]);
      expect(again.map((x) => [x.seq, x.duplicate])).toEqual([
        [1, false],
        [0, true],
        [0, true],
      ]);
      expect(again[1]!.leafHash.equals(first[0]!.leafHash)).toBe(true);
      expect((await s.events.head('acme')).size).toBe(2);
      // The same id in another tenant is another event.
      const other = await s.events.append([toAppend({ ...e, tenant: 'globex' })]);
      expect(other[0]).toMatchObject({ seq: 0, duplicate: false });
    });

    it('stores a Merkle tree whose root and proofs match a naive recomputation', async () => {
      const s = await fresh();
      const leaves: Buffer[] = [];
      for (const n of [1, 2, 5, 8, 17]) {
        const r = await s.events.append(
          Array.from({ length: n }, () => toAppend(makeEvent({ tenant: 'acme' }))),
        );
        leaves.push(...r.map((x) => x.leafHash));
        const head = await s.events.head('acme');
        expect(head.size).toBe(leaves.length);
        expect(head.root.equals(mth(leaves))).toBe(true);
      }
      const read = (refs: Parameters<Store['events']['readHashes']>[1]) =>
        s.events.readHashes('acme', refs);
      for (let size = 1; size <= leaves.length; size += 3) {
        const root = mth(leaves.slice(0, size));
        for (let i = 0; i < size; i += 2) {
          const proof = await inclusionProof(i, size, read);
          expect(verifyInclusion({ leafHash: leaves[i]!, index: i, size, proof, root }).ok).toBe(
            true,
          );
        }
        const proof = await consistencyProof(size, leaves.length, read);
        expect(
          verifyConsistency({
            from: size,
            to: leaves.length,
            proof,
            fromRoot: root,
            toRoot: mth(leaves),
          }).ok,
        ).toBe(true);
      }
      expect((await s.events.head('nobody')).size).toBe(0);
      expect(await s.events.size('nobody')).toBe(0);
      expect(await s.events.size('acme')).toBe(leaves.length);
      expect(leafHash((await s.events.getBySeq('acme', 3))!.leafInput).equals(leaves[3]!)).toBe(
        true,
      );
    });

    it('keeps every log consistent under concurrent group commits', async () => {
      const s = await fresh();
      const gc = new GroupCommit(s.events, 300);
      const tenants = ['t1', 't2', 't3'];
      const results = await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          gc.append(
            Array.from({ length: 1 + (i % 13) }, (_, j) =>
              toAppend(makeEvent({ tenant: tenants[(i + j) % 3]! })),
            ),
          ),
        ),
      );
      for (const t of tenants) {
        const seqs = results
          .flat()
          .filter((r) => r.tenant === t)
          .map((r) => r.seq)
          .sort((a, b) => a - b);
        expect(seqs).toEqual(seqs.map((_, i) => i));
        const rows = await s.events.range(t, 0, seqs.length);
        expect(
          (await s.events.head(t)).root.equals(mth(rows.map((r) => leafHash(r.leafInput)))),
        ).toBe(true);
      }
    });

    it('searches newest first with keyset pagination, equal to an in-memory filter', async () => {
      const s = await fresh();
      const actors = ['alice', 'bob', 'carol'];
      const events = Array.from({ length: 60 }, (_, i) =>
        makeEvent({
          tenant: 'acme',
          actor: { id: actors[i % 3]! },
          action: i % 4 === 0 ? 'invoice.delete' : 'user.login',
          outcome: i % 5 === 0 ? 'failure' : 'success',
          occurred_at: new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString(),
        }),
      );
      await s.events.append(events.map(toAppend));
      await s.events.append([toAppend(makeEvent({ tenant: 'other', actor: { id: 'alice' } }))]);
      const q = parseQuery('actor.id:alice OR outcome:failure');
      const expected = events
        .map((e, seq) => ({ e, seq }))
        .filter(({ e }) => e.actor.id === 'alice' || e.outcome === 'failure')
        .reverse();
      const got: number[] = [];
      let after: { occurredMs: number; seq: number } | undefined;
      for (;;) {
        const page = await s.events.search({
          tenant: 'acme',
          query: q,
          limit: 7,
          ...(after === undefined ? {} : { after }),
        });
        got.push(...page.map((r) => r.seq));
        if (page.length < 7) break;
        after = page[page.length - 1]!;
      }
      expect(got).toEqual(expected.map((x) => x.seq));
      // Newest by occurred_at first, then by seq: an event that occurred earlier but arrived later sorts below.
      await s.events.append([
        toAppend(
          makeEvent({
            tenant: 'acme',
            actor: { id: 'alice' },
            occurred_at: '2025-12-31T00:00:00.000Z',
          }),
        ),
      ]);
      const newest = await s.events.search({
        tenant: 'acme',
        query: parseQuery('actor.id:alice'),
        limit: 100,
      });
      expect(newest.at(-1)?.seq).toBe(60);
      expect(newest[0]?.seq).toBe(expected[0]!.seq);
      expect(
        await s.events.search({ tenant: 'acme', query: q, limit: 100, belowSeq: 10 }),
      ).toHaveLength(expected.filter((x) => x.seq < 10).length);
      const ranged = await s.events.search({
        tenant: 'acme',
        query: parseQuery(''),
        limit: 100,
        sinceMs: Date.UTC(2026, 0, 1, 0, 10),
        untilMs: Date.UTC(2026, 0, 1, 0, 20),
      });
      expect(ranged.map((r) => r.seq)).toEqual([19, 18, 17, 16, 15, 14, 13, 12, 11, 10]);
      expect(await s.events.search({ tenant: 'missing', query: q, limit: 5 })).toEqual([]);
    });

    it('returns ranges of entries in order, clamped to the log', async () => {
      const s = await fresh();
      await s.events.append(
        Array.from({ length: 10 }, () => toAppend(makeEvent({ tenant: 'acme' }))),
      );
      expect((await s.events.range('acme', 3, 6)).map((r) => r.seq)).toEqual([3, 4, 5]);
      expect((await s.events.range('acme', 8, 100)).map((r) => r.seq)).toEqual([8, 9]);
    });

    it('keeps checkpoints (append-only, one per size), API keys and settings', async () => {
      const s = await fresh();
      await s.events.append([toAppend(makeEvent({ tenant: 'acme' }))]);
      const cp = {
        tenant: 'acme',
        size: 1,
        root: Buffer.alloc(32, 1),
        note: 'n1',
        createdAt: '2026-01-01T00:00:00.000Z',
      };
      await s.checkpoints.add(cp);
      await s.checkpoints.add({ ...cp, note: 'ignored duplicate' });
      await s.checkpoints.add({ ...cp, size: 3, note: 'n3' });
      expect((await s.checkpoints.latest('acme'))?.note).toBe('n3');
      expect((await s.checkpoints.list('acme')).map((c) => c.note)).toEqual(['n1', 'n3']);
      expect(await s.checkpoints.latest('globex')).toBeUndefined();

      const key = {
        id: 'k1',
        tenant: 'acme',
        name: 'ci',
        scopes: ['ingest', 'read'] as const,
        createdAt: '2026-01-01T00:00:00.000Z',
        revokedAt: null,
      };
      await s.keys.create({ ...key, scopes: [...key.scopes] }, Buffer.alloc(32, 9));
      expect((await s.keys.findBySecretHash(Buffer.alloc(32, 9)))?.scopes).toEqual([
        'ingest',
        'read',
      ]);
      expect(await s.keys.findBySecretHash(Buffer.alloc(32, 8))).toBeUndefined();
      expect(await s.keys.revoke('k1', '2026-01-02T00:00:00.000Z')).toBe(true);
      expect(await s.keys.revoke('k1', '2026-01-03T00:00:00.000Z')).toBe(false);
      expect((await s.keys.list('acme'))[0]?.revokedAt).toBe('2026-01-02T00:00:00.000Z');

      expect(await s.settings.setIfAbsent('a', '1')).toBe('1');
      expect(await s.settings.setIfAbsent('a', '2')).toBe('1');
      expect(await s.settings.get('a')).toBe('1');
    });

    it('streams stored rows and tree hashes for verification in creation order', async () => {
      const s = await fresh();
      await fc.assert(
        fc.asyncProperty(fc.integer({ min: 1, max: 70 }), async (n) => {
          const tenant = `v${n}-${Math.random().toString(36).slice(2, 8)}`;
          await s.events.append(Array.from({ length: n }, () => toAppend(makeEvent({ tenant }))));
          const rows = [];
          for await (const page of s.audit.entries(tenant, 7)) rows.push(...page);
          expect(rows.map((r) => r.seq)).toEqual(rows.map((_, i) => i));
          // Whatever nodes the store keeps: ascending stored-hash index, each equal to the recomputed node.
          const expected = new Map<number, Buffer>();
          const frontier = MerkleFrontier.empty();
          for (const r of rows)
            for (const node of frontier.append(leafHash(r.leafInput)))
              expected.set(storedHashIndex(node.ref.level, node.ref.index), node.hash);
          let last = -1;
          for await (const page of s.audit.treeHashes(tenant, 5)) {
            for (const h of page) {
              expect(h.sidx).toBeGreaterThan(last);
              last = h.sidx;
              expect(expected.get(h.sidx)?.equals(h.hash)).toBe(true);
            }
          }
          expect(await s.audit.claimedSize(tenant)).toBe(n);
        }),
        { numRuns: 10 },
      );
    });

    it('keeps outbound streams, their cursors (persisted) and dead letters', async () => {
      const s = await fresh();
      const id = `os-${Math.random().toString(36).slice(2)}`;
      const rec = {
        id,
        tenant: 'acme',
        name: 'siem',
        q: 'outcome:failure',
        enabled: true,
        destination: {
          type: 'webhook' as const,
          url: 'https://example.com/hook',
          secret: 'x'.repeat(16),
          batch_size: 100,
        },
        createdAt: '2026-01-01T00:00:00.000Z',
        updatedAt: '2026-01-01T00:00:00.000Z',
        deletedAt: null,
      };
      const cursor = {
        afterSeq: -1,
        delivered: 0,
        lastError: null,
        lastAttemptAt: null,
        failures: 0,
      };
      await s.outbound.create(rec, cursor);
      await s.outbound.create({ ...rec, id: `${id}-g`, tenant: 'globex' }, cursor);
      expect(await s.outbound.get(id)).toEqual(rec);
      expect((await s.outbound.list('acme')).map((r) => r.id)).toEqual([id]);
      expect((await s.outbound.list()).map((r) => r.id).sort()).toEqual([id, `${id}-g`].sort());
      expect(await s.outbound.cursor(id)).toEqual(cursor);

      expect(await s.outbound.update(id, { enabled: false, updatedAt: 'u1' })).toBe(true);
      const upd = await s.outbound.get(id);
      expect([upd?.enabled, upd?.q, upd?.updatedAt]).toEqual([false, 'outcome:failure', 'u1']);
      const dest = {
        type: 'syslog' as const,
        host: 'h',
        port: 514,
        tls: false,
        format: 'cef' as const,
        batch_size: 10,
      };
      await s.outbound.update(id, { q: '', destination: dest, updatedAt: 'u2' });
      expect(await s.outbound.get(id)).toMatchObject({ q: '', destination: dest, enabled: false });

      const next = {
        afterSeq: 41,
        delivered: 42,
        lastError: 'HTTP 503',
        lastAttemptAt: 'now',
        failures: 2,
      };
      await s.outbound.saveCursor(id, next);
      expect(await s.outbound.cursor(id)).toEqual(next);

      await s.outbound.addDeadLetter({ streamId: id, fromSeq: 0, toSeq: 9, error: 'e1', at: 'a' });
      await s.outbound.addDeadLetter({
        streamId: id,
        fromSeq: 10,
        toSeq: 19,
        error: 'e2',
        at: 'b',
      });
      expect(await s.outbound.deadLetterCount(id)).toBe(2);
      expect(
        (await s.outbound.deadLetters(id, 1)).map((d) => [d.fromSeq, d.toSeq, d.error]),
      ).toEqual([[10, 19, 'e2']]);

      expect(await s.outbound.delete(id, 'gone')).toBe(true);
      expect(await s.outbound.delete(id, 'again')).toBe(false);
      expect(await s.outbound.update(id, { enabled: true, updatedAt: 'u3' })).toBe(false);
      expect(await s.outbound.list('acme')).toEqual([]);
      expect((await s.outbound.get(id))?.deletedAt).toBe('gone');
      expect(await s.outbound.get('missing')).toBeUndefined();
    });
  });
}

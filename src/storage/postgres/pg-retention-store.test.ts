import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { makeEvent, toAppend } from '../../app/test-support/events.js';
import { compileMatcher, parseQuery } from '../../core/query/index.js';
import { seqRanges } from '../../core/retention/index.js';
import { hold, runRetentionStoreContract } from '../retention-store.contract.js';
import { openPostgresStore, type PgStore } from './pg-store.js';
import { partitionBounds, type PgRetentionStore } from './pg-retention-store.js';
import { adminQuery, freshSchemas, pgAvailability, pgSuiteName } from './test-support/pg-test.js';

const pgUp = await pgAvailability();
const freshSchema = freshSchemas();
const openFresh = async (): Promise<PgStore> => {
  const s = await freshSchema();
  return openPostgresStore({ url: s.url, leaderPollMs: 100, coordinate: false });
};

describe('partitionBounds', () => {
  it('reads a month partition’s bounds from its name', () => {
    expect(partitionBounds('events_2024_02')).toEqual({
      lo: Date.parse('2024-02-01T00:00:00Z'),
      hi: Date.parse('2024-03-01T00:00:00Z'),
    });
    expect(partitionBounds('events_2024_12')!.hi).toBe(Date.parse('2025-01-01T00:00:00Z'));
    expect(partitionBounds('events_before_2000')!.hi).toBe(Date.parse('2000-01-01T00:00:00Z'));
    expect(partitionBounds('events_from_2100')!.lo).toBe(Date.parse('2100-01-01T00:00:00Z'));
    expect(partitionBounds('event_ids')).toBeUndefined();
  });
});

if (pgUp.ok) {
  runRetentionStoreContract('postgres', openFresh);

  describe('retention on PostgreSQL', () => {
    it('refuses deleting a hold or changing it other than by one release', async () => {
      const s = await openFresh();
      try {
        await s.retention.addHold(hold({ id: 'lh_1' }));
        const t = `${s.target.schema}.legal_holds`;
        await expect(adminQuery(`DELETE FROM ${t} WHERE id = 'lh_1'`)).rejects.toThrow(
          /append-only/,
        );
        await expect(adminQuery(`UPDATE ${t} SET scope = '' WHERE id = 'lh_1'`)).rejects.toThrow(
          /released, once/,
        );
      } finally {
        await s.close();
      }
    });

    // Table and property test: the partition path (one UPDATE per month partition) blanks the
    // same rows as the row path (batched UPDATEs over the whole table) and as the in-memory
    // matcher selects, on random logs spread over many partitions.
    it('purges the same rows on the partition path as on the row path', async () => {
      const s = await openFresh();
      const store = s.retention as PgRetentionStore;
      const day = 86_400_000;
      const base = Date.parse('2014-01-01T00:00:00Z');
      let run = 0;
      try {
        await fc.assert(
          fc.asyncProperty(
            fc.array(
              fc.record({
                dayOffset: fc.integer({ min: -6000, max: 4700 }),
                actor: fc.constantFrom('alice', 'bob', 'carol'),
                action: fc.constantFrom('user.login', 'invoice.delete', 'file.read'),
              }),
              { minLength: 1, maxLength: 40 },
            ),
            fc.constantFrom('', 'actor.id:bob', '-action:user.* metadata.k:1', 'invoice OR carol'),
            fc.integer({ min: 0, max: 4700 }),
            fc.integer({ min: 1, max: 7 }),
            async (rows, q, cutDays, batchSize) => {
              run++;
              const [a, b] = [`part_${run}`, `rows_${run}`];
              const make = (tenant: string) =>
                rows.map((r, i) =>
                  makeEvent({
                    tenant,
                    id: `e${i}`,
                    occurred_at: new Date(base + r.dayOffset * day).toISOString(),
                    actor: { id: r.actor },
                    action: r.action,
                    metadata: { k: i % 2 },
                  }),
                );
              const evA = make(a);
              await s.events.append(evA.map(toAppend));
              await s.events.append(make(b).map(toAppend));
              const where = parseQuery(q);
              const beforeMs = base + cutDays * day;
              const match = compileMatcher(where);
              const expected = seqRanges(
                evA.flatMap((e, seq) =>
                  Date.parse(e.occurred_at) < beforeMs && match(e) ? [seq] : [],
                ),
              );
              const byPartition = await store.purge({ tenant: a, where, beforeMs });
              const byRows = await store.purgeRows({ tenant: b, where, beforeMs, batchSize });
              expect(byPartition.ranges).toEqual(expected);
              expect(byRows).toEqual(byPartition);
              const nulls = async (t: string) =>
                (await s.events.range(t, 0, rows.length)).map((r) => r.event === null);
              expect(await nulls(a)).toEqual(await nulls(b));
            },
          ),
          { numRuns: 25 },
        );
      } finally {
        await s.close();
      }
    });

    it('purges through a server role that holds only the granted rights', async () => {
      const schema = await freshSchema();
      const owner = await openPostgresStore({ url: schema.url, coordinate: false });
      const role = `vt_srv_${schema.schema.slice(-8)}`;
      try {
        await adminQuery(`DROP ROLE IF EXISTS ${role}`);
        await adminQuery(`CREATE ROLE ${role} LOGIN`);
        await owner.grant(role);
        await owner.events.append(
          ['2015-01-05T00:00:00Z', '2015-02-05T00:00:00Z', '2026-01-01T00:00:00Z'].map((t) =>
            toAppend(makeEvent({ tenant: 'acme', occurred_at: t })),
          ),
        );
        const u = new URL(schema.url);
        u.username = role;
        const server = await openPostgresStore({ url: u.toString(), coordinate: false });
        try {
          await server.retention.putPolicy({
            tenant: 'acme',
            name: 'p',
            scope: '',
            minDays: 0,
            maxDays: 30,
            createdAt: 'x',
            updatedAt: 'x',
          });
          await server.retention.addHold(hold({ id: 'lh_r' }));
          const r = await server.retention.purge({
            tenant: 'acme',
            where: parseQuery(''),
            beforeMs: Date.parse('2020-01-01T00:00:00Z'),
          });
          expect(r).toEqual({ count: 2, ranges: [{ from: 0, to: 1 }] });
        } finally {
          await server.close();
        }
      } finally {
        await owner.close();
        await adminQuery(`DROP OWNED BY ${role}`).catch(() => {});
        await schema.drop();
        await adminQuery(`DROP ROLE IF EXISTS ${role}`).catch(() => {});
      }
    });
  });
} else {
  describe.skip(pgSuiteName('RetentionStore contract: postgres', pgUp), () => {
    it('runs the RetentionStore contract and the partition-path test', () => {});
  });
}

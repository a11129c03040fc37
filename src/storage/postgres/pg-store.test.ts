import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { makeEvent, toAppend } from '../../app/test-support/events.js';
import { LogWatch, type LogGrowth } from '../../app/log-watch.js';
import { GroupCommit } from '../../app/group-commit.js';
import { runStoreContract } from '../event-store.contract.js';
import { MIGRATIONS } from './migrations.js';
import { openPostgresStore, type PgStore } from './pg-store.js';
import {
  adminQuery,
  createTestSchema,
  pgAvailability,
  pgSuiteName,
  type TestSchema,
} from './test-support/pg-test.js';

const pgUp = await pgAvailability();
const schemas: TestSchema[] = [];
afterAll(async () => {
  for (const s of schemas) await s.drop();
});
const freshSchema = async () => {
  const s = await createTestSchema();
  schemas.push(s);
  return s;
};
const open = async (url: string, extra: { leaderPollMs?: number } = {}) =>
  openPostgresStore({ url, leaderPollMs: extra.leaderPollMs ?? 100 });

if (pgUp.ok) {
  runStoreContract('postgres', async () => open((await freshSchema()).url));
} else {
  describe.skip(pgSuiteName('Store contract: postgres', pgUp), () => {
    it('runs the EventStore contract', () => {});
  });
}

const eventually = async (check: () => boolean | Promise<boolean>, ms = 5000) => {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe.skipIf(!pgUp.ok)(pgSuiteName('postgres store', pgUp), () => {
  it('migrations run once when several processes start at once, and are recorded', async () => {
    const { url, schema } = await freshSchema();
    const stores = await Promise.all(Array.from({ length: 4 }, () => open(url)));
    const applied = stores.filter((s) => s.migrated && s.migrated.to > s.migrated.from);
    expect(applied).toHaveLength(1);
    for (const s of stores) await s.close();
    const v = await adminQuery<{ n: number }>(
      `SELECT count(*)::int AS n FROM ${schema}.schema_migrations`,
    );
    expect(v.rows[0]?.n).toBe(MIGRATIONS.length);
  });

  it('refuses to open a missing schema without migrating', async () => {
    const { url } = await freshSchema();
    await expect(openPostgresStore({ url, migrate: false })).rejects.toMatchObject({
      code: 'not_found',
    });
  });

  it('refuses UPDATE, DELETE and TRUNCATE on the log tables, but lets retention blank a payload', async () => {
    const { url, schema } = await freshSchema();
    const s = await open(url);
    await s.events.append([
      toAppend(makeEvent({ tenant: 'acme' })),
      toAppend(makeEvent({ tenant: 'acme' })),
    ]);
    await s.checkpoints.add({
      tenant: 'acme',
      size: 2,
      root: Buffer.alloc(32),
      note: 'n',
      createdAt: 'now',
    });
    await s.keys.create(
      {
        id: 'k1',
        tenant: 'acme',
        name: 'ci',
        scopes: ['read'],
        createdAt: 'then',
        revokedAt: null,
      },
      Buffer.alloc(32, 3),
    );
    expect(await s.keys.revoke('k1', 'now')).toBe(true);
    await s.settings.setIfAbsent('origin_prefix', 'localhost/veritrail');
    await s.close();
    const refused = [
      'UPDATE api_keys SET revoked_at = NULL',
      "UPDATE api_keys SET scopes = 'admin'",
      'DELETE FROM api_keys',
      "UPDATE settings SET value = 'x'",
      'DELETE FROM settings',
      "UPDATE events SET action = 'user.logout' WHERE seq = 0",
      'UPDATE events SET seq = 5 WHERE seq = 0',
      'UPDATE events SET event = NULL WHERE seq = 0',
      'DELETE FROM events WHERE seq = 1',
      'TRUNCATE events',
      "UPDATE event_ids SET id = 'x'",
      'DELETE FROM event_ids',
      "UPDATE tree_hashes SET hash = '\\x00'::bytea",
      'DELETE FROM tree_hashes',
      'TRUNCATE tree_hashes',
      "UPDATE checkpoints SET note = 'x'",
      'DELETE FROM checkpoints',
      'UPDATE tenants SET size = 0',
      'DELETE FROM tenants',
    ];
    for (const sql of refused) {
      await expect(adminQuery(`SET search_path = ${schema}; ${sql}`), sql).rejects.toThrow(
        /append-only/,
      );
    }
    const month = (
      await adminQuery<{ t: string }>(
        `SELECT tableoid::regclass::text AS t FROM ${schema}.events LIMIT 1`,
      )
    ).rows[0]!.t;
    expect(month).toMatch(/events_\d{4}_\d{2}$/);
    await expect(adminQuery(`SET search_path = ${schema}; TRUNCATE ${month}`)).rejects.toThrow(
      /append-only/,
    );
    const r = await adminQuery(
      `SET search_path = ${schema}; UPDATE events SET event = NULL, salt = NULL WHERE seq = 0`,
    );
    expect((r as unknown as pg.QueryResult[])[1]!.rowCount).toBe(1);
  });

  it('a server role with the documented grants appends and reads, and cannot UPDATE or DELETE', async () => {
    const { url, schema } = await freshSchema();
    const owner = await open(url);
    const role = `${schema}_app`;
    await adminQuery(`CREATE ROLE ${role} LOGIN`);
    try {
      await owner.grant(role);
      await owner.close();
      const u = new URL(url);
      u.username = role;
      const app = await openPostgresStore({ url: u.toString(), migrate: true });
      // A month never written before: its partition is created through the definer function.
      const r = await app.events.append([
        toAppend(makeEvent({ tenant: 'acme', occurred_at: '2031-07-04T00:00:00Z' })),
        toAppend(makeEvent({ tenant: 'acme' })),
      ]);
      expect(r.map((x) => x.seq)).toEqual([0, 1]);
      expect((await app.events.getById('acme', r[0]!.id))?.seq).toBe(0);
      await app.checkpoints.add({
        tenant: 'acme',
        size: 2,
        root: Buffer.alloc(32),
        note: 'n',
        createdAt: 'now',
      });
      await app.close();
      const c = new pg.Client({ connectionString: u.toString().replace(/[?&]schema=[^&]*/, '') });
      await c.connect();
      try {
        await c.query(`SET search_path = ${schema}`);
        for (const sql of [
          'DELETE FROM events',
          "UPDATE events SET action = 'x'",
          'DELETE FROM tree_hashes',
          "UPDATE tree_hashes SET hash = '\\x00'::bytea",
          'DELETE FROM event_ids',
          'DELETE FROM checkpoints',
          'TRUNCATE events',
          `DROP TABLE events_2031_07`,
        ]) {
          await expect(c.query(sql), sql).rejects.toThrow(
            /permission denied|must be owner|append-only/,
          );
        }
      } finally {
        await c.end();
      }
    } finally {
      await adminQuery(`DROP OWNED BY ${role}; DROP ROLE ${role}`);
    }
  });

  it('two processes appending to the same logs concurrently never fork them', async () => {
    const { url } = await freshSchema();
    const [a, b] = [await open(url), await open(url)];
    const tenants = ['t1', 't2', 't3'];
    const send = (s: PgStore, k: number) => {
      const gc = new GroupCommit(s.events, 200);
      return Promise.all(
        Array.from({ length: 30 }, (_, i) =>
          gc.append(
            Array.from({ length: 1 + ((i + k) % 17) }, (_, j) =>
              toAppend(makeEvent({ tenant: tenants[(i + j) % 3]! })),
            ),
          ),
        ),
      );
    };
    const [ra, rb] = await Promise.all([send(a, 0), send(b, 5)]);
    const all = [...ra.flat(), ...rb.flat()];
    for (const t of tenants) {
      const seqs = all
        .filter((r) => r.tenant === t)
        .map((r) => r.seq)
        .sort((x, y) => x - y);
      expect(seqs).toEqual(seqs.map((_, i) => i));
      const ha = await a.events.head(t);
      const hb = await b.events.head(t);
      expect(ha.size).toBe(seqs.length);
      expect(ha.root.equals(hb.root)).toBe(true);
    }
    await a.close();
    await b.close();
  });

  it('a resend through another process is a duplicate with the original seq', async () => {
    const { url } = await freshSchema();
    const [a, b] = [await open(url), await open(url)];
    const e = makeEvent({ tenant: 'acme' });
    const first = await a.events.append([toAppend(e)]);
    await a.events.append([toAppend(makeEvent({ tenant: 'acme' }))]);
    const again = await b.events.append([toAppend(makeEvent({ tenant: 'acme' })), toAppend(e)]);
    expect(again.map((x) => [x.seq, x.duplicate])).toEqual([
      [2, false],
      [0, true],
    ]);
    expect(again[1]!.leafHash.equals(first[0]!.leafHash)).toBe(true);
    await a.close();
    await b.close();
  });

  it('exactly one process leads the jobs; another takes over when it goes', async () => {
    const { url } = await freshSchema();
    const a = await open(url);
    const b = await open(url);
    await eventually(() => a.coordination.isLeader() !== b.coordination.isLeader());
    const [leader, other] = a.coordination.isLeader() ? [a, b] : [b, a];
    expect(other.coordination.isLeader()).toBe(false);
    await leader.close();
    await eventually(() => other.coordination.isLeader());
    await other.close();
  });

  it('leadership passes on when the leader session is killed (a dead process)', async () => {
    const { url } = await freshSchema();
    const a = await open(url);
    await eventually(() => a.coordination.isLeader());
    const b = await open(url);
    expect(b.coordination.isLeader()).toBe(false);
    await adminQuery(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'veritrail-coordination' AND pid IN (SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted)",
    );
    await eventually(() => b.coordination.isLeader() || a.coordination.isLeader());
    await a.close();
    await eventually(() => b.coordination.isLeader());
    await b.close();
  });

  it('a process learns of appends by another through LISTEN/NOTIFY', async () => {
    const { url } = await freshSchema();
    const a = await open(url);
    const b = await open(url);
    const seen: LogGrowth[] = [];
    new LogWatch(b.coordination).subscribe((g) => seen.push(g));
    await a.events.append([
      toAppend(makeEvent({ tenant: 'acme' })),
      toAppend(makeEvent({ tenant: 'acme' })),
    ]);
    await eventually(() => seen.some((g) => g.tenant === 'acme' && g.size === 2));
    expect(seen.every((g) => g.origin === 'remote')).toBe(true);
    // Its own appends are not echoed back as remote.
    const mine: LogGrowth[] = [];
    new LogWatch(a.coordination).subscribe((g) => mine.push(g));
    await a.events.append([toAppend(makeEvent({ tenant: 'acme' }))]);
    await eventually(() => seen.some((g) => g.size === 3));
    expect(mine).toEqual([]);
    await a.close();
    await b.close();
  });

  it('partitions events by month of occurred_at; a time-ranged search reads only its months', async () => {
    const { url, schema } = await freshSchema();
    const s = await open(url);
    const months = [
      '1999-12-31T23:59:59Z',
      '2024-01-15T00:00:00Z',
      '2024-02-01T00:00:00Z',
      '2024-02-29T23:59:59.999Z',
      '2100-01-01T00:00:00Z',
    ];
    await s.events.append(
      months.map((m) => toAppend(makeEvent({ tenant: 'acme', occurred_at: m }))),
    );
    const parts = await adminQuery<{ t: string; n: number }>(
      `SELECT tableoid::regclass::text AS t, count(*)::int AS n FROM ${schema}.events GROUP BY 1 ORDER BY 1`,
    );
    expect(parts.rows.map((r) => [r.t.replace(`${schema}.`, ''), r.n])).toEqual([
      ['events_2024_01', 1],
      ['events_2024_02', 2],
      ['events_before_2000', 1],
      ['events_from_2100', 1],
    ]);
    const plan = await adminQuery(
      `SET search_path = ${schema}; EXPLAIN SELECT * FROM events WHERE tenant_id = 1 AND occurred_ms >= ${Date.UTC(2024, 1, 1)} AND occurred_ms < ${Date.UTC(2024, 2, 1)}`,
    );
    const text = (plan as unknown as pg.QueryResult[])[1]!.rows
      .map((r: { 'QUERY PLAN': string }) => r['QUERY PLAN'])
      .join('\n');
    expect(text).toContain('events_2024_02');
    expect(text).not.toContain('events_2024_01');
    expect(await s.checkpoints.unsigned()).toEqual(['acme']);
    await s.close();
  });
});

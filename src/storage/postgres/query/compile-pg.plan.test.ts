/**
 * What the compiled SQL leaves to the collation and to the planner: prefix wildcards compare in
 * code point order under any column collation, and the btree indexes of the migration serve
 * `actor.id:x` and `action:prefix*`, with the values known (custom plan) or not (generic plan of
 * a prepared statement).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseQuery } from '../../../core/query/index.js';
import { pgAvailability, pgSuiteName } from '../test-support/pg-test.js';
import { compilePgWhere } from './compile-pg.js';
import {
  insertEvents,
  memoryPositions,
  nonCCollation,
  openEventsPg,
  pgPositions,
  type EventsPg,
} from './test-support/events-pg.js';

const pgUp = await pgAvailability();

describe.skipIf(!pgUp.ok)(pgSuiteName('compilePgWhere: collations', pgUp), () => {
  it('prefix wildcards compare in code point order whatever the column collation', async () => {
    const probe = await openEventsPg();
    const collation = await nonCCollation(probe.client);
    await probe.close();
    const db = await openEventsPg(collation ?? 'default');
    try {
      // Under ICU, 'svc:api' sorts after 'svc;' and 'Zed' after '[': a range in the column's
      // collation would miss them.
      const events = ['svc:api', 'Zed', 'z~', 'svc;'].map((id, i) => ({
        id: `e${i}`,
        tenant: 'default',
        action: 'a',
        category: 'data',
        outcome: 'success',
        severity: 'info',
        occurred_at: '2024-01-01T00:00:00Z',
        received_at: '2024-01-01T00:00:00Z',
        actor: { id },
      }));
      await insertEvents(db.client, 1, events);
      for (const q of ['actor.id:svc\\:*', 'actor.id:Z*', 'actor.id:z*', 'actor.id:?e*']) {
        const ast = parseQuery(q);
        const positions = await pgPositions(db.client, 1, ast);
        expect(positions, q).toEqual(memoryPositions(events, ast));
        expect(positions, q).toHaveLength(1);
      }
    } finally {
      await db.close();
    }
  });
});

const ACTOR_SEEK = /Index Scan (Backward )?using events_actor|Bitmap Index Scan on events_actor/;
const ACTOR_COND = /Index Cond: \(\(tenant_id = (\$1|1)\) AND \(actor_id = /;
const ACTION_SEEK = /Index Scan (Backward )?using events_action|Bitmap Index Scan on events_action/;
const ACTION_COND = /Index Cond: \(\(tenant_id = (\$1|1)\) AND \(action >= .*\) AND \(action < /;

describe.skipIf(!pgUp.ok)(pgSuiteName('compilePgWhere: index use', pgUp), () => {
  const dbs = new Map<string, EventsPg>();
  beforeAll(async () => {
    for (const collation of ['C', 'default']) {
      const db = await openEventsPg(collation);
      dbs.set(collation, db);
      // 20 000 rows, 4 tenants; 1 % of actions start with "user.", 200 actors.
      await db.client.query(`INSERT INTO events (tenant_id, seq, id, occurred_ms, received_ms,
          action, actor_id, outcome, category, severity, event, leaf_input)
        SELECT 1 + g % 4, g, 'id' || g, g, g,
          CASE WHEN g % 100 = 0 THEN 'user.' ELSE 'invoice.' END || g % 7,
          'actor' || g % 200, 'success', 'data', 'info', '{}', ''
        FROM generate_series(1, 20000) g`);
      // The indexes of src/storage/postgres/migrations.ts.
      await db.client
        .query(`CREATE INDEX events_actor ON events (tenant_id, actor_id, occurred_ms, seq);
        CREATE INDEX events_action ON events (tenant_id, action, occurred_ms, seq);
        CREATE INDEX events_occurred ON events (tenant_id, occurred_ms, seq);
        ANALYZE events; SET enable_seqscan = off`);
    }
  });
  afterAll(async () => {
    for (const db of dbs.values()) await db.close();
  });

  /** The plan of a search, planned with the values (custom) or without them (generic). */
  async function plan(collation: string, q: string, generic: boolean): Promise<string> {
    const db = dbs.get(collation);
    if (db === undefined) throw new Error(`no table for ${collation}`);
    const { sql, params, usesDoc } = compilePgWhere(parseQuery(q), { firstParam: 2 });
    expect(usesDoc).toBe(false);
    const select = `SELECT e.seq FROM events e WHERE e.tenant_id = $1 AND ${sql}
      ORDER BY e.occurred_ms DESC, e.seq DESC LIMIT 50`;
    let rows: { 'QUERY PLAN': string }[];
    if (!generic) {
      ({ rows } = await db.client.query(`EXPLAIN ${select}`, [1, ...params]));
      return rows.map((r) => r['QUERY PLAN']).join('\n');
    }
    // Test-only: the values are this test's own constants, spliced into EXECUTE's arguments.
    const args = [1, ...params].map((v) => `'${String(v)}'`).join(', ');
    await db.client.query(`PREPARE vt_p AS ${select}; SET plan_cache_mode = force_generic_plan`);
    try {
      ({ rows } = await db.client.query(`EXPLAIN EXECUTE vt_p(${args})`));
    } finally {
      await db.client.query('RESET plan_cache_mode; DEALLOCATE vt_p');
    }
    return rows.map((r) => r['QUERY PLAN']).join('\n');
  }

  it.each([
    ['C', false],
    ['C', true],
    ['default', false],
    ['default', true],
  ])('actor.id:x seeks (tenant_id, actor_id) (collation %s, generic plan %s)', async (c, g) => {
    const p = await plan(c, 'actor.id:actor7', g);
    expect(p).toMatch(ACTOR_SEEK);
    expect(p).toMatch(ACTOR_COND);
  });

  it.each([false, true])(
    'action:user.* seeks a range of (tenant_id, action) (collation C, generic plan %s)',
    async (g) => {
      const p = await plan('C', 'action:user.*', g);
      expect(p).toMatch(ACTION_SEEK);
      expect(p).toMatch(ACTION_COND);
    },
  );
});

/**
 * Retention policies, legal holds and the purge on PostgreSQL (docs/retention.md).
 *
 * The purge is set-based: one UPDATE per month partition (and per policy, the caller's loop),
 * never one per row. Each statement names the partition through the parent table with the
 * partition's own bounds on occurred_ms, so the planner prunes to that one partition and the
 * rights checked are the parent's (the server's role holds UPDATE (event, salt) on `events`
 * only; partitions are created by veritrail_ensure_partition and carry no grants). The events
 * trigger (migrations.ts) still refuses anything but blanking event and salt together.
 * `purgeRows` is the plain row path over the whole table, in batches: the reference the
 * partition path is tested against.
 */
import type pg from 'pg';
import type {
  HoldRelease,
  LegalHold,
  PurgeRequest,
  PurgeResult,
  RetentionPolicy,
  RetentionStore,
} from '../../app/ports.js';
import { mergeRanges, type SeqRange } from '../../core/retention/index.js';
import {
  HOLD_COLS,
  holdValues,
  POLICY_COLS,
  policyValues,
  toHold,
  toPolicy,
  type HoldRow,
  type PolicyRow,
} from '../retention-rows.js';
import { run } from './pg-side-stores.js';
import { compilePgWhere, pgDocLateral } from './query/compile-pg.js';

const DEFAULT_BATCH = 10_000;
const BEFORE_2000 = 946_684_800_000;
const FROM_2100 = 4_102_444_800_000;

/** A month partition's bounds on occurred_ms, from its name (migrations.ts names them). */
export function partitionBounds(name: string): { lo: number; hi: number } | undefined {
  if (name === 'events_before_2000') return { lo: Number.MIN_SAFE_INTEGER, hi: BEFORE_2000 };
  if (name === 'events_from_2100') return { lo: FROM_2100, hi: Number.MAX_SAFE_INTEGER };
  const m = /^events_(\d{4})_(\d{2})$/.exec(name);
  if (!m) return undefined;
  const [y, mo] = [Number(m[1]), Number(m[2])];
  return { lo: Date.UTC(y, mo - 1, 1), hi: Date.UTC(y, mo, 1) };
}

interface RunRow {
  lo: number;
  hi: number;
  n: number;
}

/** Runs of consecutive seqs among rows `seq` of the CTE or subquery `rows` (gaps and islands). */
const islands = (rows: string) =>
  `SELECT min(seq)::bigint AS lo, max(seq)::bigint AS hi, count(*)::bigint AS n
   FROM (SELECT seq, seq - row_number() OVER (ORDER BY seq) AS g FROM ${rows}) vt_runs
   GROUP BY g ORDER BY lo`;

const toResult = (runs: readonly RunRow[]): PurgeResult => ({
  count: runs.reduce((s, r) => s + Number(r.n), 0),
  ranges: runs.map((r) => ({ from: Number(r.lo), to: Number(r.hi) })),
});

export class PgRetentionStore implements RetentionStore {
  constructor(private readonly pool: pg.Pool) {}

  async policies(tenant: string): Promise<RetentionPolicy[]> {
    const r = await run<PolicyRow>(
      this.pool,
      `SELECT ${POLICY_COLS} FROM retention_policies WHERE tenant = $1 ORDER BY name`,
      [tenant],
      'reading retention policies',
    );
    return r.rows.map(toPolicy);
  }

  async putPolicy(p: RetentionPolicy): Promise<void> {
    await run(
      this.pool,
      `INSERT INTO retention_policies (${POLICY_COLS}) VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (tenant, name) DO UPDATE SET scope = excluded.scope,
         min_days = excluded.min_days, max_days = excluded.max_days,
         updated_at = excluded.updated_at`,
      policyValues(p),
      'storing a retention policy',
    );
  }

  async deletePolicy(tenant: string, name: string): Promise<boolean> {
    const r = await run(
      this.pool,
      'DELETE FROM retention_policies WHERE tenant = $1 AND name = $2',
      [tenant, name],
      'deleting a retention policy',
    );
    return (r.rowCount ?? 0) > 0;
  }

  async holds(tenant: string): Promise<LegalHold[]> {
    const r = await run<HoldRow>(
      this.pool,
      `SELECT ${HOLD_COLS} FROM legal_holds WHERE tenant = $1 ORDER BY id`,
      [tenant],
      'reading legal holds',
    );
    return r.rows.map(toHold);
  }

  async hold(id: string): Promise<LegalHold | undefined> {
    const r = await run<HoldRow>(
      this.pool,
      `SELECT ${HOLD_COLS} FROM legal_holds WHERE id = $1`,
      [id],
      'reading a legal hold',
    );
    return r.rows[0] && toHold(r.rows[0]);
  }

  async addHold(h: LegalHold): Promise<void> {
    await run(
      this.pool,
      `INSERT INTO legal_holds (${HOLD_COLS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      holdValues(h),
      'storing a legal hold',
    );
  }

  async releaseHold(id: string, rel: HoldRelease): Promise<boolean> {
    const r = await run(
      this.pool,
      `UPDATE legal_holds SET released_at = $1, released_by = $2, release_reason = $3
       WHERE id = $4 AND released_at IS NULL`,
      [rel.at, rel.by, rel.reason, id],
      'releasing a legal hold',
    );
    return (r.rowCount ?? 0) > 0;
  }

  private async tenantId(tenant: string): Promise<number | undefined> {
    const r = await run<{ tenant_id: number }>(
      this.pool,
      'SELECT tenant_id FROM tenants WHERE name = $1',
      [tenant],
      'reading a log',
    );
    return r.rows[0]?.tenant_id;
  }

  /**
   * The selection of one request within [lo, hi) of occurred_ms: `seq` of rows not purged yet.
   * Parameters: $1 tenant_id, $2 lo, $3 hi, then the compiled query's.
   */
  private selection(req: PurgeRequest, extra = ''): { sql: string; params: unknown[] } {
    const where = compilePgWhere(req.where, { alias: 'e', firstParam: 4 });
    const from = where.usesDoc ? `events e ${pgDocLateral('e')}` : 'events e';
    return {
      sql: `SELECT e.seq FROM ${from}
        WHERE e.tenant_id = $1 AND e.occurred_ms >= $2 AND e.occurred_ms < $3
          AND e.event IS NOT NULL AND (${where.sql}) ${extra}`,
      params: where.params,
    };
  }

  /** The month partitions that may hold rows older than `beforeMs`, oldest first. */
  private async partitions(beforeMs: number): Promise<{ lo: number; hi: number }[]> {
    const r = await run<{ name: string }>(
      this.pool,
      `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
       WHERE i.inhparent = 'events'::regclass`,
      [],
      'listing event partitions',
    );
    return r.rows
      .flatMap((row) => partitionBounds(row.name) ?? [])
      .filter((b) => b.lo < beforeMs)
      .sort((a, b) => a.lo - b.lo);
  }

  async purge(req: PurgeRequest): Promise<PurgeResult> {
    const tid = await this.tenantId(req.tenant);
    if (tid === undefined) return { count: 0, ranges: [] };
    if (req.dryRun) {
      const sel = this.selection(req);
      const r = await run<RunRow>(
        this.pool,
        islands(`(${sel.sql}) vt_sel`),
        [tid, Number.MIN_SAFE_INTEGER, req.beforeMs, ...sel.params],
        'counting purgeable entries',
      );
      return toResult(r.rows);
    }
    let ranges: SeqRange[] = [];
    let count = 0;
    for (const part of await this.partitions(req.beforeMs)) {
      const sel = this.selection(req);
      // One statement for the whole partition: the subquery selects, the UPDATE blanks.
      const r = await run<RunRow>(
        this.pool,
        `WITH vt_done AS (
           UPDATE events u SET event = NULL, salt = NULL
           WHERE u.tenant_id = $1 AND u.occurred_ms >= $2 AND u.occurred_ms < $3
             AND u.seq IN (${sel.sql})
           RETURNING u.seq
         ) ${islands('vt_done')}`,
        [tid, part.lo, Math.min(part.hi, req.beforeMs), ...sel.params],
        'purging expired entries',
      );
      const res = toResult(r.rows);
      count += res.count;
      ranges = mergeRanges([...ranges, ...res.ranges]);
    }
    return { count, ranges };
  }

  /** The row path: the same purge over the whole table, `batchSize` rows per statement. */
  async purgeRows(req: PurgeRequest): Promise<PurgeResult> {
    const tid = await this.tenantId(req.tenant);
    if (tid === undefined) return { count: 0, ranges: [] };
    const batch = req.batchSize ?? DEFAULT_BATCH;
    const sel = this.selection(req, `ORDER BY e.seq LIMIT ${Math.max(1, Math.floor(batch))}`);
    let ranges: SeqRange[] = [];
    let count = 0;
    for (;;) {
      const r = await run<RunRow>(
        this.pool,
        `WITH vt_done AS (
           UPDATE events u SET event = NULL, salt = NULL
           WHERE u.tenant_id = $1 AND u.seq IN (${sel.sql})
           RETURNING u.seq
         ) ${islands('vt_done')}`,
        [tid, Number.MIN_SAFE_INTEGER, req.beforeMs, ...sel.params],
        'purging expired entries',
      );
      const res = toResult(r.rows);
      count += res.count;
      ranges = mergeRanges([...ranges, ...res.ranges]);
      if (res.count < batch) break;
    }
    return { count, ranges };
  }
}

/**
 * Retention policies, legal holds and the purge on SQLite (docs/retention.md). The purge blanks
 * `event` and `salt` only, the one change the events trigger allows (migrations.ts), in batches
 * of one short transaction each, so appends on the writer connection wait at most one batch.
 */
import type {
  HoldRelease,
  LegalHold,
  PurgeRequest,
  PurgeResult,
  RetentionPolicy,
  RetentionStore,
  SeqRange,
} from '../../app/ports.js';
import { mergeRanges } from '../../core/retention/index.js';
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
import type { Db } from './open-database.js';
import { compileSqliteWhere } from './query/compile-sql.js';

const DEFAULT_BATCH = 10_000;

/** Runs of consecutive seqs among the selected rows (gaps and islands), in SQL. */
const islands = (selected: string) =>
  `SELECT min(seq) AS lo, max(seq) AS hi, count(*) AS n
   FROM (SELECT seq, seq - row_number() OVER (ORDER BY seq) AS g FROM (${selected}))
   GROUP BY g ORDER BY lo`;

export class SqliteRetentionStore implements RetentionStore {
  constructor(private readonly db: Db) {}

  policies(tenant: string): Promise<RetentionPolicy[]> {
    const rows = this.db
      .prepare<[string], PolicyRow>(
        `SELECT ${POLICY_COLS} FROM retention_policies WHERE tenant = ? ORDER BY name`,
      )
      .all(tenant);
    return Promise.resolve(rows.map(toPolicy));
  }

  putPolicy(p: RetentionPolicy): Promise<void> {
    this.db
      .prepare(
        `INSERT INTO retention_policies (${POLICY_COLS}) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (tenant, name) DO UPDATE SET scope = excluded.scope,
           min_days = excluded.min_days, max_days = excluded.max_days,
           updated_at = excluded.updated_at`,
      )
      .run(...policyValues(p));
    return Promise.resolve();
  }

  deletePolicy(tenant: string, name: string): Promise<boolean> {
    const r = this.db
      .prepare('DELETE FROM retention_policies WHERE tenant = ? AND name = ?')
      .run(tenant, name);
    return Promise.resolve(r.changes > 0);
  }

  holds(tenant: string): Promise<LegalHold[]> {
    const rows = this.db
      .prepare<[string], HoldRow>(
        `SELECT ${HOLD_COLS} FROM legal_holds WHERE tenant = ? ORDER BY id`,
      )
      .all(tenant);
    return Promise.resolve(rows.map(toHold));
  }

  hold(id: string): Promise<LegalHold | undefined> {
    const row = this.db
      .prepare<[string], HoldRow>(`SELECT ${HOLD_COLS} FROM legal_holds WHERE id = ?`)
      .get(id);
    return Promise.resolve(row && toHold(row));
  }

  addHold(h: LegalHold): Promise<void> {
    this.db
      .prepare(`INSERT INTO legal_holds (${HOLD_COLS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`)
      .run(...holdValues(h));
    return Promise.resolve();
  }

  releaseHold(id: string, r: HoldRelease): Promise<boolean> {
    const res = this.db
      .prepare(
        `UPDATE legal_holds SET released_at = ?, released_by = ?, release_reason = ?
         WHERE id = ? AND released_at IS NULL`,
      )
      .run(r.at, r.by, r.reason, id);
    return Promise.resolve(res.changes > 0);
  }

  purge(req: PurgeRequest): Promise<PurgeResult> {
    const tenant = this.db
      .prepare<[string], { tenant_id: number }>('SELECT tenant_id FROM tenants WHERE name = ?')
      .get(req.tenant);
    if (!tenant) return Promise.resolve({ count: 0, ranges: [] });
    const where = compileSqliteWhere(req.where, 'e');
    const selected = `SELECT e.seq AS seq FROM events e
      WHERE e.tenant_id = ? AND e.event IS NOT NULL AND e.occurred_ms < ? AND (${where.sql})`;
    const params = [tenant.tenant_id, req.beforeMs, ...where.params];
    if (req.dryRun) {
      const runs = this.db
        .prepare<unknown[], { lo: number; hi: number; n: number }>(islands(selected))
        .all(...params);
      return Promise.resolve({
        count: runs.reduce((s, r) => s + r.n, 0),
        ranges: runs.map((r) => ({ from: r.lo, to: r.hi })),
      });
    }
    const batch = req.batchSize ?? DEFAULT_BATCH;
    // Seqs are unique per tenant (events_seq), so the batch's rows are named by (tenant_id, seq).
    const step = this.db.prepare<unknown[], { seq: number }>(
      `UPDATE events SET event = NULL, salt = NULL
       WHERE tenant_id = ? AND seq IN (${selected} ORDER BY e.seq LIMIT ?) RETURNING seq`,
    );
    let count = 0;
    let ranges: SeqRange[] = [];
    for (;;) {
      const seqs = step.all(tenant.tenant_id, ...params, batch).map((r) => r.seq);
      count += seqs.length;
      ranges = mergeRanges([...ranges, ...runsOf(seqs)]);
      if (seqs.length < batch) break;
    }
    return Promise.resolve({ count, ranges });
  }
}

function runsOf(seqs: number[]): SeqRange[] {
  seqs.sort((a, b) => a - b);
  const out: SeqRange[] = [];
  for (const s of seqs) {
    const last = out[out.length - 1];
    if (last && s === last.to + 1) out[out.length - 1] = { from: last.from, to: s };
    else out.push({ from: s, to: s });
  }
  return out;
}

/** Alerts and detection cursors on PostgreSQL (docs/api.md "Alerts and rules"). */
import type pg from 'pg';
import type { AlertListParams, AlertRecord, AlertStore } from '../../app/ports.js';
import { ALERT_COLS, ALERT_SET_COLS, alertValues, toAlert, type AlertRow } from '../alert-rows.js';
import { run } from './pg-side-stores.js';

const PLACEHOLDERS = ALERT_COLS.split(', ')
  .map((_, i) => `$${i + 1}`)
  .join(', ');
const SET = ALERT_SET_COLS.map((c, i) => `${c} = $${i + 1}`).join(', ');
const n = ALERT_SET_COLS.length;

export class PgAlertStore implements AlertStore {
  constructor(private readonly pool: pg.Pool) {}

  async create(rec: AlertRecord): Promise<void> {
    await run(
      this.pool,
      `INSERT INTO alerts (${ALERT_COLS}) VALUES (${PLACEHOLDERS})`,
      alertValues(rec),
      'storing an alert',
    );
  }

  async get(id: string): Promise<AlertRecord | undefined> {
    const r = await run<AlertRow>(
      this.pool,
      `SELECT ${ALERT_COLS} FROM alerts WHERE id = $1`,
      [id],
      'reading an alert',
    );
    const row = r.rows[0];
    return row && toAlert(row);
  }

  async list(p: AlertListParams): Promise<AlertRecord[]> {
    const args: unknown[] = [p.tenant];
    const where = ['tenant = $1'];
    const add = (col: string, op: string, v: unknown) => {
      args.push(v);
      where.push(`${col} ${op} $${args.length}`);
    };
    if (p.status !== undefined) add('status', '=', p.status);
    if (p.severity !== undefined) add('severity', '=', p.severity);
    if (p.ruleId !== undefined) add('rule_id', '=', p.ruleId);
    if (p.sinceMs !== undefined) add('last_seen_ms', '>=', p.sinceMs);
    if (p.beforeId !== undefined) add('id', '<', p.beforeId);
    args.push(p.limit);
    const r = await run<AlertRow>(
      this.pool,
      `SELECT ${ALERT_COLS} FROM alerts WHERE ${where.join(' AND ')}
       ORDER BY id DESC LIMIT $${args.length}`,
      args,
      'listing alerts',
    );
    return r.rows.map(toAlert);
  }

  async findActive(
    tenant: string,
    ruleId: string,
    groupKey: string,
  ): Promise<AlertRecord | undefined> {
    const r = await run<AlertRow>(
      this.pool,
      `SELECT ${ALERT_COLS} FROM alerts
       WHERE tenant = $1 AND rule_id = $2 AND group_key = $3 AND status IN ('open', 'acknowledged')
       ORDER BY id DESC LIMIT 1`,
      [tenant, ruleId, groupKey],
      'reading an alert',
    );
    const row = r.rows[0];
    return row && toAlert(row);
  }

  async update(rec: AlertRecord): Promise<boolean> {
    const r = await run(
      this.pool,
      `UPDATE alerts SET ${SET} WHERE id = $${n + 1} AND tenant = $${n + 2} AND revision = $${n + 3}`,
      [...alertValues(rec).slice(2), rec.id, rec.tenant, rec.revision - 1],
      'updating an alert',
    );
    return (r.rowCount ?? 0) > 0;
  }

  async cursor(tenant: string): Promise<number> {
    const r = await run<{ after_seq: string }>(
      this.pool,
      'SELECT after_seq FROM detection_cursors WHERE tenant = $1',
      [tenant],
      'reading a detection cursor',
    );
    const row = r.rows[0];
    return row === undefined ? -1 : Number(row.after_seq);
  }

  async saveCursor(tenant: string, afterSeq: number): Promise<void> {
    await run(
      this.pool,
      `INSERT INTO detection_cursors (tenant, after_seq) VALUES ($1, $2)
       ON CONFLICT (tenant)
       DO UPDATE SET after_seq = greatest(detection_cursors.after_seq, excluded.after_seq)`,
      [tenant, afterSeq],
      'saving a detection cursor',
    );
  }
}

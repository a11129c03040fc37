/** Alerts and detection cursors on SQLite (docs/api.md "Alerts and rules"). */
import type { AlertListParams, AlertRecord, AlertStore } from '../../app/ports.js';
import { ALERT_COLS, ALERT_SET_COLS, alertValues, toAlert, type AlertRow } from '../alert-rows.js';
import type { Db } from './open-database.js';

const PLACEHOLDERS = ALERT_COLS.split(', ')
  .map(() => '?')
  .join(', ');

export class SqliteAlertStore implements AlertStore {
  constructor(private readonly db: Db) {}

  create(rec: AlertRecord): Promise<void> {
    this.db
      .prepare(`INSERT INTO alerts (${ALERT_COLS}) VALUES (${PLACEHOLDERS})`)
      .run(...alertValues(rec));
    return Promise.resolve();
  }

  get(id: string): Promise<AlertRecord | undefined> {
    const row = this.db
      .prepare<[string], AlertRow>(`SELECT ${ALERT_COLS} FROM alerts WHERE id = ?`)
      .get(id);
    return Promise.resolve(row && toAlert(row));
  }

  list(p: AlertListParams): Promise<AlertRecord[]> {
    const where = ['tenant = ?'];
    const args: unknown[] = [p.tenant];
    const add = (sql: string, v: unknown) => {
      where.push(sql);
      args.push(v);
    };
    if (p.status !== undefined) add('status = ?', p.status);
    if (p.severity !== undefined) add('severity = ?', p.severity);
    if (p.ruleId !== undefined) add('rule_id = ?', p.ruleId);
    if (p.sinceMs !== undefined) add('last_seen_ms >= ?', p.sinceMs);
    if (p.beforeId !== undefined) add('id < ?', p.beforeId);
    const rows = this.db
      .prepare<unknown[], AlertRow>(
        `SELECT ${ALERT_COLS} FROM alerts WHERE ${where.join(' AND ')} ORDER BY id DESC LIMIT ?`,
      )
      .all(...args, p.limit);
    return Promise.resolve(rows.map(toAlert));
  }

  findActive(tenant: string, ruleId: string, groupKey: string): Promise<AlertRecord | undefined> {
    const row = this.db
      .prepare<[string, string, string], AlertRow>(
        `SELECT ${ALERT_COLS} FROM alerts
         WHERE tenant = ? AND rule_id = ? AND group_key = ? AND status IN ('open', 'acknowledged')
         ORDER BY id DESC LIMIT 1`,
      )
      .get(tenant, ruleId, groupKey);
    return Promise.resolve(row && toAlert(row));
  }

  update(rec: AlertRecord): Promise<boolean> {
    const values = alertValues(rec);
    const r = this.db
      .prepare(
        `UPDATE alerts SET ${ALERT_SET_COLS.map((c) => `${c} = ?`).join(', ')}
         WHERE id = ? AND tenant = ? AND revision = ?`,
      )
      .run(...values.slice(2), rec.id, rec.tenant, rec.revision - 1);
    return Promise.resolve(r.changes > 0);
  }

  cursor(tenant: string): Promise<number> {
    const row = this.db
      .prepare<[string], { after_seq: number }>(
        'SELECT after_seq FROM detection_cursors WHERE tenant = ?',
      )
      .get(tenant);
    return Promise.resolve(row?.after_seq ?? -1);
  }

  saveCursor(tenant: string, afterSeq: number): Promise<void> {
    this.db
      .prepare(
        `INSERT INTO detection_cursors (tenant, after_seq) VALUES (?, ?)
         ON CONFLICT (tenant) DO UPDATE SET after_seq = max(after_seq, excluded.after_seq)`,
      )
      .run(tenant, afterSeq);
    return Promise.resolve();
  }
}

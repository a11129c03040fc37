/** The report index on SQLite (docs/reports.md "The report index"). */
import type { ReportIndexState, ReportIndexStore, ReportIndexUpdate } from '../../app/ports.js';
import type { DayMeasure, ReportMark } from '../../core/report/day-index.js';
import {
  measureJson,
  mergedMeasures,
  toMark,
  toMeasure,
  type DayRow,
  type MarkRow,
} from '../report-index-rows.js';
import type { Db } from './open-database.js';

export class SqliteReportIndexStore implements ReportIndexStore {
  constructor(private readonly db: Db) {}

  state(tenant: string): Promise<ReportIndexState | undefined> {
    const row = this.db
      .prepare<[string], { after_seq: number; version: string }>(
        'SELECT after_seq, version FROM report_index WHERE tenant = ?',
      )
      .get(tenant);
    return Promise.resolve(row && { afterSeq: row.after_seq, version: row.version });
  }

  reset(tenant: string, version: string): Promise<void> {
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM report_days WHERE tenant = ?').run(tenant);
      this.db.prepare('DELETE FROM report_marks WHERE tenant = ?').run(tenant);
      this.db
        .prepare(
          `INSERT INTO report_index (tenant, after_seq, version) VALUES (?, -1, ?)
           ON CONFLICT (tenant) DO UPDATE SET after_seq = -1, version = excluded.version`,
        )
        .run(tenant, version);
    })();
    return Promise.resolve();
  }

  apply(tenant: string, u: ReportIndexUpdate): Promise<boolean> {
    const getDay = this.db.prepare<[string, number, string], DayRow>(
      'SELECT day, service, measure FROM report_days WHERE tenant = ? AND day = ? AND service = ?',
    );
    const putDay = this.db.prepare(
      `INSERT INTO report_days (tenant, day, service, measure) VALUES (?, ?, ?, ?)
       ON CONFLICT (tenant, day, service) DO UPDATE SET measure = excluded.measure`,
    );
    const putMark = this.db.prepare(
      `INSERT INTO report_marks (tenant, seq, occurred_ms, sections) VALUES (?, ?, ?, ?)
       ON CONFLICT DO NOTHING`,
    );
    return Promise.resolve(
      this.db.transaction(() => {
        const moved = this.db
          .prepare(
            'UPDATE report_index SET after_seq = ? WHERE tenant = ? AND after_seq = ? AND version = ?',
          )
          .run(u.afterSeq, tenant, u.expectAfter, u.version);
        if (moved.changes !== 1) return false;
        const merged = mergedMeasures(u.days, (day, service) => {
          const row = getDay.get(tenant, day, service);
          return row && toMeasure(row);
        });
        for (const m of merged) putDay.run(tenant, m.day, m.service, measureJson(m));
        for (const k of u.marks) putMark.run(tenant, k.seq, k.occurredMs, k.sections);
        return true;
      })(),
    );
  }

  days(tenant: string, fromDay: number, toDay: number): Promise<DayMeasure[]> {
    const rows = this.db
      .prepare<[string, number, number], DayRow>(
        'SELECT day, service, measure FROM report_days WHERE tenant = ? AND day >= ? AND day < ?',
      )
      .all(tenant, fromDay, toDay);
    return Promise.resolve(rows.map(toMeasure));
  }

  marks(tenant: string, fromMs: number, toMs: number): Promise<ReportMark[]> {
    const rows = this.db
      .prepare<[string, number, number], MarkRow>(
        `SELECT seq, occurred_ms, sections FROM report_marks
         WHERE tenant = ? AND occurred_ms >= ? AND occurred_ms < ? ORDER BY seq`,
      )
      .all(tenant, fromMs, toMs);
    return Promise.resolve(rows.map(toMark));
  }
}

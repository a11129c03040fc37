/** The report index on PostgreSQL (docs/reports.md "The report index"). */
import type pg from 'pg';
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
import { pgError } from './connect.js';
import { run } from './pg-side-stores.js';

/** Rows per multi-row INSERT (PostgreSQL allows 65,535 parameters). */
const CHUNK = 2000;

export class PgReportIndexStore implements ReportIndexStore {
  constructor(private readonly pool: pg.Pool) {}

  async state(tenant: string): Promise<ReportIndexState | undefined> {
    const r = await run<{ after_seq: string; version: string }>(
      this.pool,
      'SELECT after_seq, version FROM report_index WHERE tenant = $1',
      [tenant],
      'reading the report index',
    );
    const row = r.rows[0];
    return row && { afterSeq: Number(row.after_seq), version: row.version };
  }

  async reset(tenant: string, version: string): Promise<void> {
    await this.tx('resetting the report index', async (c) => {
      await c.query('DELETE FROM report_days WHERE tenant = $1', [tenant]);
      await c.query('DELETE FROM report_marks WHERE tenant = $1', [tenant]);
      await c.query(
        `INSERT INTO report_index (tenant, after_seq, version) VALUES ($1, -1, $2)
         ON CONFLICT (tenant) DO UPDATE SET after_seq = -1, version = excluded.version`,
        [tenant, version],
      );
      return true;
    });
  }

  apply(tenant: string, u: ReportIndexUpdate): Promise<boolean> {
    return this.tx('updating the report index', async (c) => {
      // The row lock taken by this UPDATE serialises indexers of the same log.
      const moved = await c.query(
        'UPDATE report_index SET after_seq = $1 WHERE tenant = $2 AND after_seq = $3 AND version = $4',
        [u.afterSeq, tenant, u.expectAfter, u.version],
      );
      if (moved.rowCount !== 1) return false;
      const stored = new Map<string, DayMeasure>();
      if (u.days.length > 0) {
        const r = await c.query<DayRow>(
          `SELECT day, service, measure FROM report_days
           WHERE tenant = $1 AND (day, service) IN (SELECT * FROM unnest($2::int[], $3::text[]))`,
          [tenant, u.days.map((m) => m.day), u.days.map((m) => m.service)],
        );
        for (const row of r.rows) stored.set(`${row.day}\u0000${row.service}`, toMeasure(row));
      }
      const merged = mergedMeasures(u.days, (day, service) => stored.get(`${day}\u0000${service}`));
      for (let i = 0; i < merged.length; i += CHUNK) {
        const part = merged.slice(i, i + CHUNK);
        await c.query(
          `INSERT INTO report_days (tenant, day, service, measure)
           SELECT $1, * FROM unnest($2::int[], $3::text[], $4::text[])
           ON CONFLICT (tenant, day, service) DO UPDATE SET measure = excluded.measure`,
          [tenant, part.map((m) => m.day), part.map((m) => m.service), part.map(measureJson)],
        );
      }
      for (let i = 0; i < u.marks.length; i += CHUNK) {
        const part = u.marks.slice(i, i + CHUNK);
        await c.query(
          `INSERT INTO report_marks (tenant, seq, occurred_ms, sections)
           SELECT $1, * FROM unnest($2::bigint[], $3::bigint[], $4::int[])
           ON CONFLICT DO NOTHING`,
          [
            tenant,
            part.map((k) => k.seq),
            part.map((k) => k.occurredMs),
            part.map((k) => k.sections),
          ],
        );
      }
      return true;
    });
  }

  async days(tenant: string, fromDay: number, toDay: number): Promise<DayMeasure[]> {
    const r = await run<DayRow>(
      this.pool,
      'SELECT day, service, measure FROM report_days WHERE tenant = $1 AND day >= $2 AND day < $3',
      [tenant, fromDay, toDay],
      'reading the report index',
    );
    return r.rows.map(toMeasure);
  }

  async marks(tenant: string, fromMs: number, toMs: number): Promise<ReportMark[]> {
    const r = await run<MarkRow>(
      this.pool,
      `SELECT seq, occurred_ms, sections FROM report_marks
       WHERE tenant = $1 AND occurred_ms >= $2 AND occurred_ms < $3 ORDER BY seq`,
      [tenant, fromMs, toMs],
      'reading the report index',
    );
    return r.rows.map(toMark);
  }

  private async tx(doing: string, body: (c: pg.PoolClient) => Promise<boolean>): Promise<boolean> {
    const c = await this.pool.connect().catch((e: unknown) => {
      throw pgError(e, 'connecting');
    });
    try {
      await c.query('BEGIN');
      const ok = await body(c);
      await c.query(ok ? 'COMMIT' : 'ROLLBACK');
      return ok;
    } catch (e) {
      await c.query('ROLLBACK').catch(() => {});
      throw pgError(e, doing);
    } finally {
      c.release();
    }
  }
}

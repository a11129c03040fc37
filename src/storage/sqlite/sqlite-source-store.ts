/** Source health on SQLite (docs/source-health.md). */
import type { SourceGap, SourceHealthStore, SourceRecord } from '../../app/ports.js';
import {
  GAP_COLS,
  gapValues,
  OBSERVED_COLS,
  observedValues,
  SOURCE_COLS,
  toGap,
  toSource,
  type GapRow,
  type SourceRow,
} from '../source-rows.js';
import type { Db } from './open-database.js';

const UPSERT = `INSERT INTO sources (tenant, service, ${OBSERVED_COLS.join(', ')})
  VALUES (${['?', '?', ...OBSERVED_COLS.map(() => '?')].join(', ')})
  ON CONFLICT (tenant, service) DO UPDATE SET
  ${OBSERVED_COLS.map((c) => `${c} = excluded.${c}`).join(', ')}`;

export class SqliteSourceStore implements SourceHealthStore {
  constructor(private readonly db: Db) {}

  list(tenant: string): Promise<SourceRecord[]> {
    const rows = this.db
      .prepare<[string], SourceRow>(
        `SELECT ${SOURCE_COLS} FROM sources WHERE tenant = ? ORDER BY service`,
      )
      .all(tenant);
    return Promise.resolve(rows.map(toSource));
  }

  withCadence(): Promise<SourceRecord[]> {
    const rows = this.db
      .prepare<[], SourceRow>(
        `SELECT ${SOURCE_COLS} FROM sources WHERE expected_every_ms IS NOT NULL ORDER BY tenant, service`,
      )
      .all();
    return Promise.resolve(rows.map(toSource));
  }

  get(tenant: string, service: string): Promise<SourceRecord | undefined> {
    const row = this.db
      .prepare<[string, string], SourceRow>(
        `SELECT ${SOURCE_COLS} FROM sources WHERE tenant = ? AND service = ?`,
      )
      .get(tenant, service);
    return Promise.resolve(row && toSource(row));
  }

  saveObserved(rec: SourceRecord): Promise<void> {
    this.db.prepare(UPSERT).run(...observedValues(rec));
    return Promise.resolve();
  }

  setExpected(tenant: string, service: string, everyMs: number | null): Promise<void> {
    this.db
      .prepare(
        `INSERT INTO sources (tenant, service, expected_every_ms) VALUES (?, ?, ?)
         ON CONFLICT (tenant, service) DO UPDATE SET expected_every_ms = excluded.expected_every_ms`,
      )
      .run(tenant, service, everyMs);
    return Promise.resolve();
  }

  addGap(gap: SourceGap): Promise<void> {
    this.db
      .prepare(
        `INSERT INTO source_gaps (${GAP_COLS}) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
      )
      .run(...gapValues(gap));
    return Promise.resolve();
  }

  gaps(tenant: string, fromMs: number, toMs: number, limit: number): Promise<SourceGap[]> {
    const rows = this.db
      .prepare<[string, number, number, number], GapRow>(
        `SELECT ${GAP_COLS} FROM source_gaps WHERE tenant = ? AND detected_ms >= ? AND detected_ms < ?
         ORDER BY detected_ms, service, from_seq LIMIT ?`,
      )
      .all(tenant, fromMs, toMs, limit);
    return Promise.resolve(rows.map(toGap));
  }

  cursor(tenant: string): Promise<number> {
    const row = this.db
      .prepare<[string], { after_seq: number }>(
        'SELECT after_seq FROM source_health_cursors WHERE tenant = ?',
      )
      .get(tenant);
    return Promise.resolve(row?.after_seq ?? -1);
  }

  saveCursor(tenant: string, afterSeq: number): Promise<void> {
    this.db
      .prepare(
        `INSERT INTO source_health_cursors (tenant, after_seq) VALUES (?, ?)
         ON CONFLICT (tenant) DO UPDATE SET after_seq = excluded.after_seq`,
      )
      .run(tenant, afterSeq);
    return Promise.resolve();
  }
}

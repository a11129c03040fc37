/** Source health on PostgreSQL (docs/source-health.md). */
import type pg from 'pg';
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
import { run } from './pg-side-stores.js';

const UPSERT = `INSERT INTO sources (tenant, service, ${OBSERVED_COLS.join(', ')})
  VALUES (${Array.from({ length: OBSERVED_COLS.length + 2 }, (_, i) => `$${i + 1}`).join(', ')})
  ON CONFLICT (tenant, service) DO UPDATE SET
  ${OBSERVED_COLS.map((c) => `${c} = excluded.${c}`).join(', ')}`;

export class PgSourceStore implements SourceHealthStore {
  constructor(private readonly pool: pg.Pool) {}

  async list(tenant: string): Promise<SourceRecord[]> {
    const r = await run<SourceRow>(
      this.pool,
      `SELECT ${SOURCE_COLS} FROM sources WHERE tenant = $1 ORDER BY service`,
      [tenant],
      'listing sources',
    );
    return r.rows.map(toSource);
  }

  async withCadence(): Promise<SourceRecord[]> {
    const r = await run<SourceRow>(
      this.pool,
      `SELECT ${SOURCE_COLS} FROM sources WHERE expected_every_ms IS NOT NULL ORDER BY tenant, service`,
      [],
      'listing sources',
    );
    return r.rows.map(toSource);
  }

  async get(tenant: string, service: string): Promise<SourceRecord | undefined> {
    const r = await run<SourceRow>(
      this.pool,
      `SELECT ${SOURCE_COLS} FROM sources WHERE tenant = $1 AND service = $2`,
      [tenant, service],
      'reading a source',
    );
    const row = r.rows[0];
    return row && toSource(row);
  }

  async saveObserved(rec: SourceRecord): Promise<void> {
    await run(this.pool, UPSERT, observedValues(rec), 'storing a source');
  }

  async setExpected(tenant: string, service: string, everyMs: number | null): Promise<void> {
    await run(
      this.pool,
      `INSERT INTO sources (tenant, service, expected_every_ms) VALUES ($1, $2, $3)
       ON CONFLICT (tenant, service) DO UPDATE SET expected_every_ms = excluded.expected_every_ms`,
      [tenant, service, everyMs],
      'setting a source cadence',
    );
  }

  async addGap(gap: SourceGap): Promise<void> {
    await run(
      this.pool,
      `INSERT INTO source_gaps (${GAP_COLS}) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING`,
      gapValues(gap),
      'storing a sequence gap',
    );
  }

  async gaps(tenant: string, fromMs: number, toMs: number, limit: number): Promise<SourceGap[]> {
    const r = await run<GapRow>(
      this.pool,
      `SELECT ${GAP_COLS} FROM source_gaps WHERE tenant = $1 AND detected_ms >= $2 AND detected_ms < $3
       ORDER BY detected_ms, service, from_seq LIMIT $4`,
      [tenant, fromMs, toMs, limit],
      'listing sequence gaps',
    );
    return r.rows.map(toGap);
  }

  async cursor(tenant: string): Promise<number> {
    const r = await run<{ after_seq: string }>(
      this.pool,
      'SELECT after_seq FROM source_health_cursors WHERE tenant = $1',
      [tenant],
      'reading the source health cursor',
    );
    const row = r.rows[0];
    return row ? Number(row.after_seq) : -1;
  }

  async saveCursor(tenant: string, afterSeq: number): Promise<void> {
    await run(
      this.pool,
      `INSERT INTO source_health_cursors (tenant, after_seq) VALUES ($1, $2)
       ON CONFLICT (tenant) DO UPDATE SET after_seq = excluded.after_seq`,
      [tenant, afterSeq],
      'saving the source health cursor',
    );
  }
}

/** Outbound streams, their cursors and dead letters on PostgreSQL (docs/outbound.md). */
import type pg from 'pg';
import type {
  DeadLetter,
  OutboundCursor,
  OutboundStore,
  OutboundStreamPatch,
  OutboundStreamRecord,
} from '../../app/ports.js';
import {
  CURSOR_COLS,
  DEAD_COLS,
  STREAM_COLS,
  toCursor,
  toDeadLetter,
  toStream,
  type CursorRow,
  type DeadRow,
  type StreamRow,
} from '../outbound-rows.js';
import { run } from './pg-side-stores.js';

export class PgOutboundStore implements OutboundStore {
  constructor(private readonly pool: pg.Pool) {}

  async create(rec: OutboundStreamRecord, c: OutboundCursor): Promise<void> {
    await run(
      this.pool,
      `INSERT INTO outbound_streams (${STREAM_COLS}, ${CURSOR_COLS})
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
      [
        rec.id,
        rec.tenant,
        rec.name,
        rec.q,
        rec.enabled,
        JSON.stringify(rec.destination),
        rec.createdAt,
        rec.updatedAt,
        rec.deletedAt,
        c.afterSeq,
        c.delivered,
        c.lastError,
        c.lastAttemptAt,
        c.failures,
      ],
      'creating an outbound stream',
    );
  }

  async get(id: string): Promise<OutboundStreamRecord | undefined> {
    const r = await run<StreamRow>(
      this.pool,
      `SELECT ${STREAM_COLS} FROM outbound_streams WHERE id = $1`,
      [id],
      'reading an outbound stream',
    );
    const row = r.rows[0];
    return row && toStream(row);
  }

  async list(tenant?: string): Promise<OutboundStreamRecord[]> {
    const r = await run<StreamRow>(
      this.pool,
      `SELECT ${STREAM_COLS} FROM outbound_streams
       WHERE deleted_at IS NULL AND ($1::text IS NULL OR tenant = $1) ORDER BY created_at, id`,
      [tenant ?? null],
      'listing outbound streams',
    );
    return r.rows.map(toStream);
  }

  async update(id: string, p: OutboundStreamPatch): Promise<boolean> {
    const r = await run(
      this.pool,
      `UPDATE outbound_streams SET enabled = coalesce($1, enabled), q = coalesce($2, q),
         destination = coalesce($3, destination), updated_at = $4
       WHERE id = $5 AND deleted_at IS NULL`,
      [
        p.enabled ?? null,
        p.q ?? null,
        p.destination === undefined ? null : JSON.stringify(p.destination),
        p.updatedAt,
        id,
      ],
      'updating an outbound stream',
    );
    return (r.rowCount ?? 0) > 0;
  }

  async delete(id: string, at: string): Promise<boolean> {
    const r = await run(
      this.pool,
      'UPDATE outbound_streams SET deleted_at = $1, enabled = false WHERE id = $2 AND deleted_at IS NULL',
      [at, id],
      'deleting an outbound stream',
    );
    return (r.rowCount ?? 0) > 0;
  }

  async cursor(id: string): Promise<OutboundCursor | undefined> {
    const r = await run<CursorRow>(
      this.pool,
      `SELECT ${CURSOR_COLS} FROM outbound_streams WHERE id = $1`,
      [id],
      'reading an outbound cursor',
    );
    const row = r.rows[0];
    return row && toCursor(row);
  }

  async saveCursor(id: string, c: OutboundCursor): Promise<void> {
    await run(
      this.pool,
      `UPDATE outbound_streams SET after_seq = $1, delivered = $2, last_error = $3,
         last_attempt_at = $4, failures = $5 WHERE id = $6`,
      [c.afterSeq, c.delivered, c.lastError, c.lastAttemptAt, c.failures, id],
      'saving an outbound cursor',
    );
  }

  async addDeadLetter(dl: DeadLetter): Promise<void> {
    await run(
      this.pool,
      `INSERT INTO outbound_dead_letters (${DEAD_COLS}) VALUES ($1, $2, $3, $4, $5)`,
      [dl.streamId, dl.fromSeq, dl.toSeq, dl.error, dl.at],
      'storing a dead letter',
    );
  }

  async deadLetters(id: string, limit: number): Promise<DeadLetter[]> {
    const r = await run<DeadRow>(
      this.pool,
      `SELECT ${DEAD_COLS} FROM outbound_dead_letters WHERE stream_id = $1
       ORDER BY from_seq DESC LIMIT $2`,
      [id, limit],
      'reading dead letters',
    );
    return r.rows.map(toDeadLetter);
  }

  async deadLetterCount(id: string): Promise<number> {
    const r = await run<{ n: string }>(
      this.pool,
      'SELECT count(*) AS n FROM outbound_dead_letters WHERE stream_id = $1',
      [id],
      'counting dead letters',
    );
    return Number(r.rows[0]?.n ?? 0);
  }
}

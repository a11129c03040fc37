/** Outbound streams, their cursors and dead letters on SQLite (docs/outbound.md). */
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
import type { Db } from './open-database.js';

export class SqliteOutboundStore implements OutboundStore {
  constructor(private readonly db: Db) {}

  create(rec: OutboundStreamRecord, c: OutboundCursor): Promise<void> {
    this.db
      .prepare(
        `INSERT INTO outbound_streams (${STREAM_COLS}, ${CURSOR_COLS})
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        rec.id,
        rec.tenant,
        rec.name,
        rec.q,
        rec.enabled ? 1 : 0,
        JSON.stringify(rec.destination),
        rec.createdAt,
        rec.updatedAt,
        rec.deletedAt,
        c.afterSeq,
        c.delivered,
        c.lastError,
        c.lastAttemptAt,
        c.failures,
      );
    return Promise.resolve();
  }

  get(id: string): Promise<OutboundStreamRecord | undefined> {
    const row = this.db
      .prepare<[string], StreamRow>(`SELECT ${STREAM_COLS} FROM outbound_streams WHERE id = ?`)
      .get(id);
    return Promise.resolve(row && toStream(row));
  }

  list(tenant?: string): Promise<OutboundStreamRecord[]> {
    const rows = this.db
      .prepare<[string | null, string | null], StreamRow>(
        `SELECT ${STREAM_COLS} FROM outbound_streams
         WHERE deleted_at IS NULL AND (? IS NULL OR tenant = ?) ORDER BY created_at, id`,
      )
      .all(tenant ?? null, tenant ?? null);
    return Promise.resolve(rows.map(toStream));
  }

  update(id: string, p: OutboundStreamPatch): Promise<boolean> {
    const r = this.db
      .prepare(
        `UPDATE outbound_streams SET enabled = coalesce(?, enabled), q = coalesce(?, q),
           destination = coalesce(?, destination), updated_at = ?
         WHERE id = ? AND deleted_at IS NULL`,
      )
      .run(
        p.enabled === undefined ? null : p.enabled ? 1 : 0,
        p.q ?? null,
        p.destination === undefined ? null : JSON.stringify(p.destination),
        p.updatedAt,
        id,
      );
    return Promise.resolve(r.changes > 0);
  }

  delete(id: string, at: string): Promise<boolean> {
    const r = this.db
      .prepare(
        'UPDATE outbound_streams SET deleted_at = ?, enabled = 0 WHERE id = ? AND deleted_at IS NULL',
      )
      .run(at, id);
    return Promise.resolve(r.changes > 0);
  }

  cursor(id: string): Promise<OutboundCursor | undefined> {
    const row = this.db
      .prepare<[string], CursorRow>(`SELECT ${CURSOR_COLS} FROM outbound_streams WHERE id = ?`)
      .get(id);
    return Promise.resolve(row && toCursor(row));
  }

  saveCursor(id: string, c: OutboundCursor): Promise<void> {
    this.db
      .prepare(
        `UPDATE outbound_streams SET after_seq = ?, delivered = ?, last_error = ?,
           last_attempt_at = ?, failures = ? WHERE id = ?`,
      )
      .run(c.afterSeq, c.delivered, c.lastError, c.lastAttemptAt, c.failures, id);
    return Promise.resolve();
  }

  addDeadLetter(dl: DeadLetter): Promise<void> {
    this.db
      .prepare(`INSERT INTO outbound_dead_letters (${DEAD_COLS}) VALUES (?, ?, ?, ?, ?)`)
      .run(dl.streamId, dl.fromSeq, dl.toSeq, dl.error, dl.at);
    return Promise.resolve();
  }

  deadLetters(id: string, limit: number): Promise<DeadLetter[]> {
    const rows = this.db
      .prepare<[string, number], DeadRow>(
        `SELECT ${DEAD_COLS} FROM outbound_dead_letters WHERE stream_id = ?
         ORDER BY from_seq DESC LIMIT ?`,
      )
      .all(id, limit);
    return Promise.resolve(rows.map(toDeadLetter));
  }

  deadLetterCount(id: string): Promise<number> {
    const row = this.db
      .prepare<[string], { n: number }>(
        'SELECT count(*) AS n FROM outbound_dead_letters WHERE stream_id = ?',
      )
      .get(id);
    return Promise.resolve(row?.n ?? 0);
  }
}

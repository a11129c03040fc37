/** Rows of the outbound tables, shared by the SQLite and PostgreSQL adapters. */
import type {
  DeadLetter,
  DestinationConfig,
  OutboundCursor,
  OutboundStreamRecord,
} from '../app/ports.js';

export const STREAM_COLS =
  'id, tenant, name, q, enabled, destination, created_at, updated_at, deleted_at';
export const CURSOR_COLS = 'after_seq, delivered, last_error, last_attempt_at, failures';
export const DEAD_COLS = 'stream_id, from_seq, to_seq, error, at';

export interface StreamRow {
  id: string;
  tenant: string;
  name: string;
  q: string;
  enabled: number | boolean;
  destination: string;
  created_at: string;
  updated_at: string;
  deleted_at: string | null;
}

export interface CursorRow {
  after_seq: number | string;
  delivered: number | string;
  last_error: string | null;
  last_attempt_at: string | null;
  failures: number | string;
}

export interface DeadRow {
  stream_id: string;
  from_seq: number | string;
  to_seq: number | string;
  error: string;
  at: string;
}

export const toStream = (r: StreamRow): OutboundStreamRecord => ({
  id: r.id,
  tenant: r.tenant,
  name: r.name,
  q: r.q,
  enabled: Boolean(r.enabled),
  destination: JSON.parse(r.destination) as DestinationConfig,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  deletedAt: r.deleted_at,
});

export const toCursor = (r: CursorRow): OutboundCursor => ({
  afterSeq: Number(r.after_seq),
  delivered: Number(r.delivered),
  lastError: r.last_error,
  lastAttemptAt: r.last_attempt_at,
  failures: Number(r.failures),
});

export const toDeadLetter = (r: DeadRow): DeadLetter => ({
  streamId: r.stream_id,
  fromSeq: Number(r.from_seq),
  toSeq: Number(r.to_seq),
  error: r.error,
  at: r.at,
});

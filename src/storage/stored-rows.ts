/**
 * Rows as both SQL adapters read them (the tables share column names), mapped to the values
 * of the ports.
 */
import type { ApiKeyRecord, Scope, StoredCheckpoint, StoredRecord } from '../app/ports.js';
import type { StoredEvent } from '../core/event/index.js';

/** The columns an entry is read with (EVENT_COLS). */
export const EVENT_COLS = 'seq, occurred_ms, id, event, salt, leaf_input';

export interface EventRow {
  readonly seq: number;
  readonly occurred_ms: number;
  readonly id: string;
  readonly event: string | null;
  readonly salt: Buffer | null;
  readonly leaf_input: string;
}

export function toRecord(tenant: string, row: EventRow): StoredRecord {
  return {
    tenant,
    seq: row.seq,
    occurredMs: row.occurred_ms,
    id: row.id,
    event: row.event === null ? null : (JSON.parse(row.event) as StoredEvent),
    canonical: row.event,
    salt: row.salt,
    leafInput: row.leaf_input,
  };
}

export interface CheckpointRow {
  readonly size: number;
  readonly root: Buffer;
  readonly note: string;
  readonly created_at: string;
}

export const toCheckpoint = (tenant: string, r: CheckpointRow): StoredCheckpoint => ({
  tenant,
  size: r.size,
  root: r.root,
  note: r.note,
  createdAt: r.created_at,
});

export const KEY_COLS = 'id, tenant, name, scopes, created_at, revoked_at';

export interface KeyRow {
  readonly id: string;
  readonly tenant: string;
  readonly name: string;
  readonly scopes: string;
  readonly created_at: string;
  readonly revoked_at: string | null;
}

export const toKey = (r: KeyRow): ApiKeyRecord => ({
  id: r.id,
  tenant: r.tenant,
  name: r.name,
  scopes: r.scopes.split(',') as Scope[],
  createdAt: r.created_at,
  revokedAt: r.revoked_at,
});

/** Logs that grew past their latest checkpoint: the same SQL on both stores. */
export const UNSIGNED_SQL = `SELECT t.name FROM tenants t
  WHERE t.size > coalesce((SELECT max(c.size) FROM checkpoints c WHERE c.tenant_id = t.tenant_id), 0)
  ORDER BY t.name`;

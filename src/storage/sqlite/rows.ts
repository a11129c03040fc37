/** Mapping between use-case values and SQLite rows. */
import type { StoredRecord } from '../../app/ports.js';
import type { StoredEvent } from '../../core/event/index.js';

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

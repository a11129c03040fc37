/** Mapping between use-case values and SQLite rows. */
import type { AppendInput, StoredRecord } from '../../app/ports.js';
import { timestampMs, type StoredEvent } from '../../core/event/index.js';
import { parseIp } from '../../core/query/ip.js';
import type { AppendRow } from './append-writer.js';

export function toAppendRow({ event, canonical, salt }: AppendInput): AppendRow {
  return {
    receivedAt: event.received_at,
    tenant: event.tenant,
    id: event.id,
    occurredMs: timestampMs(event.occurred_at),
    receivedMs: timestampMs(event.received_at),
    action: event.action,
    actorId: event.actor.id,
    outcome: event.outcome,
    category: event.category,
    severity: event.severity,
    sourceIp: event.source?.ip === undefined ? null : parseIp(event.source.ip),
    canonical,
    // A standalone copy: a view into a larger (pooled) buffer would clone all of it to the writer thread.
    salt: new Uint8Array(salt),
  };
}

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

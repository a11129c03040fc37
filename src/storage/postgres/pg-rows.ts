/** Events flattened into columns for PostgreSQL's unnest(). */
import type { AppendInput } from '../../app/ports.js';
import { timestampMs } from '../../core/event/index.js';
import { parseIp } from '../../core/query/ip.js';

/** The month (UTC) that holds `ms`, as the ms of its first instant: the partition key's unit. */
export function monthStartMs(ms: number): number {
  const d = new Date(ms);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
}

export interface FlatRow {
  readonly tenant: string;
  readonly id: string;
  readonly occurredMs: number;
  readonly receivedMs: number;
  readonly input: AppendInput;
}

export function flatten(batch: readonly AppendInput[]): FlatRow[] {
  let receivedAt = '';
  let receivedMs = 0;
  return batch.map((input) => {
    const e = input.event;
    if (e.received_at !== receivedAt)
      [receivedAt, receivedMs] = [e.received_at, timestampMs(e.received_at)];
    return {
      tenant: e.tenant,
      id: e.id,
      occurredMs: timestampMs(e.occurred_at),
      receivedMs,
      input,
    };
  });
}

/** Column arrays for `INSERT INTO events SELECT * FROM unnest(...)`, in table column order. */
export function eventColumns(
  rows: readonly { row: FlatRow; tenantId: number; seq: number }[],
): unknown[] {
  const cols: unknown[][] = Array.from({ length: 14 }, () => new Array<unknown>(rows.length));
  rows.forEach(({ row, tenantId, seq }, i) => {
    const { event: e, commitment: c } = row.input;
    const ip = e.source?.ip === undefined ? null : parseIp(e.source.ip);
    const values = [
      tenantId,
      seq,
      row.id,
      row.occurredMs,
      row.receivedMs,
      e.action,
      e.actor.id,
      e.outcome,
      e.category,
      e.severity,
      ip === null ? null : Buffer.from(ip),
      c.canonical,
      c.salt,
      c.leafInput,
    ];
    values.forEach((v, k) => (cols[k]![i] = v));
  });
  return cols;
}

/** The 14 event columns as parameters $4–$17 of veritrail_append. */
export const EVENT_ARGS = `$4::int[], $5::bigint[], $6::text[], $7::bigint[], $8::bigint[],
  $9::text[], $10::text[], $11::text[], $12::text[], $13::text[], $14::bytea[], $15::text[],
  $16::bytea[], $17::text[]`;

export const EVENT_UNNEST = `unnest($1::int[], $2::bigint[], $3::text[], $4::bigint[], $5::bigint[],
  $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::bytea[], $12::text[],
  $13::bytea[], $14::text[])`;

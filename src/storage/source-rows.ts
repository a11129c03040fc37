/** Rows of `sources` and `source_gaps`, shared by the SQLite and PostgreSQL adapters. */
import type { SourceGap, SourceRecord } from '../app/ports.js';

/** PostgreSQL returns bigint as a string; SQLite as a number. */
type Num = number | string;
type NullableNum = Num | null;

export interface SourceRow {
  tenant: string;
  service: string;
  first_event_ms: NullableNum;
  last_event_ms: NullableNum;
  first_received_ms: NullableNum;
  last_received_ms: NullableNum;
  count: Num;
  last_observer_seq: NullableNum;
  expected_every_ms: NullableNum;
}

export interface GapRow {
  tenant: string;
  service: string;
  from_seq: Num;
  to_seq: Num;
  detected_ms: Num;
  event_id: string;
}

export const SOURCE_COLS =
  'tenant, service, first_event_ms, last_event_ms, first_received_ms, last_received_ms, count, last_observer_seq, expected_every_ms';
/** The observed columns: what saveObserved writes (never expected_every_ms). */
export const OBSERVED_COLS = [
  'first_event_ms',
  'last_event_ms',
  'first_received_ms',
  'last_received_ms',
  'count',
  'last_observer_seq',
] as const;
export const GAP_COLS = 'tenant, service, from_seq, to_seq, detected_ms, event_id';

const num = (v: NullableNum): number | null => (v === null ? null : Number(v));

export function toSource(r: SourceRow): SourceRecord {
  return {
    tenant: r.tenant,
    service: r.service,
    firstEventMs: num(r.first_event_ms),
    lastEventMs: num(r.last_event_ms),
    firstReceivedMs: num(r.first_received_ms),
    lastReceivedMs: num(r.last_received_ms),
    count: Number(r.count),
    lastObserverSeq: num(r.last_observer_seq),
    expectedEveryMs: num(r.expected_every_ms),
  };
}

/** tenant, service, then the OBSERVED_COLS in order. */
export const observedValues = (s: SourceRecord): unknown[] => [
  s.tenant,
  s.service,
  s.firstEventMs,
  s.lastEventMs,
  s.firstReceivedMs,
  s.lastReceivedMs,
  s.count,
  s.lastObserverSeq,
];

export const gapValues = (g: SourceGap): unknown[] => [
  g.tenant,
  g.service,
  g.fromSeq,
  g.toSeq,
  g.detectedMs,
  g.eventId,
];

export const toGap = (r: GapRow): SourceGap => ({
  tenant: r.tenant,
  service: r.service,
  fromSeq: Number(r.from_seq),
  toSeq: Number(r.to_seq),
  detectedMs: Number(r.detected_ms),
  eventId: r.event_id,
});

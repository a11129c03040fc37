/** Rows of the alert tables, shared by the SQLite and PostgreSQL adapters. */
import type { AlertRecord, AlertStatus, AlertStatusChange } from '../app/ports.js';
import type { Severity } from '../core/detect/types.js';

export const ALERT_COLS =
  'id, tenant, rule_id, rule_title, severity, group_key, status, first_seen_ms, last_seen_ms, count, event_ids, summary, context, history, revision, created_at, updated_at';

export interface AlertRow {
  id: string;
  tenant: string;
  rule_id: string;
  rule_title: string;
  severity: string;
  group_key: string;
  status: string;
  first_seen_ms: number | string;
  last_seen_ms: number | string;
  count: number | string;
  event_ids: string;
  summary: string;
  context: string;
  history: string;
  revision: number | string;
  created_at: string;
  updated_at: string;
}

/** Column values in ALERT_COLS order. */
export const alertValues = (a: AlertRecord): unknown[] => [
  a.id,
  a.tenant,
  a.ruleId,
  a.ruleTitle,
  a.severity,
  a.groupKey,
  a.status,
  a.firstSeenMs,
  a.lastSeenMs,
  a.count,
  JSON.stringify(a.eventIds),
  a.summary,
  JSON.stringify(a.context),
  JSON.stringify(a.history),
  a.revision,
  a.createdAt,
  a.updatedAt,
];

export const toAlert = (r: AlertRow): AlertRecord => ({
  id: r.id,
  tenant: r.tenant,
  ruleId: r.rule_id,
  ruleTitle: r.rule_title,
  severity: r.severity as Severity,
  groupKey: r.group_key,
  status: r.status as AlertStatus,
  firstSeenMs: Number(r.first_seen_ms),
  lastSeenMs: Number(r.last_seen_ms),
  count: Number(r.count),
  eventIds: JSON.parse(r.event_ids) as string[],
  summary: r.summary,
  context: JSON.parse(r.context) as Record<string, unknown>,
  history: JSON.parse(r.history) as AlertStatusChange[],
  revision: Number(r.revision),
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

/** The SET list of an update (every column but id and tenant), for `?` or `$n` placeholders. */
export const ALERT_SET_COLS = ALERT_COLS.split(', ').slice(2);

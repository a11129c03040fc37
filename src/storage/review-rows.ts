/** Rows of `review_tasks` and `reviews`, shared by the SQLite and PostgreSQL adapters. */
import type { ReviewDecision, ReviewRecord, ReviewTaskRecord } from '../app/ports.js';

type Num = number | string;

export interface TaskRow {
  id: string;
  tenant: string;
  name: string;
  scope: string;
  period_ms: Num;
  every_ms: Num;
  assignee: string;
  starts_ms: Num;
  opened: Num;
  created_at: string;
  created_by: string;
}

export interface ReviewRow {
  id: string;
  task_id: string;
  tenant: string;
  name: string;
  from_ms: Num;
  to_ms: Num;
  packet: string;
  created_at: string;
  decision: string | null;
  note: string | null;
  signed_by: string | null;
  signed_at: string | null;
}

export const TASK_COLS =
  'id, tenant, name, scope, period_ms, every_ms, assignee, starts_ms, opened, created_at, created_by';
export const REVIEW_COLS =
  'id, task_id, tenant, name, from_ms, to_ms, packet, created_at, decision, note, signed_by, signed_at';
/** The columns a new review is inserted with (the sign-off comes later). */
export const REVIEW_INSERT_COLS = 'id, task_id, tenant, name, from_ms, to_ms, packet, created_at';

export const taskValues = (t: ReviewTaskRecord): unknown[] => [
  t.id,
  t.tenant,
  t.name,
  t.scope,
  t.periodMs,
  t.everyMs,
  t.assignee,
  t.startsMs,
  t.opened,
  t.createdAt,
  t.createdBy,
];

export const toTask = (r: TaskRow): ReviewTaskRecord => ({
  id: r.id,
  tenant: r.tenant,
  name: r.name,
  scope: r.scope,
  periodMs: Number(r.period_ms),
  everyMs: Number(r.every_ms),
  assignee: r.assignee,
  startsMs: Number(r.starts_ms),
  opened: Number(r.opened),
  createdAt: r.created_at,
  createdBy: r.created_by,
});

export const reviewValues = (v: ReviewRecord): unknown[] => [
  v.id,
  v.taskId,
  v.tenant,
  v.name,
  v.fromMs,
  v.toMs,
  JSON.stringify(v.packet),
  v.createdAt,
];

export const toReview = (r: ReviewRow): ReviewRecord => ({
  id: r.id,
  taskId: r.task_id,
  tenant: r.tenant,
  name: r.name,
  fromMs: Number(r.from_ms),
  toMs: Number(r.to_ms),
  packet: JSON.parse(r.packet) as Record<string, unknown>,
  createdAt: r.created_at,
  signOff:
    r.decision === null
      ? null
      : {
          decision: r.decision as ReviewDecision,
          note: r.note ?? '',
          by: r.signed_by ?? '',
          at: r.signed_at ?? '',
        },
});

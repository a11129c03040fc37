/**
 * Reviews (docs/reviews.md; ARCHITECTURE §6; PCI DSS 10.4, SOC 2 CC7.2, HIPAA 164.308): review
 * tasks open one review per period with its packet (the events in scope and the alerts raised
 * in the period); a reviewer signs it off with a decision and a note, appended to the tenant's
 * log as `review.signed_off` so that reports list it under "Reviews performed". Task
 * definitions and sign-offs come from API callers and are untrusted.
 */
import { v7 as uuidv7 } from 'uuid';
import { VeritrailError } from '../core/errors.js';
import { LIMITS, type StoredEvent } from '../core/event/index.js';
import { parseQuery } from '../core/query/index.js';
import type { AuditTrail } from './audit-trail.js';
import type { Ingest } from './ingest.js';
import {
  REVIEW_DECISIONS,
  SCOPES,
  type Clock,
  type ReviewDecision,
  type ReviewRecord,
  type ReviewStore,
  type ReviewTaskRecord,
  type Scope,
} from './ports.js';
import { authorize, principalId, type Principal } from './principal.js';

const DAY = 86_400_000;
export const MAX_REVIEW_NOTE = 4000;
export const MAX_REVIEW_LIMIT = 500;

const bad = (field: string, message: string) =>
  new VeritrailError('validation_failed', `${field}: ${message}`, [{ path: field, message }]);

/** `1d`, `7d`, `2w`, `12h` as ms (1 hour to 366 days). */
export function parseInterval(field: string, v: unknown): number {
  const m = typeof v === 'string' ? /^(\d{1,4})([hdw])$/.exec(v) : null;
  if (!m) throw bad(field, 'must be a duration like 12h, 7d or 2w');
  const ms = Number(m[1]) * { h: 3_600_000, d: DAY, w: 7 * DAY }[m[2] as 'h' | 'd' | 'w'];
  if (ms < 3_600_000 || ms > 366 * DAY) throw bad(field, 'must be from 1h to 366d');
  return ms;
}

const fmt = (ms: number) =>
  ms % (7 * DAY) === 0
    ? `${ms / (7 * DAY)}w`
    : ms % DAY === 0
      ? `${ms / DAY}d`
      : `${ms / 3_600_000}h`;

export function taskView(t: ReviewTaskRecord) {
  return {
    id: t.id,
    tenant: t.tenant,
    name: t.name,
    scope: t.scope,
    period: fmt(t.periodMs),
    every: fmt(t.everyMs),
    assignee: t.assignee,
    starts: new Date(t.startsMs).toISOString(),
    next_due: new Date(t.startsMs + (t.opened + 1) * t.everyMs).toISOString(),
    created_at: t.createdAt,
    created_by: t.createdBy,
  };
}

export function reviewView(r: ReviewRecord, withPacket: boolean) {
  return {
    id: r.id,
    task_id: r.taskId,
    tenant: r.tenant,
    name: r.name,
    from: new Date(r.fromMs).toISOString(),
    to: new Date(r.toMs).toISOString(),
    status: r.signOff === null ? 'open' : 'signed_off',
    created_at: r.createdAt,
    sign_off: r.signOff,
    ...(withPacket ? { packet: r.packet } : {}),
  };
}

function object(body: unknown, allowed: readonly string[]): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw bad('(body)', 'must be a JSON object');
  const o = body as Record<string, unknown>;
  for (const k of Object.keys(o))
    if (!allowed.includes(k)) throw bad(k, `unknown field (allowed: ${allowed.join(', ')})`);
  return o;
}

const str = (o: Record<string, unknown>, field: string, max: number, required = true) => {
  const v = o[field];
  if (v === undefined && !required) return undefined;
  if (typeof v !== 'string' || (required && v.length === 0))
    throw bad(field, required ? 'is required: a non-empty string' : 'must be a string');
  if (v.length > max) throw bad(field, `must be at most ${max} characters`);
  return v;
};

/** The task a POST body describes (without id, creator and times). */
export function parseTask(body: unknown) {
  const o = object(body, ['name', 'scope', 'period', 'every', 'assignee', 'starts']);
  const name = str(o, 'name', 64)!;
  if (!/^[A-Za-z0-9][A-Za-z0-9 ._-]*$/.test(name))
    throw bad(
      'name',
      'letters, digits, space, dot, dash and underscore, starting with a letter or digit',
    );
  const scope = str(o, 'scope', 2000, false) ?? '';
  parseQuery(scope); // refused with the query's own error (code invalid_query, column)
  const periodMs = parseInterval('period', o.period);
  const everyMs = o.every === undefined ? periodMs : parseInterval('every', o.every);
  const assignee = str(o, 'assignee', 64)!;
  const starts = str(o, 'starts', 10, false);
  let startsMs: number | undefined;
  if (starts !== undefined) {
    startsMs = /^\d{4}-\d{2}-\d{2}$/.test(starts) ? Date.parse(`${starts}T00:00:00Z`) : NaN;
    if (Number.isNaN(startsMs)) throw bad('starts', 'must be a YYYY-MM-DD date');
  }
  return { name, scope, periodMs, everyMs, assignee, startsMs };
}

export function parseSignOff(body: unknown): { decision: ReviewDecision; note: string } {
  const o = object(body, ['decision', 'note']);
  if (
    typeof o.decision !== 'string' ||
    !(REVIEW_DECISIONS as readonly string[]).includes(o.decision)
  )
    throw bad('decision', `is required: one of ${REVIEW_DECISIONS.join(', ')}`);
  const note = str(o, 'note', MAX_REVIEW_NOTE)!;
  return { decision: o.decision as ReviewDecision, note };
}

/** The scope a signer needs: the assignee when it names one, else read. */
const signScope = (assignee: string): Scope =>
  (SCOPES as readonly string[]).includes(assignee) ? (assignee as Scope) : 'read';

const clip = (s: string, max: number) => (s.length > max ? s.slice(0, max) : s);

/** The `review.signed_off` event for the review's tenant log, written by Veritrail itself. */
export function signOffEvent(r: ReviewRecord, p: Principal): StoredEvent {
  const s = r.signOff!;
  const counts = r.packet as { events?: unknown; alerts?: unknown };
  return {
    id: uuidv7(),
    tenant: r.tenant,
    action: 'review.signed_off',
    category: 'audit',
    outcome: s.decision === 'rejected' ? 'failure' : 'success',
    severity: s.decision === 'approved' ? 'info' : 'medium',
    actor: { id: clip(s.by, LIMITS.idLength), type: p.kind === 'admin' ? 'system' : 'api_key' },
    targets: [{ id: r.id, type: 'review', name: clip(r.name, LIMITS.textLength) }],
    observer: { service: 'veritrail' },
    occurred_at: s.at,
    received_at: s.at,
    reason: clip(s.note, LIMITS.textLength),
    metadata: {
      task: r.taskId,
      review: r.id,
      name: r.name,
      decision: s.decision,
      period_from: new Date(r.fromMs).toISOString(),
      period_to: new Date(r.toMs).toISOString(),
      events_in_scope: typeof counts.events === 'number' ? counts.events : null,
      alerts_in_period: typeof counts.alerts === 'number' ? counts.alerts : null,
    },
  };
}

const reviewId = /^rv_[0-9a-f]{32}$/;

export class Reviews {
  constructor(
    private readonly store: ReviewStore,
    private readonly audit: AuditTrail,
    private readonly ingest: Pick<Ingest, 'append'>,
    private readonly clock: Clock,
  ) {}

  async createTask(p: Principal, tenant: string, body: unknown) {
    const t = parseTask(body);
    authorize(p, tenant, 'admin');
    if ((await this.store.tasks(tenant)).some((x) => x.name === t.name))
      throw new VeritrailError('conflict', `a review task named ${t.name} exists already`);
    const now = this.clock.now();
    const rec: ReviewTaskRecord = {
      id: `rt_${uuidv7().replace(/-/g, '')}`,
      tenant,
      name: t.name,
      scope: t.scope,
      periodMs: t.periodMs,
      everyMs: t.everyMs,
      assignee: t.assignee,
      startsMs: t.startsMs ?? Math.floor(now.getTime() / DAY) * DAY,
      opened: 0,
      createdAt: now.toISOString(),
      createdBy: principalId(p),
    };
    await this.store.createTask(rec);
    await this.audit.record(p, 'admin.review_task_create', tenant, { id: rec.id, name: rec.name });
    return taskView(rec);
  }

  async tasks(p: Principal, tenant: string) {
    authorize(p, tenant, 'read');
    return (await this.store.tasks(tenant)).map(taskView);
  }

  async list(p: Principal, tenant: string, status?: string, limit = 100) {
    if (status !== undefined && status !== 'open' && status !== 'signed_off')
      throw bad('status', 'must be open or signed_off');
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_REVIEW_LIMIT)
      throw bad('limit', `must be an integer from 1 to ${MAX_REVIEW_LIMIT}`);
    authorize(p, tenant, 'read');
    await this.audit.record(p, 'audit.reviews', tenant, { status: status ?? null });
    return (await this.store.list(tenant, status, limit)).map((r) => reviewView(r, false));
  }

  /** A review the principal may see; a key never learns that another tenant's review exists. */
  private async visible(p: Principal, id: string, scope: Scope): Promise<ReviewRecord> {
    const r = reviewId.test(id) ? await this.store.get(id) : undefined;
    if (!r || (p.kind === 'key' && p.tenant !== r.tenant))
      throw new VeritrailError('not_found', `no review with id ${id}`);
    authorize(p, r.tenant, scope);
    return r;
  }

  async get(p: Principal, id: string) {
    const r = await this.visible(p, id, 'read');
    await this.audit.record(p, 'audit.review_read', r.tenant, { id });
    return reviewView(r, true);
  }

  /** Signs off an open review, once; appended to the tenant's log as `review.signed_off`. */
  async signOff(p: Principal, id: string, body: unknown) {
    const { decision, note } = parseSignOff(body);
    const r = await this.visible(p, id, 'read');
    const task = (await this.store.tasks(r.tenant)).find((t) => t.id === r.taskId);
    authorize(p, r.tenant, signScope(task?.assignee ?? 'read'));
    const signOff = { decision, note, by: principalId(p), at: this.clock.now().toISOString() };
    if (!(await this.store.signOff(id, signOff)))
      throw new VeritrailError('conflict', `review ${id} is signed off already`);
    const signed: ReviewRecord = { ...r, signOff };
    await this.ingest.append([signOffEvent(signed, p)]);
    return reviewView(signed, false);
  }
}

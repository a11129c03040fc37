/**
 * Alerts (docs/api.md "Alerts and rules"): listing and reading them (audited like searches),
 * and their status changes (acknowledge, resolve, reopen), each appended to the tenant's own
 * log as an `alert.*` event. Detection (detection.ts) raises and updates them.
 */
import { v7 as uuidv7 } from 'uuid';
import type { Severity } from '../core/detect/types.js';
import { VeritrailError } from '../core/errors.js';
import {
  isRfc3339,
  LIMITS,
  SEVERITIES,
  timestampMs,
  type StoredEvent,
} from '../core/event/index.js';
import type { AuditTrail } from './audit-trail.js';
import type { Ingest } from './ingest.js';
import {
  ALERT_STATUSES,
  type AlertRecord,
  type AlertStatus,
  type AlertStore,
  type Clock,
} from './ports.js';
import { authorize, principalId, type Principal } from './principal.js';

export const MAX_ALERT_EVENT_IDS = 100;
export const DEFAULT_ALERT_LIMIT = 50;
export const MAX_ALERT_LIMIT = 500;
export const MAX_NOTE_LENGTH = 1000;

export type AlertAction =
  'alert.raised' | 'alert.acknowledged' | 'alert.resolved' | 'alert.reopened';

/**
 * The event ids kept on an alert: every one while they fit, then the oldest half and the newest
 * half of the cap (the first events say how it started, the last ones that it goes on).
 */
export function mergeEventIds(
  kept: readonly string[],
  added: readonly string[],
  cap = MAX_ALERT_EVENT_IDS,
): string[] {
  const seen = new Set(kept);
  const all = [...kept];
  for (const id of added) {
    if (seen.has(id)) continue;
    seen.add(id);
    all.push(id);
  }
  if (all.length <= cap) return all;
  const head = Math.ceil(cap / 2);
  return [...all.slice(0, head), ...all.slice(all.length - (cap - head))];
}

/** The alert as the API returns it. */
export function alertView(a: AlertRecord) {
  return {
    id: a.id,
    tenant: a.tenant,
    rule_id: a.ruleId,
    rule_title: a.ruleTitle,
    severity: a.severity,
    group_key: a.groupKey,
    status: a.status,
    first_seen: new Date(a.firstSeenMs).toISOString(),
    last_seen: new Date(a.lastSeenMs).toISOString(),
    count: a.count,
    event_ids: a.eventIds,
    summary: a.summary,
    context: a.context,
    created_at: a.createdAt,
    updated_at: a.updatedAt,
    history: a.history,
  };
}
export type AlertView = ReturnType<typeof alertView>;

/** Event ids in an event's metadata, kept under a third of its size limit. */
function boundedIds(ids: readonly string[]): { event_ids: string[]; event_ids_truncated?: true } {
  const out: string[] = [];
  let bytes = 0;
  for (const id of ids) {
    bytes += Buffer.byteLength(id) + 3;
    if (bytes > LIMITS.metadataBytes / 3) return { event_ids: out, event_ids_truncated: true };
    out.push(id);
  }
  return { event_ids: out };
}

const clip = (s: string, max: number) => (s.length > max ? s.slice(0, max) : s);

/** An `alert.*` event for the alert's tenant log, written by Veritrail itself. */
export function alertEvent(
  a: AlertRecord,
  action: AlertAction,
  actor: { readonly id: string; readonly type: 'system' | 'api_key' },
  at: string,
  extra: { readonly note?: string | null; readonly from?: AlertStatus } = {},
): StoredEvent {
  const raised = action === 'alert.raised';
  return {
    id: uuidv7(),
    tenant: a.tenant,
    action,
    category: 'audit',
    outcome: 'success',
    severity: a.severity,
    actor: { id: clip(actor.id, LIMITS.idLength), type: actor.type },
    targets: [{ id: a.id, type: 'alert' }],
    observer: { service: 'veritrail' },
    occurred_at: at,
    received_at: at,
    ...(raised
      ? { reason: clip(a.summary, LIMITS.textLength) }
      : extra.note
        ? { reason: clip(extra.note, LIMITS.textLength) }
        : {}),
    metadata: {
      rule: a.ruleId,
      rule_title: clip(a.ruleTitle, 512),
      severity: a.severity,
      group_key: clip(a.groupKey, 1024),
      count: a.count,
      ...(raised ? boundedIds(a.eventIds) : { from: extra.from ?? null, status: a.status }),
    },
  };
}

export interface AlertListRequest {
  readonly tenant: string;
  readonly status?: string;
  readonly severity?: string;
  readonly rule?: string;
  /** RFC 3339, YYYY-MM-DD, or a duration back from now (`30d`, `12h`, `15m`). */
  readonly since?: string;
  readonly limit?: number;
  readonly cursor?: string;
}

const bad = (field: string, message: string) =>
  new VeritrailError('validation_failed', `${field}: ${message}`, [{ path: field, message }]);

const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;

/** `since` as ms since the epoch: an instant, a date, or a duration back from `now`. */
export function parseSince(field: string, v: string, now: number): number {
  const d = /^(\d{1,6})([smhdw])$/.exec(v);
  if (d) return now - Number(d[1]) * UNIT_MS[d[2] as keyof typeof UNIT_MS];
  const s = /^\d{4}-\d{2}-\d{2}$/.test(v) ? `${v}T00:00:00Z` : v;
  if (!isRfc3339(s))
    throw bad(field, 'must be an RFC 3339 date-time, a YYYY-MM-DD date or a duration like 30d');
  return timestampMs(s);
}

export const encodeAlertCursor = (id: string) => Buffer.from(`a1:${id}`).toString('base64url');

function decodeAlertCursor(c: string): string {
  const m = /^a1:(al_[0-9a-f]{32})$/.exec(Buffer.from(c, 'base64url').toString());
  if (!m) throw bad('cursor', 'is not a cursor returned by this API');
  return m[1]!;
}

function oneOf<T extends string>(field: string, v: string | undefined, allowed: readonly T[]) {
  if (v === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(v))
    throw bad(field, `must be one of ${allowed.join(', ')}`);
  return v as T;
}

/** What a change of status is called in the log, or why it is refused. */
function transitionOf(from: AlertStatus, to: AlertStatus, id: string): AlertAction {
  if (from === to) throw new VeritrailError('conflict', `alert ${id} is already ${to}`);
  if (to === 'acknowledged' && from === 'resolved')
    throw new VeritrailError(
      'conflict',
      `alert ${id} is resolved: reopen it (status open) before acknowledging it`,
    );
  return to === 'open'
    ? 'alert.reopened'
    : to === 'resolved'
      ? 'alert.resolved'
      : 'alert.acknowledged';
}

export class Alerts {
  constructor(
    private readonly store: AlertStore,
    private readonly audit: AuditTrail,
    private readonly ingest: Pick<Ingest, 'append'>,
    private readonly clock: Clock,
  ) {}

  async list(p: Principal, req: AlertListRequest) {
    const limit = req.limit ?? DEFAULT_ALERT_LIMIT;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_ALERT_LIMIT)
      throw bad('limit', `must be an integer from 1 to ${MAX_ALERT_LIMIT}`);
    const status = oneOf('status', req.status, ALERT_STATUSES);
    const severity = oneOf<Severity>('severity', req.severity, SEVERITIES);
    if (req.rule !== undefined && (req.rule.length === 0 || req.rule.length > 256))
      throw bad('rule', 'must be a rule id of 1 to 256 characters');
    const sinceMs =
      req.since === undefined
        ? undefined
        : parseSince('since', req.since, this.clock.now().getTime());
    const beforeId = req.cursor === undefined ? undefined : decodeAlertCursor(req.cursor);
    authorize(p, req.tenant, 'read');
    await this.audit.record(p, 'audit.alerts', req.tenant, {
      status: status ?? null,
      severity: severity ?? null,
      rule: req.rule ?? null,
      since: req.since ?? null,
      limit,
    });
    const rows = await this.store.list({
      tenant: req.tenant,
      limit: limit + 1,
      ...(status === undefined ? {} : { status }),
      ...(severity === undefined ? {} : { severity }),
      ...(req.rule === undefined ? {} : { ruleId: req.rule }),
      ...(sinceMs === undefined ? {} : { sinceMs }),
      ...(beforeId === undefined ? {} : { beforeId }),
    });
    const page = rows.slice(0, limit);
    return {
      alerts: page.map(alertView),
      next_cursor: rows.length > limit ? encodeAlertCursor(page.at(-1)!.id) : null,
    };
  }

  /** An alert the principal may see; a key never learns that another tenant's alert exists. */
  private async visible(p: Principal, id: string, scope: 'read' | 'admin'): Promise<AlertRecord> {
    const a = /^al_[0-9a-f]{32}$/.test(id) ? await this.store.get(id) : undefined;
    if (!a || (p.kind === 'key' && p.tenant !== a.tenant))
      throw new VeritrailError('not_found', `no alert with id ${id}`);
    authorize(p, a.tenant, scope);
    return a;
  }

  async get(p: Principal, id: string): Promise<AlertRecord> {
    const a = await this.visible(p, id, 'read');
    await this.audit.record(p, 'audit.alert_read', a.tenant, { id });
    return a;
  }

  /** PATCH: `{status: open|acknowledged|resolved, note?}`; resolved → open is a reopen. */
  async setStatus(p: Principal, id: string, body: unknown): Promise<AlertRecord> {
    const { status, note } = parseStatusChange(body);
    for (let attempt = 0; ; attempt++) {
      const a = await this.visible(p, id, 'admin');
      const action = transitionOf(a.status, status, id);
      const at = this.clock.now().toISOString();
      const next: AlertRecord = {
        ...a,
        status,
        updatedAt: at,
        history: [...a.history, { status, by: principalId(p), at, note }],
        revision: a.revision + 1,
      };
      if (await this.store.update(next)) {
        const actor = {
          id: principalId(p),
          type: p.kind === 'admin' ? 'system' : 'api_key',
        } as const;
        await this.ingest.append([alertEvent(next, action, actor, at, { note, from: a.status })]);
        return next;
      }
      // Detection (or another request) changed it meanwhile: decide again on a fresh read.
      if (attempt >= 4)
        throw new VeritrailError('conflict', `alert ${id} is changing too fast; try again`);
    }
  }
}

export function parseStatusChange(body: unknown): { status: AlertStatus; note: string | null } {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw bad('(body)', 'must be a JSON object {"status": ..., "note": ...}');
  const o = body as Record<string, unknown>;
  for (const k of Object.keys(o))
    if (k !== 'status' && k !== 'note') throw bad(k, 'unknown field (allowed: status, note)');
  if (typeof o.status !== 'string')
    throw bad('status', `is required: one of ${ALERT_STATUSES.join(', ')}`);
  const status = oneOf('status', o.status, ALERT_STATUSES)!;
  if (o.note !== undefined && o.note !== null && typeof o.note !== 'string')
    throw bad('note', 'must be a string');
  const note = typeof o.note === 'string' ? o.note : null;
  if (note !== null && note.length > MAX_NOTE_LENGTH)
    throw bad('note', `must be at most ${MAX_NOTE_LENGTH} characters`);
  return { status, note: note === '' ? null : note };
}

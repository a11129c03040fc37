/**
 * What notifications say about an event (docs/notifications.md): the alert events
 * (`alert.raised`, `alert.acknowledged`, `alert.resolved`, `alert.reopened`) are read from
 * their metadata; any other event becomes one plain line. Untrusted input: metadata was written
 * by the detection service, but a tenant's producers can append events named `alert.*` too, so
 * every value is checked for its type and clipped.
 */
import { SEVERITIES } from '../event/schema.js';
import type { OutboundEvent } from './webhook-payload.js';

export type AlertSeverity = (typeof SEVERITIES)[number];

export interface AlertView {
  /** The part after `alert.`: raised, acknowledged, resolved, reopened. */
  readonly state: string;
  readonly title: string;
  readonly severity: AlertSeverity;
  readonly rule: string;
  readonly summary: string;
  readonly groupKey: string;
  readonly count: number | undefined;
  readonly alertId: string | undefined;
  readonly tenant: string;
  readonly seq: number;
  readonly eventId: string;
  readonly occurredAt: string;
  readonly actor: string;
}

/** Placeholders of the email subject template. */
export const SUBJECT_FIELDS = [
  'title',
  'severity',
  'rule',
  'state',
  'action',
  'tenant',
  'count',
  'group_key',
] as const;

/** No control characters (a header or a chat line must stay one line), at most `max` characters. */
export function clean(v: string, max: number): string {
  const s = v.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
  const chars = [...s];
  return chars.length <= max ? s : `${chars.slice(0, max - 1).join('')}…`;
}

const str = (v: unknown, max: number): string =>
  typeof v === 'string' ? clean(v, max) : typeof v === 'number' ? String(v) : '';

export function alertView(e: OutboundEvent): AlertView | undefined {
  if (!e.action.startsWith('alert.')) return undefined;
  const m = e.metadata ?? {};
  const sev = m['severity'];
  const severity = SEVERITIES.find((s) => s === sev) ?? e.severity;
  const count = m['count'];
  const target = e.targets?.find((t) => t.type === 'alert');
  const alertId = str(m['alert_id'], 200) || (target ? clean(target.id, 200) : '');
  const rule = str(m['rule'], 200);
  return {
    state: clean(e.action.slice('alert.'.length), 60),
    title: str(m['rule_title'], 200) || rule || clean(e.action, 60),
    severity,
    rule,
    summary: str(m['summary'], 1000) || clean(e.reason ?? '', 1000),
    groupKey: str(m['group_key'], 300),
    count:
      typeof count === 'number' && Number.isSafeInteger(count) && count >= 0 ? count : undefined,
    alertId: alertId === '' ? undefined : alertId,
    tenant: e.tenant,
    seq: e.seq,
    eventId: e.id,
    occurredAt: e.occurred_at,
    actor: clean(e.actor.id, 200),
  };
}

/** `<console_url>/alerts/<alert id>`, when both are known. */
export function alertLink(consoleUrl: string | undefined, a: AlertView): string | undefined {
  if (consoleUrl === undefined || a.alertId === undefined) return undefined;
  return `${consoleUrl.replace(/\/+$/, '')}/alerts/${encodeURIComponent(a.alertId)}`;
}

/** One line for an event that is not an alert. */
export function eventLine(e: OutboundEvent): string {
  const reason = e.reason === undefined ? '' : `: ${clean(e.reason, 300)}`;
  return clean(
    `${e.action} by ${e.actor.id} (${e.outcome}, ${e.severity}) in ${e.tenant}, seq ${e.seq}${reason}`,
    1000,
  );
}

const RANK: Record<AlertSeverity, number> = { info: 0, low: 1, medium: 2, high: 3, critical: 4 };

/** The most severe alert of a batch (the first of equals), if any. */
export function mostSevere(alerts: readonly AlertView[]): AlertView | undefined {
  let top: AlertView | undefined;
  for (const a of alerts) if (top === undefined || RANK[a.severity] > RANK[top.severity]) top = a;
  return top;
}

function subjectValues(e: OutboundEvent, a: AlertView | undefined): Record<string, string> {
  return {
    title: a?.title ?? clean(e.action, 100),
    severity: a?.severity ?? e.severity,
    rule: a?.rule ?? '',
    state: a?.state ?? '',
    action: clean(e.action, 100),
    tenant: e.tenant,
    count: a?.count === undefined ? '' : String(a.count),
    group_key: a?.groupKey ?? '',
  };
}

/**
 * The subject from its template (placeholders `{title}`, `{severity}`, … see SUBJECT_FIELDS),
 * for the most severe alert of the batch (else its first event), with `(+N more)` when the
 * batch holds several events. One line, at most 250 characters.
 */
export function renderSubject(template: string, events: readonly OutboundEvent[]): string {
  const first = events[0];
  if (first === undefined) return clean(template, 250);
  const alerts = events.map(alertView).filter((a): a is AlertView => a !== undefined);
  const top = mostSevere(alerts);
  const lead = top === undefined ? first : (events.find((e) => e.seq === top.seq) ?? first);
  const values = subjectValues(lead, top);
  const text = template.replace(/\{([a-z_]+)\}/g, (all, k: string) => values[k] ?? all);
  const more = events.length > 1 ? ` (+${events.length - 1} more)` : '';
  return clean(`${clean(text, 250 - more.length)}${more}`, 250);
}

/**
 * A parsed syslog message → event schema v1 input (docs/sources/syslog.md "Mapping"). Pure.
 * An audit record carries the structured data element `audit@32473` (any SD-ID starting
 * `audit@`); any other message becomes a `syslog.<app>` event. A parameter whose value the
 * schema would refuse is left out of its field (it stays in `raw`): syslog has no way to tell
 * the sender, and dropping the whole message would lose the record.
 */
import type { SEVERITIES } from '../event/schema.js';
import { ACTOR_TYPES, CATEGORIES, OUTCOMES, type EventInput } from '../event/schema.js';
import { LIMITS } from '../event/limits.js';
import { asId, isIp, segment } from '../import/types.js';
import type { SdElement, SyslogMessage } from './syslog.js';

export interface SyslogEventContext {
  readonly tenant: string;
  /** The sender's address (the UDP source or TCP peer). */
  readonly senderIp?: string;
}

type Severity = (typeof SEVERITIES)[number];
type Category = (typeof CATEGORIES)[number];

/** RFC 5424 table 2 → schema severity; the inverse of the syslog destination's mapping. */
export const SEVERITY_OF: readonly Severity[] = [
  'critical', // 0 emergency
  'critical', // 1 alert
  'critical', // 2 critical
  'high', // 3 error
  'medium', // 4 warning
  'low', // 5 notice
  'info', // 6 informational
  'info', // 7 debug
];

/** RFC 5424 table 1: 4 auth, 10 authpriv, 13 log audit. */
const CATEGORY_OF_FACILITY: Partial<Record<number, Category>> = {
  4: 'authentication',
  10: 'authentication',
  13: 'audit',
};

/** Most characters of MSG copied into `reason` (the whole MSG is in `raw.msg`). */
export const REASON_CHARS = 1024;
/** Bounds on what `raw.structured_data` keeps (the schema bounds keys per object). */
const MAX_ELEMENTS = 64;
const MAX_PARAMS = 128;

const ACTION = /^[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_:-]+)+$/;

export function syslogEvent(m: SyslogMessage, ctx: SyslogEventContext): EventInput {
  const audit = m.structuredData?.find((e) => e.id.startsWith('audit@'));
  const param = (name: string): string | undefined => audit?.params.find(([k]) => k === name)?.[1];
  const app = m.appName === null ? undefined : asId(m.appName.slice(0, LIMITS.idLength));
  const fallbackAction = `syslog.${app === undefined ? 'message' : segment(app.toLowerCase())}`;
  const action = oneOf(param('action'), (a) => a.length <= LIMITS.idLength && ACTION.test(a));
  const actorId = asId(param('actor'));
  const targetId = asId(param('target'));
  const targetType = asId(param('target_type'));
  const reason = param('reason') ?? m.msg.trim();
  const requestId = asId(param('request_id'));
  const paramIp = oneOf(param('source_ip'), (v) => v.length <= 64 && isIp(v));
  const ip = paramIp ?? (ctx.senderIp === undefined ? undefined : unmapIpv4(ctx.senderIp));
  const host = m.hostname === null ? undefined : asId(m.hostname);
  const event: EventInput = {
    tenant: ctx.tenant,
    action: action ?? fallbackAction.slice(0, LIMITS.idLength),
    outcome: oneOf(param('outcome')?.toLowerCase(), isIn(OUTCOMES)) ?? 'unknown',
    severity: SEVERITY_OF[m.severity] ?? 'info',
    actor:
      actorId === undefined
        ? { id: app ?? 'unknown', type: 'system' }
        : {
            id: actorId,
            ...optional('type', oneOf(param('actor_type')?.toLowerCase(), isIn(ACTOR_TYPES))),
          },
    observer: { service: app ?? 'syslog', ...(host === undefined ? {} : { host }) },
    raw: rawOf(m),
  };
  const category =
    oneOf(param('category')?.toLowerCase(), isIn(CATEGORIES)) ?? CATEGORY_OF_FACILITY[m.facility];
  if (category !== undefined) event.category = category;
  if (reason !== '') event.reason = clipText(reason, REASON_CHARS);
  if (targetId !== undefined) event.targets = [{ id: targetId, ...optional('type', targetType) }];
  if (ip !== undefined && isIp(ip)) event.source = { ip };
  if (requestId !== undefined) event.correlation = { request_id: requestId };
  if (m.occurredAt !== null) event.occurred_at = m.occurredAt;
  return event;
}

function oneOf<T extends string>(v: string | undefined, ok: (v: string) => v is T): T | undefined;
function oneOf(v: string | undefined, ok: (v: string) => boolean): string | undefined;
function oneOf(v: string | undefined, ok: (v: string) => boolean): string | undefined {
  return v !== undefined && ok(v) ? v : undefined;
}
const isIn =
  <T extends string>(list: readonly T[]) =>
  (v: string): v is T =>
    (list as readonly string[]).includes(v);
const optional = <K extends string, V>(k: K, v: V | undefined): Partial<Record<K, V>> =>
  v === undefined ? {} : ({ [k]: v } as Record<K, V>);

/** `::ffff:10.0.0.1` (an IPv4 peer of a dual-stack socket) → `10.0.0.1`. */
const unmapIpv4 = (ip: string): string => /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip)?.[1] ?? ip;

/** At most `n` UTF-16 units, never splitting a surrogate pair (canonical JSON refuses halves). */
export function clipText(s: string, n: number): string {
  if (s.length <= n) return s;
  const end = /[\uD800-\uDBFF]/.test(s[n - 1] ?? '') ? n - 1 : n;
  return s.slice(0, end);
}

type SdValues = Record<string, string | string[]>;

/**
 * The whole message, for search and for the record: RFC 5424 header fields, the structured
 * data as `{ SD-ID: { PARAM-NAME: value } }` (a repeated name gives a list) and MSG. MSG is cut
 * when the JSON would pass the schema's `raw` limit; `truncated` says so.
 */
export function rawOf(m: SyslogMessage): Record<string, unknown> {
  let truncated = false;
  let sd: Record<string, SdValues> | null = null;
  if (m.structuredData !== null) {
    sd = {};
    for (const el of m.structuredData.slice(0, MAX_ELEMENTS)) addElement(sd, el);
    truncated =
      m.structuredData.length > MAX_ELEMENTS ||
      m.structuredData.some((e) => e.params.length > MAX_PARAMS);
  }
  const raw: Record<string, unknown> = {
    format: m.format,
    facility: m.facility,
    severity: m.severity,
    version: m.version,
    timestamp: m.timestamp,
    hostname: m.hostname,
    app_name: m.appName,
    procid: m.procId,
    msgid: m.msgId,
    structured_data: sd,
    msg: m.msg,
  };
  // Leaves room for `"truncated":true` and for escapes the estimate below does not see.
  const budget = LIMITS.rawBytes - 64;
  for (let i = 0; i < 8; i++) {
    const total = Buffer.byteLength(JSON.stringify(raw));
    if (total <= budget) return truncated ? { ...raw, truncated } : raw;
    truncated = true;
    const msg = raw.msg as string;
    if (msg.length === 0) {
      raw.structured_data = null;
      continue;
    }
    // Keep the share of MSG that fits, assuming its characters cost alike in JSON.
    const msgBytes = Buffer.byteLength(JSON.stringify(msg));
    const allowed = budget - (total - msgBytes);
    const keep = allowed <= 2 ? 0 : Math.floor((msg.length * (allowed - 2)) / msgBytes);
    raw.msg = clipText(msg, Math.min(keep, msg.length - 1));
  }
  raw.structured_data = null;
  raw.msg = '';
  return { ...raw, truncated: true };
}

function addElement(sd: Record<string, SdValues>, el: SdElement): void {
  const values: SdValues = Object.hasOwn(sd, el.id) ? sd[el.id]! : {};
  for (const [k, v] of el.params.slice(0, MAX_PARAMS)) {
    const had = Object.hasOwn(values, k) ? values[k] : undefined;
    if (had === undefined) define(values, k, v);
    else if (Array.isArray(had)) had.push(v);
    else define(values, k, [had, v]);
  }
  define(sd, el.id, values);
}

/** An own property even for `__proto__` (names are the sender's), as JSON.parse makes them. */
const define = (o: object, k: string, value: unknown): void => {
  Object.defineProperty(o, k, { value, enumerable: true, writable: true, configurable: true });
};

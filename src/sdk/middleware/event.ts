/**
 * Builds the audit event of one finished HTTP request (docs/middleware.md "The event").
 * Request data is untrusted; the application's hooks (`action`, `targets`, `actor`, `clientIp`)
 * may throw or return invalid values: each failure is reported and replaced by the default, so
 * a faulty hook costs detail, never the event.
 */
import { LIMITS } from '../../core/event/limits.js';
import {
  actorSchema,
  sourceSchema,
  targetSchema,
  type EventInput,
} from '../../core/event/schema.js';
import { defaultAction, defaultTargets, toId } from './action.js';
import { AuditError } from './audit-error.js';
import type { Actor, AuditOptions, RequestSnapshot, Target } from './core.js';
import { cleanText, toJson, type Json, type KeyMatcher } from './redact.js';

export interface BuildContext<Req> {
  readonly options: AuditOptions<Req>;
  readonly prefix: string;
  readonly redact: KeyMatcher;
  readonly report: (error: AuditError) => void;
}

const ACTION_PATTERN = /^[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_:-]+)+$/;
/** Hooks are the application's code, possibly plain JavaScript: check the type too. */
const isAction = (a: unknown): a is string =>
  typeof a === 'string' && a.length <= LIMITS.idLength && ACTION_PATTERN.test(a);
const targetsSchema = targetSchema.array().max(LIMITS.arrayItems);
const ANONYMOUS: Actor = { id: 'anonymous', type: 'anonymous' };
/** The actor when the resolver failed: not `anonymous`, which would claim to know. */
const UNKNOWN: Actor = { id: 'unknown' };

const STATUS_TEXT: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Content Too Large',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

export async function buildEvent<Req>(
  snap: RequestSnapshot<Req>,
  resolved: Actor | 'failed' | undefined,
  ctx: BuildContext<Req>,
): Promise<EventInput> {
  const { options } = ctx;
  const hook = <T>(name: string, fn: () => T): T | undefined => {
    try {
      return fn();
    } catch (cause) {
      ctx.report(new AuditError('hook_failed', `${name} threw; the default is used`, { cause }));
      return undefined;
    }
  };

  let action: unknown = options.action && hook('action', () => options.action?.(snap));
  if (action !== undefined && !isAction(action)) {
    ctx.report(new AuditError('hook_failed', 'action is not like resource.verb; default used'));
    action = undefined;
  }
  let targets: unknown = options.targets && hook('targets', () => options.targets?.(snap));
  if (targets !== undefined && !targetsSchema.safeParse(targets).success) {
    ctx.report(new AuditError('hook_failed', 'targets are not valid event targets; default used'));
    targets = undefined;
  }
  if (targets === undefined) targets = defaultTargets(snap.route, snap.params, ctx.redact);

  const event: EventInput = {
    action: isAction(action) ? action : defaultAction(snap.method, snap.route, ctx.prefix),
    actor: actorOf(resolved, ctx),
    occurred_at: new Date(validTime(snap.startedAt) ? snap.startedAt : Date.now()).toISOString(),
    ...outcomeOf(snap),
    metadata: await metadataOf(snap, ctx),
  };
  if (Array.isArray(targets) && targets.length > 0) event.targets = targets as Target[];
  const source = sourceOf(snap, ctx, hook);
  if (source !== undefined) event.source = source;
  const requestId = first(snap.headers['x-request-id']) ?? snap.requestId;
  const rid = requestId === undefined ? undefined : toId(requestId);
  if (rid !== undefined) event.correlation = { request_id: rid };
  if (options.tenant !== undefined) event.tenant = options.tenant;
  if (options.observer !== undefined) event.observer = { ...options.observer };
  return event;
}

function actorOf<Req>(resolved: Actor | 'failed' | undefined, ctx: BuildContext<Req>): Actor {
  // Fresh copies: the recorder may keep or change the event it is given.
  if (resolved === undefined || resolved === null) return { ...ANONYMOUS };
  if (resolved === 'failed') return { ...UNKNOWN };
  const r = actorSchema.safeParse(resolved);
  if (r.success) return resolved;
  const where = r.error.issues[0]?.path.join('.') ?? '';
  ctx.report(new AuditError('actor_failed', `actor is not a valid event actor (${where})`));
  return { ...UNKNOWN };
}

/** Years 1970 to 9999: what RFC 3339's four-digit year can write. */
const validTime = (ms: number) => Number.isFinite(ms) && ms >= 0 && ms < 253402300800000;

const first = (v: string | readonly string[] | undefined): string | undefined =>
  typeof v === 'string' ? v : v?.[0];

function outcomeOf(snap: RequestSnapshot<unknown>): Pick<EventInput, 'outcome' | 'reason'> {
  if (snap.aborted)
    return { outcome: 'unknown', reason: 'the client closed the connection before the response' };
  if (snap.status < 400) return { outcome: 'success' };
  const text = STATUS_TEXT[snap.status];
  return { outcome: 'failure', reason: `HTTP ${snap.status}${text ? ` ${text}` : ''}` };
}

/** `::ffff:10.0.0.1` → `10.0.0.1`, `fe80::1%eth0` → `fe80::1`; anything else invalid → none. */
export function normaliseIp(ip: string | undefined): string | undefined {
  if (ip === undefined) return undefined;
  const bare = ip.replace(/%.*$/, '').replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/i, '$1');
  return sourceSchema.shape.ip.safeParse(bare).success ? bare : undefined;
}

function sourceOf<Req>(
  snap: RequestSnapshot<Req>,
  ctx: BuildContext<Req>,
  hook: <T>(name: string, fn: () => T) => T | undefined,
): EventInput['source'] {
  const pick = ctx.options.clientIp;
  const ip = normaliseIp(pick ? hook('clientIp', () => pick(snap.req)) : snap.ip);
  const ua = first(snap.headers['user-agent']);
  const source: NonNullable<EventInput['source']> = {};
  if (ip !== undefined) source.ip = ip;
  if (ua !== undefined && ua !== '') source.user_agent = cleanText(ua, LIMITS.textLength);
  return Object.keys(source).length > 0 ? source : undefined;
}

/** Rounded to the microsecond; never negative or infinite. */
const milliseconds = (ms: number): number => {
  const r = Math.round(ms * 1000) / 1000;
  return Number.isFinite(r) && r > 0 ? r : 0;
};

/** Optional parts, dropped in this order when metadata would exceed its byte limit. */
const DROP_ORDER = ['body', 'headers', 'query', 'params', 'error'] as const;

async function metadataOf<Req>(
  snap: RequestSnapshot<Req>,
  ctx: BuildContext<Req>,
): Promise<Record<string, Json>> {
  const { options, redact } = ctx;
  const part = (name: string, value: unknown): Json => toJson(value, redact, [name], 2);
  const meta: Record<string, Json> = {
    method: cleanText(snap.method, 32),
    route: snap.route === undefined ? null : cleanText(snap.route, 1024),
    status: Number.isInteger(snap.status) ? snap.status : 0,
    duration_ms: milliseconds(snap.durationMs),
  };
  if (snap.route === undefined) meta.path = cleanText(snap.path, 1024);
  if (snap.aborted) meta.aborted = true;
  if (snap.error !== undefined) meta.error = errorOf(snap.error, options.includeErrorMessage);
  if (options.includeParams === true) meta.params = part('params', snap.params);
  if (options.includeQuery === true) meta.query = part('query', snap.query());
  if (options.includeHeaders === true) meta.headers = part('headers', snap.headers);
  if (options.includeBody === true) {
    const body: unknown = await snap.body();
    if (body !== undefined) meta.body = part('body', body);
  }
  const truncated: string[] = [];
  for (const key of DROP_ORDER) {
    if (Buffer.byteLength(JSON.stringify(meta)) <= LIMITS.metadataBytes - 128) break;
    if (key in meta) {
      delete meta[key];
      truncated.push(key);
    }
  }
  if (truncated.length > 0) meta.truncated = truncated;
  return meta;
}

function errorOf(error: unknown, includeMessage: boolean | undefined): Json {
  if (!(error instanceof Error)) return { name: typeof error };
  const name = cleanText(typeof error.name === 'string' ? error.name : 'Error', 128);
  if (includeMessage === false || typeof error.message !== 'string') return { name };
  return { name, message: cleanText(error.message, 512) };
}

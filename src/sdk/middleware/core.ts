/**
 * Framework-neutral part of the HTTP audit middleware (docs/middleware.md). The adapters
 * (express.ts, fastify.ts, hono.ts) hand over a snapshot of a finished request; this module
 * turns it into an event and gives it to the recorder. It never slows or breaks the request:
 * all work happens after the response, off the request path, and every failure (a resolver or
 * hook that throws, an event the schema refuses, a recorder that throws or is full) goes to
 * `onError` and the stats, never to the application.
 */
import { canonicalJson } from '../../core/canonical-json.js';
import {
  eventInputSchema,
  observerSchema,
  TENANT_PATTERN,
  type EventInput,
} from '../../core/event/schema.js';
import { PREFIX_PATTERN } from './action.js';
import { AuditError } from './audit-error.js';
import { buildEvent } from './event.js';
import { keyMatcher, type RedactOption } from './redact.js';

export { AuditError, type AuditErrorCode } from './audit-error.js';
export { DEFAULT_REDACT, REDACTED, type RedactOption } from './redact.js';

/** Where events go. `tryRecord` must not block: it queues the event and returns its id, or
 *  returns undefined when it cannot take it (queue full). The SDK client implements it. */
export interface AuditRecorder {
  tryRecord(event: EventInput): string | undefined;
}

export type Actor = EventInput['actor'];
export type Target = NonNullable<EventInput['targets']>[number];
export type Observer = NonNullable<EventInput['observer']>;

/** What `action` and `targets` overrides see of a finished request. */
export interface AuditContext<Req> {
  /** The framework's request (Express `req`, Fastify `request`, Hono `c`). */
  readonly req: Req;
  /** Upper-case HTTP method. */
  readonly method: string;
  /** Route template as registered (`/users/:id`); undefined when no route matched. */
  readonly route: string | undefined;
  /** Route parameters, decoded by the framework. */
  readonly params: Readonly<Record<string, unknown>>;
  /** Response status (500 when the framework answered a thrown error). */
  readonly status: number;
  /** The error the handler threw, if the adapter saw one. */
  readonly error: unknown;
}

export interface AuditOptions<Req> {
  recorder: AuditRecorder;
  /** Who made the call; undefined → `{ id: 'anonymous', type: 'anonymous' }`. Called after the
   *  response, so anything authentication put on the request is there. */
  actor?: ((req: Req) => Actor | undefined | Promise<Actor | undefined>) | undefined;
  /** Overrides the action derived from the route (must match the schema's action pattern). */
  action?: ((ctx: AuditContext<Req>) => string) | undefined;
  /** First part(s) of derived actions; default `api`; `''` for none. */
  prefix?: string | undefined;
  /** Overrides the targets derived from the route parameters: `[]` for none, undefined for
   *  the default. */
  targets?: ((ctx: AuditContext<Req>) => Target[] | undefined) | undefined;
  /** Record requests that matched no route (as `<prefix>.unmatched.<verb>`); default false. */
  recordUnmatched?: boolean | undefined;
  /** Requests for which no event is made (health checks, metrics). */
  skip?: ((req: Req) => boolean) | undefined;
  tenant?: string | undefined;
  observer?: Observer | undefined;
  /** Client address; default the framework's own (Express `req.ip`, Fastify `request.ip`, which
   *  follow their trust-proxy settings; Hono on Node: the socket's remote address). */
  clientIp?: ((req: Req) => string | undefined) | undefined;
  includeQuery?: boolean | undefined;
  includeParams?: boolean | undefined;
  includeHeaders?: boolean | undefined;
  /** Copy the parsed request body (redacted) into metadata; default false. */
  includeBody?: boolean | undefined;
  /** Copy the thrown error's message into metadata (its name always is); default true. */
  includeErrorMessage?: boolean | undefined;
  redact?: RedactOption | undefined;
  onError?: ((error: AuditError) => void) | undefined;
  /** How long an async `actor` resolver may take before the event is recorded without it. */
  actorTimeoutMs?: number | undefined;
}

/** A request as the adapter saw it when the response was done. Getters are read lazily, once. */
export interface RequestSnapshot<Req> extends AuditContext<Req> {
  /** Raw path without the query; recorded only for unmatched routes. */
  readonly path: string;
  /** `Date.now()` when the request arrived. */
  readonly startedAt: number;
  readonly durationMs: number;
  /** The client went away before the response was complete. */
  readonly aborted: boolean;
  /** The framework's view of the client address (before `clientIp`). */
  readonly ip: string | undefined;
  /** The framework's request id; an `x-request-id` header takes precedence. */
  readonly requestId: string | undefined;
  readonly headers: Readonly<Record<string, string | readonly string[] | undefined>>;
  readonly query: () => unknown;
  readonly body: () => unknown;
}

export interface AuditStats {
  /** Events the recorder accepted. */
  recorded: number;
  /** Events the recorder refused because it was full. */
  dropped: number;
  /** Requests not recorded: `skip` said so, or an unmatched route without `recordUnmatched`. */
  skipped: number;
  /** Failures reported to `onError` other than drops. */
  errors: number;
}

export interface Auditor<Req> {
  readonly stats: Readonly<AuditStats>;
  /** Whether to leave this request alone (the `skip` option; a throwing `skip` means no). */
  skip(req: Req): boolean;
  /** Records the request later, off the request path. Never throws. */
  emit(capture: () => RequestSnapshot<Req>): void;
}

const defer: (fn: () => void) => void =
  typeof setImmediate === 'function' ? (fn) => setImmediate(fn) : (fn) => setTimeout(fn, 0);

/**
 * Checks the options once, at startup (a bad prefix or tenant is the developer's error and
 * throws a TypeError there), and returns the per-request functions.
 */
export function createAuditor<Req>(options: AuditOptions<Req>): Auditor<Req> {
  const prefix = options.prefix ?? 'api';
  if (!PREFIX_PATTERN.test(prefix) || prefix.length > 64)
    throw new TypeError(
      `audit prefix ${JSON.stringify(prefix)} must be dotted [A-Za-z0-9_-] parts`,
    );
  if (options.tenant !== undefined && !TENANT_PATTERN.test(options.tenant))
    throw new TypeError(`audit tenant must match ${String(TENANT_PATTERN)}`);
  if (options.observer !== undefined && !observerSchema.safeParse(options.observer).success)
    throw new TypeError('audit observer must be a valid event observer ({ service, ... })');
  if (typeof options.recorder?.tryRecord !== 'function')
    throw new TypeError('audit recorder must have a tryRecord(event) method');

  const stats: AuditStats = { recorded: 0, dropped: 0, skipped: 0, errors: 0 };
  const redact = keyMatcher(options.redact);
  const report = (error: AuditError) => {
    if (error.code === 'dropped') stats.dropped++;
    else stats.errors++;
    try {
      options.onError?.(error);
    } catch {
      // onError is the application's; its failure must not reach the request either.
    }
  };

  const run = async (capture: () => RequestSnapshot<Req>) => {
    let snap: RequestSnapshot<Req>;
    try {
      snap = capture();
    } catch (cause) {
      report(new AuditError('capture_failed', 'could not read the finished request', { cause }));
      return;
    }
    if (snap.route === undefined && options.recordUnmatched !== true) {
      stats.skipped++;
      return;
    }
    const actor = await resolveActor(options, snap.req, report);
    const event = await buildEvent(snap, actor, { options, prefix, redact, report });
    record(options.recorder, event, stats, report);
  };

  return {
    stats,
    skip(req) {
      if (options.skip === undefined) return false;
      try {
        const skipped = options.skip(req) === true;
        if (skipped) stats.skipped++;
        return skipped;
      } catch (cause) {
        report(new AuditError('hook_failed', 'skip threw; the request is recorded', { cause }));
        return false;
      }
    },
    emit(capture) {
      defer(() => {
        run(capture).catch((cause: unknown) =>
          report(new AuditError('capture_failed', 'unexpected failure', { cause })),
        );
      });
    },
  };
}

async function resolveActor<Req>(
  options: AuditOptions<Req>,
  req: Req,
  report: (e: AuditError) => void,
): Promise<Actor | 'failed' | undefined> {
  if (options.actor === undefined) return undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    const got = options.actor(req);
    if (!isThenable(got)) return got;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), options.actorTimeoutMs ?? 5000);
      timer.unref?.();
    });
    const r = await Promise.race([got, timeout]);
    if (r !== 'timeout') return r;
    report(new AuditError('actor_failed', 'actor resolver timed out'));
    return 'failed';
  } catch (cause) {
    report(new AuditError('actor_failed', 'actor resolver threw', { cause }));
    return 'failed';
  } finally {
    if (timer !== undefined) clearTimeout(timer);
  }
}

const isThenable = <T>(v: T | PromiseLike<T>): v is PromiseLike<T> =>
  typeof (v as { then?: unknown } | undefined)?.then === 'function';

/** The last check before the recorder: only events the server accepts leave the middleware. */
function record(
  recorder: AuditRecorder,
  event: EventInput,
  stats: AuditStats,
  report: (e: AuditError) => void,
): void {
  const parsed = eventInputSchema.safeParse(event);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    const where = first === undefined ? '' : `${first.path.join('.')}: ${first.message}`;
    report(new AuditError('invalid_event', `event refused by the schema (${where})`));
    return;
  }
  try {
    canonicalJson(event);
  } catch (cause) {
    report(new AuditError('invalid_event', 'event is not canonical JSON', { cause }));
    return;
  }
  try {
    const id = recorder.tryRecord(event);
    if (id === undefined) report(new AuditError('dropped', 'recorder full: event dropped'));
    else stats.recorded++;
  } catch (cause) {
    report(new AuditError('recorder_failed', 'recorder threw', { cause }));
  }
}

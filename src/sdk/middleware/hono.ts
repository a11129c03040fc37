/**
 * Hono adapter of the audit middleware (docs/middleware.md "Hono"). Only Hono's types are
 * imported. The resolvers receive the Context `c` (so `c.get('user')` is at hand).
 *
 *   app.use(honoAudit({ recorder: client }));
 */
import type { Context, Env, MiddlewareHandler } from 'hono';
import { createAuditor, type AuditOptions, type AuditStats, type RequestSnapshot } from './core.js';

export type { AuditOptions, AuditRecorder, AuditStats } from './core.js';
export { AuditError, DEFAULT_REDACT, REDACTED } from './core.js';

export type HonoAudit<E extends Env = Env> = MiddlewareHandler<E> & {
  readonly stats: Readonly<AuditStats>;
};

export function honoAudit<E extends Env = Env>(options: AuditOptions<Context<E>>): HonoAudit<E> {
  const auditor = createAuditor(options);
  const middleware: MiddlewareHandler<E> = async (c, next) => {
    if (auditor.skip(c)) return next();
    const startedAt = Date.now();
    const t0 = performance.now();
    try {
      // Hono answers a thrown error itself (its onError, default 500) and sets `c.error`.
      await next();
    } finally {
      const durationMs = performance.now() - t0;
      // The snapshot is read on a later turn, when the response has gone out.
      auditor.emit(() => snapshot(c, middleware, startedAt, durationMs));
    }
  };
  return Object.assign(middleware, { stats: auditor.stats });
}

interface MatchedRoute {
  method: string;
  path: string;
  handler: unknown;
}

/**
 * The route that answered: the handler registered for a method (`app.get(...)`) among the
 * matched routes, else the `all`/`use` one that produced the response, unless that is this
 * middleware itself (no route matched: Hono's 404).
 */
function routeIndex(c: Context, self: unknown): number | undefined {
  const routes = c.req.matchedRoutes as readonly MatchedRoute[];
  const at = routes[c.req.routeIndex];
  if (at !== undefined && at.method !== 'ALL') return c.req.routeIndex;
  const byMethod = routes.findIndex((r) => r.method !== 'ALL');
  if (byMethod >= 0) return byMethod;
  if (at !== undefined && at.handler !== self && c.res.status !== 404) return c.req.routeIndex;
  return undefined;
}

function paramsAt(c: Context, index: number): Record<string, unknown> {
  // `param()` reads the parameters of the route at `routeIndex`: point it at the chosen route.
  const saved = c.req.routeIndex;
  c.req.routeIndex = index;
  try {
    return { ...c.req.param() };
  } finally {
    c.req.routeIndex = saved;
  }
}

function snapshot<E extends Env>(
  c: Context<E>,
  self: unknown,
  startedAt: number,
  durationMs: number,
): RequestSnapshot<Context<E>> {
  const index = routeIndex(c, self);
  const route = index === undefined ? undefined : (c.req.matchedRoutes[index]?.path ?? undefined);
  const vars = c.var as Record<string, unknown>;
  const env = c.env as { incoming?: Incoming; server?: { incoming?: Incoming } } | undefined;
  const incoming = env?.server?.incoming ?? env?.incoming;
  return {
    req: c,
    method: c.req.method,
    route,
    params: index === undefined ? {} : paramsAt(c, index),
    status: c.res.status,
    error: c.error,
    path: c.req.path,
    startedAt,
    durationMs,
    aborted: false,
    ip: incoming?.socket?.remoteAddress,
    requestId: typeof vars.requestId === 'string' ? vars.requestId : undefined,
    headers: c.req.header(),
    query: () => collapse(c.req.queries()),
    body: () => bodyOf(c),
  };
}

/** The Node request that @hono/node-server puts in `c.env`. */
interface Incoming {
  socket?: { remoteAddress?: string };
}

const collapse = (q: Record<string, string[]>): Record<string, string | string[]> =>
  Object.fromEntries(Object.entries(q).map(([k, v]) => [k, v.length === 1 ? (v[0] ?? '') : v]));

/** The body only if the application read it (Hono caches it); never read here. */
async function bodyOf(c: Context): Promise<unknown> {
  const cache = c.req.bodyCache as Record<string, Promise<unknown> | undefined>;
  if (cache.parsedBody !== undefined) return cache.parsedBody;
  if (cache.json !== undefined) return cache.json;
  if (cache.text === undefined) return undefined;
  const text = await cache.text;
  if (typeof text !== 'string') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

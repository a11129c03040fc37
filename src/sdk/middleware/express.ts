/**
 * Express 5 adapter of the audit middleware (docs/middleware.md "Express"). Only Express's
 * types are imported: this module loads without Express installed.
 *
 *   app.use(audit);                 // before the routes
 *   app.use(audit.captureErrors);   // optional, after the routes: records thrown errors
 */
import type { ErrorRequestHandler, Request, RequestHandler, Response } from 'express';
import { parseTemplate } from './action.js';
import { createAuditor, type AuditOptions, type AuditStats, type RequestSnapshot } from './core.js';

export type { AuditOptions, AuditRecorder, AuditStats } from './core.js';
export { AuditError, DEFAULT_REDACT, REDACTED } from './core.js';

export interface ExpressAudit extends RequestHandler {
  readonly stats: Readonly<AuditStats>;
  /** Error middleware that notes the error for the event and passes it on unchanged. */
  readonly captureErrors: ErrorRequestHandler;
}

export function expressAudit(options: AuditOptions<Request>): ExpressAudit {
  const auditor = createAuditor(options);
  const errors = new WeakMap<Request, unknown>();

  const handler: RequestHandler = (req, res, next) => {
    if (auditor.skip(req)) {
      next();
      return;
    }
    const startedAt = Date.now();
    const t0 = performance.now();
    let done = false;
    const finish = (aborted: boolean) => {
      if (done) return;
      done = true;
      const durationMs = performance.now() - t0;
      auditor.emit(() =>
        snapshot(req, res, { startedAt, durationMs, aborted, error: errors.get(req) }),
      );
    };
    // 'finish': the response was handed to the OS; 'close' without it: the client went away.
    res.once('finish', () => finish(false));
    res.once('close', () => finish(!res.writableFinished));
    next();
  };
  const captureErrors: ErrorRequestHandler = (err, req, _res, next) => {
    errors.set(req, err);
    next(err);
  };
  return Object.assign(handler, { stats: auditor.stats, captureErrors });
}

interface Timing {
  startedAt: number;
  durationMs: number;
  aborted: boolean;
  error: unknown;
}

function snapshot(req: Request, res: Response, t: Timing): RequestSnapshot<Request> {
  const route = routeOf(req);
  const params: Record<string, unknown> = {
    ...(req.params as Record<string, unknown> | undefined),
  };
  const rid = res.getHeader('x-request-id');
  return {
    req,
    method: req.method,
    route,
    params,
    status: res.statusCode,
    error: t.error,
    path: (req.originalUrl ?? req.url).split('?')[0] ?? '',
    startedAt: t.startedAt,
    durationMs: t.durationMs,
    aborted: t.aborted,
    ip: req.ip ?? req.socket?.remoteAddress,
    requestId: typeof rid === 'string' ? rid : undefined,
    headers: req.headers,
    query: () => req.query,
    body: () => req.body as unknown,
  };
}

/**
 * The route template: the mount path plus `req.route.path`. Express keeps only the *matched*
 * mount path (`/orgs/42` for `router.use('/orgs/:org', ...)`), so its segments holding a
 * parameter's value are put back as `:name` (with `mergeParams`), and segments that look like
 * ids (numbers, UUIDs, long hex) as `:param`: the raw path never reaches the action.
 */
export function routeOf(req: Request): string | undefined {
  const r = (req as { route?: { path?: unknown } }).route;
  if (r === undefined) return undefined;
  const path =
    typeof r.path === 'string' ? r.path : Array.isArray(r.path) ? String(r.path[0]) : '/*';
  // Parameters of the route's own path are not in the mount path.
  const own = new Set(parseTemplate(path).map((s) => s.text));
  const params = Object.entries((req.params ?? {}) as Record<string, unknown>).filter(
    ([name]) => !own.has(name),
  );
  const base = templateBase(req.baseUrl ?? '', params);
  if (base === '') return path;
  return path === '/' ? base : base + path;
}

const ID_LIKE =
  /^(?:\d+|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9a-f]{16,})$/i;

function templateBase(baseUrl: string, params: [string, unknown][]): string {
  if (baseUrl === '' || baseUrl === '/') return '';
  const byValue = new Map<string, string>();
  for (const [name, value] of params) {
    if (typeof value === 'string' && !byValue.has(value)) byValue.set(value, name);
  }
  return baseUrl
    .split('/')
    .map((seg) => {
      if (seg === '') return seg;
      let decoded = seg;
      try {
        decoded = decodeURIComponent(seg);
      } catch {
        // keep the raw segment
      }
      const name = byValue.get(decoded);
      if (name !== undefined) return `:${name}`;
      return ID_LIKE.test(decoded) ? ':param' : seg;
    })
    .join('/');
}

/**
 * Fastify 5 adapter of the audit middleware (docs/middleware.md "Fastify"): a plugin whose
 * hooks apply to the whole application (it is not encapsulated, like a `fastify-plugin`).
 * Only Fastify's types are imported.
 *
 *   await app.register(fastifyAudit({ recorder: client }));
 */
import type { FastifyPluginCallback, FastifyReply, FastifyRequest } from 'fastify';
import { createAuditor, type AuditOptions, type AuditStats, type RequestSnapshot } from './core.js';

export type { AuditOptions, AuditRecorder, AuditStats } from './core.js';
export { AuditError, DEFAULT_REDACT, REDACTED } from './core.js';

export type FastifyAudit = FastifyPluginCallback & { readonly stats: Readonly<AuditStats> };

interface State {
  startedAt: number;
  t0: number;
  error: unknown;
}

export function fastifyAudit(options: AuditOptions<FastifyRequest>): FastifyAudit {
  const auditor = createAuditor(options);
  const states = new WeakMap<FastifyRequest, State>();

  const finish = (req: FastifyRequest, reply: FastifyReply | undefined, aborted: boolean) => {
    const state = states.get(req);
    if (state === undefined) return;
    states.delete(req);
    const durationMs = performance.now() - state.t0;
    auditor.emit(() => snapshot(req, reply, { ...state, durationMs, aborted }));
  };

  const plugin: FastifyPluginCallback = (app, _opts, done) => {
    app.addHook('onRequest', (req, _reply, next) => {
      if (!auditor.skip(req))
        states.set(req, { startedAt: Date.now(), t0: performance.now(), error: undefined });
      next();
    });
    app.addHook('onError', (req, _reply, error, next) => {
      const state = states.get(req);
      if (state !== undefined) state.error = error;
      next();
    });
    app.addHook('onResponse', (req, reply, next) => {
      finish(req, reply, false);
      next();
    });
    app.addHook('onRequestAbort', (req, next) => {
      finish(req, undefined, true); // no reply yet: status 0, outcome unknown
      next();
    });
    done();
  };
  // Fastify's own marker (what fastify-plugin sets): the hooks reach every route.
  return Object.assign(plugin, {
    [Symbol.for('skip-override')]: true,
    [Symbol.for('fastify.display-name')]: 'veritrail-audit',
    stats: auditor.stats,
  });
}

function snapshot(
  req: FastifyRequest,
  reply: FastifyReply | undefined,
  t: State & { durationMs: number; aborted: boolean },
): RequestSnapshot<FastifyRequest> {
  const rid = reply?.getHeader('x-request-id');
  const url = req.is404 ? undefined : req.routeOptions.url;
  return {
    req,
    method: req.method,
    route: url,
    params: { ...(req.params as Record<string, unknown> | undefined) },
    status: reply?.statusCode ?? 0,
    error: t.error,
    path: req.url.split('?')[0] ?? '',
    startedAt: t.startedAt,
    durationMs: t.durationMs,
    aborted: t.aborted,
    ip: req.ip,
    requestId: typeof rid === 'string' ? rid : req.id,
    headers: req.headers,
    query: () => req.query,
    body: () => req.body,
  };
}

/**
 * The HTTP API, built without listening (CONVENTIONS.md: `buildApp(deps)`, tested with
 * `inject()`). Every route but /healthz, /openapi.json and the public key authenticates, and
 * /metrics too unless `metricsPublic`.
 */
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import { sha256 } from '../core/crypto.js';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply } from 'fastify';
import type { Services } from '../app/services.js';
import { VeritrailError } from '../core/errors.js';
import { requirePrincipal } from './auth.js';
import { errorBody, fromFramework, statusOf } from './errors.js';
import { alertRoutes } from './routes/alerts.js';
import { consoleRoutes } from './routes/console.js';
import { eventRoutes } from './routes/events.js';
import { keyRoutes } from './routes/keys.js';
import { logRoutes } from './routes/logs.js';
import { metricsRoutes } from './routes/metrics.js';
import { importRoutes } from './routes/import.js';
import { otlpRoutes } from './routes/otlp.js';
import { outboundRoutes } from './routes/outbound.js';
import { reportRoutes } from './routes/reports.js';
import { reportScheduleRoutes, type ReportScheduleSource } from './routes/report-schedules.js';
import { retentionRoutes } from './routes/retention.js';
import { reviewRoutes } from './routes/reviews.js';
import { sourceRoutes } from './routes/sources.js';
import { streamRoutes, type StreamRouteOptions } from './routes/stream.js';

export interface AppOptions {
  readonly services: Services;
  /** Live streams: unread bytes allowed per client, and how long it may stall. */
  readonly stream?: StreamRouteOptions;
  /** Largest request body in bytes (default 16 MiB: a full batch of large imported records). */
  readonly bodyLimit?: number;
  /** Log requests (pino to stdout). Authorization headers are redacted. */
  readonly logger?: boolean;
  readonly version?: string;
  /** Requests per minute per credential (token, else client address); 0 turns the limit off. */
  readonly rateLimitPerMinute?: number;
  /** PEM certificate and key: serve HTTPS. */
  readonly tls?: { readonly cert: string | Buffer; readonly key: string | Buffer };
  /**
   * GET /metrics without a token (default false: the admin token or an admin-scope key). For
   * scrapers that cannot send a bearer token, with /metrics on an internal network.
   */
  readonly metricsPublic?: boolean;
  /** GET /v1/report-schedules (absent: the server has no schedules). */
  readonly reportSchedules?: ReportScheduleSource;
  /** The built web console to serve at /console/ (absent: no console routes). */
  readonly consoleDir?: string;
}

const PUBLIC = new Set(['/healthz', '/openapi.json']);

export async function buildApp(opts: AppOptions): Promise<FastifyInstance> {
  const s = opts.services;
  const app = Fastify({
    ...(opts.tls ? { https: { cert: opts.tls.cert, key: opts.tls.key } } : {}),
    bodyLimit: opts.bodyLimit ?? 16 * 1024 * 1024,
    logger: opts.logger ? { redact: ['req.headers.authorization'] } : false,
    ajv: { customOptions: { coerceTypes: true, removeAdditional: false, allErrors: true } },
    return503OnClosing: true,
    // Event ids may be 256 characters (LIMITS.idLength); the router's default is 100.
    routerOptions: { maxParamLength: 512 },
    // Router-level failures (bad percent-encoding, over-long path parameters) get our body too.
    frameworkErrors: (e, _req, reply) => {
      void (reply as FastifyReply)
        .code(400)
        .send(
          errorBody(
            new VeritrailError('validation_failed', `invalid URL: ${e.message}`, [
              { path: '(url)', message: e.message },
            ]),
          ),
        );
    },
  });

  const perMinute = opts.rateLimitPerMinute ?? 6000;
  if (perMinute > 0) {
    await app.register(rateLimit, {
      max: perMinute,
      timeWindow: 60_000,
      allowList: (req) => PUBLIC.has(req.routeOptions.url ?? ''),
      // Keyed by a digest of the credential, so raw tokens are not kept as map keys.
      keyGenerator: (req) => {
        const auth = req.headers.authorization;
        return auth === undefined
          ? `ip:${req.ip}`
          : `tok:${sha256(auth).toString('base64url').slice(0, 22)}`;
      },
      errorResponseBuilder: (_req, ctx) =>
        new VeritrailError(
          'rate_limited',
          `more than ${ctx.max} requests per minute; retry in ${Math.ceil(ctx.ttl / 1000)} s`,
        ),
    });
  }

  // JSON only: a text/plain body is a 415, not a string to validate.
  app.removeContentTypeParser(['text/plain']);

  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Veritrail API',
        version: opts.version ?? '0.1.0',
        description: 'Tamper-evident audit log: ingest, search, proofs.',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    },
  });

  app.setErrorHandler((e: FastifyError | VeritrailError, req, reply) => {
    const ve = e instanceof VeritrailError ? e : fromFramework(e);
    if (ve.code === 'internal') req.log.error({ err: e }, 'internal error');
    void reply.code(statusOf(ve.code)).send(errorBody(ve));
  });
  app.setNotFoundHandler((req, reply) => {
    void reply
      .code(404)
      .send(
        errorBody(
          new VeritrailError('not_found', `no route ${req.method} ${req.url.split('?')[0]}`),
        ),
      );
  });

  // preParsing: after the rate limiter (a route-level onRequest hook), so failed logins count
  // against the limit, and before the body is read, so an unauthenticated body is never parsed.
  app.addHook('preParsing', async (req, _reply, payload) => {
    const path = req.routeOptions.url ?? '';
    if (path === '' || PUBLIC.has(path) || req.routeOptions.config.public === true) return payload;
    req.principal = await requirePrincipal(req, (t) => s.keys.authenticate(t));
    return payload;
  });

  app.get(
    '/healthz',
    {
      schema: {
        summary: 'Health: 200 when events can be appended, 503 (unavailable) when not',
        tags: ['meta'],
      },
    },
    () => {
      const problem = s.store.unhealthy();
      if (problem) throw new VeritrailError('unavailable', problem);
      // Which process runs the background jobs, when several share one database.
      return { status: 'ok', jobs: s.store.coordination.isLeader() ? 'leader' : 'standby' };
    },
  );
  app.get('/openapi.json', { schema: { hide: true } }, () => app.swagger());
  metricsRoutes(app, s, { public: opts.metricsPublic ?? false });
  eventRoutes(app, s);
  logRoutes(app, s);
  streamRoutes(app, s, opts.stream);
  keyRoutes(app, s);
  outboundRoutes(app, s);
  alertRoutes(app, s);
  retentionRoutes(app, s);
  sourceRoutes(app, s);
  reviewRoutes(app, s);
  reportRoutes(app, s);
  reportScheduleRoutes(app, opts.reportSchedules);
  await importRoutes(app, s);
  await otlpRoutes(app, s);
  if (opts.consoleDir !== undefined) await consoleRoutes(app, { dir: opts.consoleDir });
  return app;
}

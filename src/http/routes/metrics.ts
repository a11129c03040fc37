/**
 * GET /metrics: the process's Prometheus metrics in the text exposition format
 * (docs/api.md "Metrics"). Not audited: it reads counters, not the audit log.
 */
import type { FastifyInstance } from 'fastify';
import { authorizeOperator } from '../../app/principal.js';
import type { Services } from '../../app/services.js';
import { principalOf } from '../auth.js';
import { errorSchema, security } from '../schemas.js';

export interface MetricsRouteOptions {
  /** No token needed (scrapers that cannot send one; keep /metrics on an internal network). */
  readonly public: boolean;
}

export function metricsRoutes(app: FastifyInstance, s: Services, opts: MetricsRouteOptions): void {
  app.get(
    '/metrics',
    {
      schema: {
        summary: opts.public
          ? 'Prometheus metrics (text exposition format); public on this server'
          : 'Prometheus metrics (text exposition format): the admin token',
        tags: ['meta'],
        security: opts.public ? [] : security,
        response: opts.public ? {} : { 401: errorSchema, 403: errorSchema },
      },
      config: { public: opts.public },
    },
    async (req, reply) => {
      if (!opts.public) authorizeOperator(principalOf(req));
      return reply.type(s.metrics.contentType).send(await s.metrics.text());
    },
  );
}

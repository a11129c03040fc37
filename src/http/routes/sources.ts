/**
 * Source health (docs/source-health.md): the sources of a tenant (`?tenant=`, default the key's
 * own) with their last-seen times and status (read scope), and their expected cadence (admin
 * scope).
 */
import type { FastifyInstance } from 'fastify';
import { homeTenant } from '../../app/principal.js';
import type { Services } from '../../app/services.js';
import { principalOf } from '../auth.js';
import { errorResponses, security, strictObject, tenantQuery } from '../schemas.js';

const serviceParams = strictObject({ service: { type: 'string', maxLength: 256 } }, ['service']);
const cadenceBody = {
  type: 'object',
  properties: {
    expected_every: {
      type: ['string', 'null'],
      description: 'a duration from 1m to 90d, e.g. "15m", "6h", "1d"; null: never silent',
    },
  },
} as const;

/** The use case validates the body (one clear issue per field); the schema documents it. */
const passBody = () => (value: unknown) => ({ value });

export function sourceRoutes(app: FastifyInstance, s: Services): void {
  type Q = { Querystring: { tenant?: string } };
  app.get<Q>(
    '/v1/sources',
    {
      schema: {
        summary: 'Sources of a tenant (observer.service) and their health',
        tags: ['sources'],
        security,
        querystring: tenantQuery,
        response: errorResponses,
      },
    },
    async (req) => {
      const p = principalOf(req);
      return s.sources.list(p, req.query.tenant ?? homeTenant(p));
    },
  );

  app.put<Q & { Params: { service: string }; Body: unknown }>(
    '/v1/sources/:service',
    {
      schema: {
        summary: 'Set (or clear) the expected cadence of a source',
        tags: ['sources'],
        security,
        querystring: tenantQuery,
        params: serviceParams,
        body: cadenceBody,
        response: errorResponses,
      },
      validatorCompiler: passBody,
    },
    async (req) => {
      const p = principalOf(req);
      return {
        source: await s.sources.setCadence(
          p,
          req.query.tenant ?? homeTenant(p),
          req.params.service,
          req.body,
        ),
      };
    },
  );
}

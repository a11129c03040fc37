/**
 * Retention policies, legal holds and purges (docs/retention.md): admin scope on the tenant
 * (`?tenant=`, default the key's own tenant), or the admin token.
 */
import type { FastifyInstance } from 'fastify';
import { holdView, policyView, purgeView } from '../../app/retention.js';
import { homeTenant } from '../../app/principal.js';
import type { Services } from '../../app/services.js';
import { principalOf } from '../auth.js';
import { errorResponses, errorSchema, security, strictObject, tenantParam } from '../schemas.js';

const policies = '/v1/retention-policies';
const holds = '/v1/legal-holds';
const tenantQuery = strictObject({ tenant: tenantParam });
const nameParams = strictObject({ name: { type: 'string', maxLength: 64 } }, ['name']);
const idParams = strictObject({ id: { type: 'string', maxLength: 64 } }, ['id']);
const days = { type: 'string', description: 'whole days, e.g. "365d"' };
const policyBody = {
  type: 'object',
  properties: {
    scope: { type: 'string', description: 'query-language scope; "" (default) = whole tenant' },
    min: days,
    max: { ...days, description: 'whole days, e.g. "2555d"; null or absent: never purged' },
  },
} as const;

/** The use case validates bodies (one clear issue per field); the schemas document them. */
const passBody = () => (value: unknown) => ({ value });

export function retentionRoutes(app: FastifyInstance, s: Services): void {
  const schema = (summary: string, extra: object = {}) => ({
    schema: {
      summary,
      tags: ['retention'],
      security,
      response: { ...errorResponses, 409: errorSchema },
      ...extra,
    },
  });
  type Q = { Querystring: { tenant?: string } };

  app.get<Q>(
    policies,
    schema('Retention policies of a tenant', { querystring: tenantQuery }),
    async (req) => {
      const p = principalOf(req);
      const list = await s.retention.policies(p, req.query.tenant ?? homeTenant(p));
      return { policies: list.map(policyView) };
    },
  );

  const put = async (
    req: { query: { tenant?: string } } & Parameters<typeof principalOf>[0],
    name: string,
    body: unknown,
  ) => {
    const p = principalOf(req);
    return policyView(
      await s.retention.setPolicy(p, req.query.tenant ?? homeTenant(p), name, body),
    );
  };

  app.put<Q & { Params: { name: string }; Body: unknown }>(
    `${policies}/:name`,
    {
      ...schema('Create or replace a retention policy (409 if a maximum undercuts a minimum)', {
        querystring: tenantQuery,
        params: nameParams,
        body: policyBody,
      }),
      validatorCompiler: passBody,
    },
    async (req) => ({ policy: await put(req, req.params.name, req.body) }),
  );

  app.post<Q & { Body: unknown }>(
    policies,
    {
      ...schema('Create or replace a retention policy named in the body', {
        querystring: tenantQuery,
        body: {
          ...policyBody,
          required: ['name'],
          properties: { name: { type: 'string' }, ...policyBody.properties },
        },
      }),
      validatorCompiler: passBody,
    },
    async (req) => {
      const body = req.body;
      const { name, ...rest } =
        typeof body === 'object' && body !== null && !Array.isArray(body)
          ? (body as Record<string, unknown>)
          : { name: undefined };
      return { policy: await put(req, typeof name === 'string' ? name : '', rest) };
    },
  );

  app.delete<Q & { Params: { name: string } }>(
    `${policies}/:name`,
    schema('Delete a retention policy (409 if the policies left would conflict)', {
      querystring: tenantQuery,
      params: nameParams,
    }),
    async (req, reply) => {
      const p = principalOf(req);
      await s.retention.deletePolicy(p, req.query.tenant ?? homeTenant(p), req.params.name);
      return reply.code(204).send();
    },
  );

  app.get<Q>(
    holds,
    schema('Legal holds of a tenant, released ones included', { querystring: tenantQuery }),
    async (req) => {
      const p = principalOf(req);
      const list = await s.retention.holds(p, req.query.tenant ?? homeTenant(p));
      return { holds: list.map(holdView) };
    },
  );

  app.post<Q & { Body: unknown }>(
    holds,
    {
      ...schema('Place a legal hold: nothing in its scope is purged until it is released', {
        querystring: tenantQuery,
        body: {
          type: 'object',
          required: ['reason'],
          properties: { scope: { type: 'string' }, reason: { type: 'string' } },
        },
      }),
      validatorCompiler: passBody,
    },
    async (req, reply) => {
      const p = principalOf(req);
      const h = await s.retention.addHold(p, req.query.tenant ?? homeTenant(p), req.body);
      return reply.code(201).send({ hold: holdView(h) });
    },
  );

  app.post<{ Params: { id: string }; Body: unknown }>(
    `${holds}/:id/release`,
    {
      ...schema('Release a legal hold (once; the hold is kept with who, when and why)', {
        params: idParams,
        body: { type: 'object', required: ['reason'], properties: { reason: { type: 'string' } } },
      }),
      validatorCompiler: passBody,
    },
    async (req) => ({
      hold: holdView(await s.retention.releaseHold(principalOf(req), req.params.id, req.body)),
    }),
  );

  app.post<{ Querystring: { tenant?: string; dry_run?: boolean } }>(
    '/v1/retention/purge',
    schema('Purge a tenant now by its policies, or report what would be purged (dry_run)', {
      querystring: strictObject({ tenant: tenantParam, dry_run: { type: 'boolean' } }),
    }),
    async (req) => {
      const p = principalOf(req);
      const tenant = req.query.tenant ?? homeTenant(p);
      return purgeView(await s.retention.purge(p, tenant, { dryRun: req.query.dry_run ?? false }));
    },
  );
}

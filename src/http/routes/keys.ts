/** API key administration (admin token, or a key with the admin scope for its own tenant). */
import type { FastifyInstance } from 'fastify';
import { authorize } from '../../app/principal.js';
import type { Services } from '../../app/services.js';
import { keyView } from '../../app/keys.js';
import { SCOPES } from '../../app/ports.js';
import { VeritrailError } from '../../core/errors.js';
import { principalOf } from '../auth.js';
import { errorResponses, security, strictObject, tenantParam, tenantQuery } from '../schemas.js';

export function keyRoutes(app: FastifyInstance, s: Services): void {
  app.post<{ Body: { tenant: string; name: string; scopes: string[] } }>(
    '/v1/keys',
    {
      schema: {
        summary: 'Create an API key bound to one tenant; the token is shown once',
        tags: ['keys'],
        security,
        body: strictObject(
          {
            tenant: tenantParam,
            name: { type: 'string', minLength: 1, maxLength: 200 },
            scopes: {
              type: 'array',
              minItems: 1,
              maxItems: 3,
              items: { type: 'string', enum: [...SCOPES] },
            },
          },
          ['tenant', 'name', 'scopes'],
        ),
        response: errorResponses,
      },
    },
    async (req, reply) => {
      const p = principalOf(req);
      authorize(p, req.body.tenant, 'admin');
      const { key, token } = await s.keys.create(req.body);
      await s.audit.record(p, 'admin.key_create', key.tenant, {
        key_id: key.id,
        scopes: key.scopes.join(','),
      });
      return reply.code(201).send({ key: keyView(key), token });
    },
  );

  app.get<{ Querystring: { tenant?: string } }>(
    '/v1/keys',
    {
      schema: {
        summary: 'List API keys (never their secrets)',
        tags: ['keys'],
        security,
        querystring: tenantQuery,
        response: errorResponses,
      },
    },
    async (req) => {
      const p = principalOf(req);
      // A key lists its own tenant's keys; asking for another tenant is refused, not ignored.
      const tenant = req.query.tenant ?? (p.kind === 'key' ? p.tenant : undefined);
      if (tenant !== undefined) authorize(p, tenant, 'admin');
      return { keys: (await s.keys.list(tenant)).map(keyView) };
    },
  );

  app.delete<{ Params: { id: string } }>(
    '/v1/keys/:id',
    {
      schema: {
        summary: 'Revoke an API key',
        tags: ['keys'],
        security,
        params: { type: 'object', properties: { id: { type: 'string', maxLength: 64 } } },
        response: errorResponses,
      },
    },
    async (req, reply) => {
      const p = principalOf(req);
      const key = (await s.keys.list(p.kind === 'key' ? p.tenant : undefined)).find(
        (k) => k.id === req.params.id,
      );
      if (!key) throw new VeritrailError('not_found', `no API key with id ${req.params.id}`);
      authorize(p, key.tenant, 'admin');
      await s.keys.revoke(key.id);
      await s.audit.record(p, 'admin.key_revoke', key.tenant, { key_id: key.id });
      return reply.code(204).send();
    },
  );
}

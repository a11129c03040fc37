/**
 * Review tasks and reviews (docs/reviews.md): tasks are created with admin scope on the tenant
 * (`?tenant=`, default the key's own); reviews are read with read scope and signed off by a key
 * of the tenant holding the task's assignee scope (read when the assignee is a free role
 * name), or the admin token.
 */
import type { FastifyInstance } from 'fastify';
import { homeTenant } from '../../app/principal.js';
import type { Services } from '../../app/services.js';
import { principalOf } from '../auth.js';
import { errorResponses, errorSchema, security, strictObject, tenantParam } from '../schemas.js';

const tenantQuery = strictObject({ tenant: tenantParam });
const listQuery = strictObject({
  tenant: tenantParam,
  status: { type: 'string', enum: ['open', 'signed_off'] },
  limit: { type: 'integer', minimum: 1, maximum: 500 },
});
const idParams = strictObject({ id: { type: 'string', maxLength: 64 } }, ['id']);
const taskBody = {
  type: 'object',
  properties: {
    name: { type: 'string' },
    scope: { type: 'string', description: 'query-language scope; "" (default) = all events' },
    period: { type: 'string', description: 'the span reviewed, e.g. "7d"' },
    every: { type: 'string', description: 'how often a review opens (default: the period)' },
    assignee: { type: 'string', description: 'an API key scope, or a free role name' },
    starts: { type: 'string', description: 'YYYY-MM-DD (default: today, UTC)' },
  },
} as const;
const signOffBody = {
  type: 'object',
  properties: {
    decision: { type: 'string', enum: ['approved', 'exceptions_noted', 'rejected'] },
    note: { type: 'string' },
  },
} as const;

/** The use case validates bodies (one clear issue per field); the schemas document them. */
const passBody = () => (value: unknown) => ({ value });

export function reviewRoutes(app: FastifyInstance, s: Services): void {
  const schema = (summary: string, extra: object = {}) => ({
    schema: {
      summary,
      tags: ['reviews'],
      security,
      response: { ...errorResponses, 409: errorSchema },
      ...extra,
    },
  });
  type Q = { Querystring: { tenant?: string } };

  app.post<Q & { Body: unknown }>(
    '/v1/review-tasks',
    {
      ...schema('Create a review task', { querystring: tenantQuery, body: taskBody }),
      validatorCompiler: passBody,
    },
    async (req, reply) => {
      const p = principalOf(req);
      const task = await s.reviews.createTask(p, req.query.tenant ?? homeTenant(p), req.body);
      return reply.code(201).send({ task });
    },
  );

  app.get<Q>(
    '/v1/review-tasks',
    schema('Review tasks of a tenant', { querystring: tenantQuery }),
    async (req) => {
      const p = principalOf(req);
      return { tasks: await s.reviews.tasks(p, req.query.tenant ?? homeTenant(p)) };
    },
  );

  app.get<{ Querystring: { tenant?: string; status?: string; limit?: number } }>(
    '/v1/reviews',
    schema('Reviews of a tenant, newest first', { querystring: listQuery }),
    async (req) => {
      const p = principalOf(req);
      const { status, limit } = req.query;
      return {
        reviews: await s.reviews.list(p, req.query.tenant ?? homeTenant(p), status, limit),
      };
    },
  );

  app.get<{ Params: { id: string } }>(
    '/v1/reviews/:id',
    schema('A review with its packet', { params: idParams }),
    async (req) => ({ review: await s.reviews.get(principalOf(req), req.params.id) }),
  );

  app.post<{ Params: { id: string }; Body: unknown }>(
    '/v1/reviews/:id/sign-off',
    {
      ...schema('Sign off a review (once); appended to the log as review.signed_off', {
        params: idParams,
        body: signOffBody,
      }),
      validatorCompiler: passBody,
    },
    async (req) => ({
      review: await s.reviews.signOff(principalOf(req), req.params.id, req.body),
    }),
  );
}

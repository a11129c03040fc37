/** POST /v1/events, GET /v1/events, GET /v1/events/{id}, GET /v1/export. */
import type { FastifyInstance } from 'fastify';
import type { Services } from '../../app/services.js';
import { homeTenant } from '../../app/principal.js';
import { MAX_LIMIT } from '../../app/search.js';
import { MAX_EXPORT } from '../../app/export.js';
import { leafHash } from '../../core/merkle/index.js';
import { principalOf } from '../auth.js';
import {
  errorResponses,
  ingestBodySchema,
  security,
  strictObject,
  tenantParam,
  tenantQuery,
} from '../schemas.js';

const passThrough = () => (value: unknown) => ({ value });

export function eventRoutes(app: FastifyInstance, s: Services): void {
  app.post(
    '/v1/events',
    {
      schema: {
        summary: 'Append one event, or a batch of up to 1000: {"events":[...]} or a JSON array',
        tags: ['events'],
        security,
        body: ingestBodySchema,
        response: { ...errorResponses },
      },
      // The core validates bodies (one issue per bad field); the schema above documents them.
      validatorCompiler: passThrough,
    },
    async (req, reply) => {
      const body = req.body;
      const batch =
        typeof body === 'object' &&
        body !== null &&
        !Array.isArray(body) &&
        'events' in body &&
        Object.keys(body).length === 1;
      // A bare JSON array is a batch too: what log shippers (Vector, Fluent Bit) send.
      const inputs = batch ? body.events : Array.isArray(body) ? (body as unknown[]) : [body];
      if (!Array.isArray(inputs)) {
        return reply.code(400).send({
          error: {
            code: 'validation_failed',
            message: 'events must be an array',
            details: [{ path: 'events', message: 'must be an array' }],
          },
        });
      }
      const appended = await s.ingest.ingest(inputs, principalOf(req), batch ? 'events' : '');
      return reply.code(201).send({
        events: appended.map((a) => ({
          id: a.id,
          tenant: a.tenant,
          seq: a.seq,
          leaf_hash: a.leafHash.toString('hex'),
          ...(a.duplicate ? { duplicate: true } : {}),
        })),
      });
    },
  );

  app.get<{
    Querystring: {
      tenant?: string;
      q?: string;
      since?: string;
      until?: string;
      limit?: number;
      cursor?: string;
    };
  }>(
    '/v1/events',
    {
      schema: {
        summary: 'Search a log, newest first, with keyset pagination',
        tags: ['events'],
        security,
        querystring: strictObject({
          tenant: tenantParam,
          q: {
            type: 'string',
            maxLength: 4096,
            description: 'query language, see docs/query-language.md',
          },
          since: {
            type: 'string',
            maxLength: 40,
            description: 'occurred_at >= since (RFC 3339 or YYYY-MM-DD)',
          },
          until: { type: 'string', maxLength: 40, description: 'occurred_at < until' },
          limit: { type: 'integer', minimum: 1, maximum: MAX_LIMIT, default: 50 },
          cursor: { type: 'string', maxLength: 64 },
        }),
        response: errorResponses,
      },
    },
    async (req) => {
      const p = principalOf(req);
      const { tenant = homeTenant(p), ...rest } = req.query;
      return s.search.search(p, { tenant, ...rest });
    },
  );

  app.get<{ Params: { id: string }; Querystring: { tenant?: string } }>(
    '/v1/events/:id',
    {
      schema: {
        summary: 'One event with its salt and leaf hash (to recompute the commitment)',
        tags: ['events'],
        security,
        params: {
          type: 'object',
          properties: { id: { type: 'string', minLength: 1, maxLength: 256 } },
        },
        querystring: tenantQuery,
        response: errorResponses,
      },
    },
    async (req) => {
      const p = principalOf(req);
      const rec = await s.search.read(p, req.query.tenant ?? homeTenant(p), req.params.id);
      return {
        event: rec.event,
        seq: rec.seq,
        salt: rec.salt === null ? null : rec.salt.toString('hex'),
        leaf_input: rec.leafInput,
        leaf_hash: leafHash(rec.leafInput).toString('hex'),
        purged: rec.event === null,
      };
    },
  );

  app.get<{ Querystring: { tenant?: string; q?: string; limit?: number } }>(
    '/v1/export',
    {
      schema: {
        summary:
          'Export bundle: events, salts, leaves and inclusion proofs against a fresh checkpoint',
        tags: ['events'],
        security,
        querystring: strictObject({
          tenant: tenantParam,
          q: { type: 'string', maxLength: 4096 },
          limit: { type: 'integer', minimum: 1, maximum: MAX_EXPORT, default: 10000 },
        }),
        response: errorResponses,
      },
    },
    async (req) => {
      const p = principalOf(req);
      const { tenant = homeTenant(p), ...rest } = req.query;
      return s.exports.export(p, { tenant, ...rest });
    },
  );
}

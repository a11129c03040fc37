/** Outbound streams (docs/outbound.md): admin of the stream's tenant, or the admin token. */
import type { FastifyInstance } from 'fastify';
import type { DeliveryAttempt } from '../../app/outbound.js';
import { deadLetterView, streamView } from '../../app/outbound-streams.js';
import type { Services } from '../../app/services.js';
import { principalOf } from '../auth.js';
import { errorResponses, security, strictObject, tenantQuery } from '../schemas.js';

const base = '/v1/outbound-streams';
const idParams = strictObject({ id: { type: 'string', maxLength: 64 } }, ['id']);

/** Documented here; validated by the core's zod schema, which names each bad field. */
const destination = {
  type: 'object',
  description:
    'webhook: {type, url, secret (≥16 chars, never returned), batch_size}; splunk_hec: {type, url, token (never returned), index?, batch_size}; syslog: {type, host, port, tls, format: cef|json, batch_size}; file: {type, path (under the server outbound folder), max_bytes, batch_size}; slack: {type, url (https, never returned), console_url?, batch_size ≤10}; email: {type, host, port?, security: tls|starttls|none, auth?: {user, password (never returned)}, from, to[], subject?, console_url?, batch_size ≤50}',
  required: ['type'],
  properties: {
    type: {
      type: 'string',
      enum: ['webhook', 'splunk_hec', 'syslog', 'file', 'slack', 'email'],
    },
  },
} as const;

const createBody = {
  type: 'object',
  required: ['tenant', 'name', 'destination'],
  properties: {
    tenant: { type: 'string' },
    name: { type: 'string' },
    q: { type: 'string', description: 'query-language filter (default: every event)' },
    after: {
      type: 'integer',
      description: 'deliver entries after this seq (default: the last entry: from now on)',
    },
    enabled: { type: 'boolean' },
    destination,
  },
} as const;

const patchBody = {
  type: 'object',
  properties: { enabled: { type: 'boolean' }, q: { type: 'string' }, destination },
} as const;

const attemptView = (a: DeliveryAttempt) => ({
  at: a.at,
  outcome: a.outcome,
  attempt: a.attempt,
  from_seq: a.fromSeq,
  to_seq: a.toSeq,
  events: a.events,
  status_code: a.status,
  error: a.error,
});

export function outboundRoutes(app: FastifyInstance, s: Services): void {
  const schema = (summary: string, extra: object = {}) => ({
    schema: { summary, tags: ['outbound'], security, response: errorResponses, ...extra },
  });

  app.post<{ Body: unknown }>(
    base,
    schema('Create an outbound stream (webhook, Splunk HEC, syslog, file, Slack or email)', {
      body: createBody,
    }),
    async (req, reply) => {
      const rec = await s.outbound.create(principalOf(req), req.body);
      return reply.code(201).send({ stream: streamView(rec, await s.outbound.status(rec)) });
    },
  );

  app.get<{ Querystring: { tenant?: string } }>(
    base,
    schema('List outbound streams with their delivery status', { querystring: tenantQuery }),
    async (req) => {
      const list = await s.outbound.list(principalOf(req), req.query.tenant);
      return {
        streams: await Promise.all(
          list.map(async (r) => streamView(r, await s.outbound.status(r))),
        ),
      };
    },
  );

  app.get<{ Params: { id: string } }>(
    `${base}/:id`,
    schema('An outbound stream and its delivery status (cursor, lag, errors)', {
      params: idParams,
    }),
    async (req) => {
      const rec = await s.outbound.get(principalOf(req), req.params.id);
      return { stream: streamView(rec, await s.outbound.status(rec)) };
    },
  );

  app.patch<{ Params: { id: string }; Body: unknown }>(
    `${base}/:id`,
    schema('Enable, disable or change an outbound stream', { params: idParams, body: patchBody }),
    async (req) => {
      const rec = await s.outbound.update(principalOf(req), req.params.id, req.body);
      return { stream: streamView(rec, await s.outbound.status(rec)) };
    },
  );

  app.delete<{ Params: { id: string } }>(
    `${base}/:id`,
    schema('Delete an outbound stream (delivery stops; its record is kept)', {
      params: idParams,
    }),
    async (req, reply) => {
      await s.outbound.delete(principalOf(req), req.params.id);
      return reply.code(204).send();
    },
  );

  app.get<{ Params: { id: string }; Querystring: { limit?: number } }>(
    `${base}/:id/dead-letters`,
    schema('Batches given up on after the maximum attempts, newest first', {
      params: idParams,
      querystring: strictObject({ limit: { type: 'integer', minimum: 1, maximum: 1000 } }),
    }),
    async (req) => {
      const list = await s.outbound.deadLetters(
        principalOf(req),
        req.params.id,
        req.query.limit ?? 100,
      );
      return { dead_letters: list.map(deadLetterView) };
    },
  );

  app.get<{ Params: { id: string }; Querystring: { limit?: number } }>(
    `${base}/:id/deliveries`,
    schema('The last delivery attempts of this process, newest first (kept in memory)', {
      params: idParams,
      querystring: strictObject({ limit: { type: 'integer', minimum: 1, maximum: 100 } }),
    }),
    async (req) => {
      const rec = await s.outbound.get(principalOf(req), req.params.id);
      const list = s.outboundDelivery?.attempts(rec.id, req.query.limit ?? 20) ?? [];
      return { deliveries: list.map(attemptView) };
    },
  );
}

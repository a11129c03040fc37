/** Alerts and rules (docs/api.md "Alerts and rules"). */
import type { FastifyInstance } from 'fastify';
import { alertView, MAX_ALERT_LIMIT, MAX_NOTE_LENGTH } from '../../app/alerts.js';
import { homeTenant } from '../../app/principal.js';
import type { Services } from '../../app/services.js';
import { principalOf } from '../auth.js';
import { errorResponses, errorSchema, security, strictObject, tenantParam } from '../schemas.js';

const idParams = strictObject({ id: { type: 'string', minLength: 1, maxLength: 64 } }, ['id']);
const statusEnum = { type: 'string', enum: ['open', 'acknowledged', 'resolved'] } as const;

interface ListQuery {
  tenant?: string;
  status?: string;
  severity?: string;
  rule?: string;
  since?: string;
  limit?: number;
  cursor?: string;
}

export function alertRoutes(app: FastifyInstance, s: Services): void {
  const schema = (summary: string, tags: string[], extra: object = {}) => ({
    schema: { summary, tags, security, response: errorResponses, ...extra },
  });

  app.get<{ Querystring: ListQuery }>(
    '/v1/alerts',
    schema('Alerts of a tenant, newest first, with filters and keyset pagination', ['alerts'], {
      querystring: strictObject({
        tenant: tenantParam,
        status: statusEnum,
        severity: { type: 'string', enum: ['info', 'low', 'medium', 'high', 'critical'] },
        rule: { type: 'string', minLength: 1, maxLength: 256, description: 'rule id' },
        since: {
          type: 'string',
          maxLength: 40,
          description: 'last_seen >= since: RFC 3339, YYYY-MM-DD, or a duration back (30d, 12h)',
        },
        limit: { type: 'integer', minimum: 1, maximum: MAX_ALERT_LIMIT, default: 50 },
        cursor: { type: 'string', maxLength: 128 },
      }),
    }),
    async (req) => {
      const p = principalOf(req);
      const { tenant = homeTenant(p), ...rest } = req.query;
      return s.alerts.list(p, { tenant, ...rest });
    },
  );

  app.get<{ Params: { id: string } }>(
    '/v1/alerts/:id',
    schema('One alert with its event ids, context and status history', ['alerts'], {
      params: idParams,
    }),
    async (req) => ({ alert: alertView(await s.alerts.get(principalOf(req), req.params.id)) }),
  );

  app.patch<{ Params: { id: string }; Body: unknown }>(
    '/v1/alerts/:id',
    {
      schema: {
        summary: 'Acknowledge, resolve or reopen an alert (admin scope on its tenant)',
        tags: ['alerts'],
        security,
        params: idParams,
        body: {
          type: 'object',
          required: ['status'],
          properties: {
            status: statusEnum,
            note: { type: 'string', maxLength: MAX_NOTE_LENGTH },
          },
        },
        response: { ...errorResponses, 409: errorSchema },
      },
      // The use case validates the body (one clear issue per field); the schema documents it.
      // (The id is checked there too: an id of another form is simply not found.)
      validatorCompiler: () => (value: unknown) => ({ value }),
    },
    async (req) => ({
      alert: alertView(await s.alerts.setStatus(principalOf(req), req.params.id, req.body)),
    }),
  );

  app.get(
    '/v1/rules',
    schema('The loaded detection rules and the rule files that failed to load', ['alerts']),
    (req) => {
      principalOf(req); // any authenticated principal: rules hold no tenant data
      return {
        rules: s.rules.rules.map((r) => ({
          id: r.id,
          title: r.title,
          type: r.type,
          severity: r.severity,
          ...(r.description === undefined ? {} : { description: r.description }),
          ...(r.author === undefined ? {} : { author: r.author }),
          tags: r.tags,
          file: r.file,
          line: r.line,
          suppress_ms: r.suppressMs,
        })),
        errors: s.rules.errors,
      };
    },
  );
}

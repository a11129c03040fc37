/**
 * POST /v1/import (a file in a foreign audit format) and POST /v1/receivers/k8s-audit (the
 * Kubernetes API server's audit webhook). Both take raw bytes and map them with the core's
 * importers (docs/import.md, docs/sources/).
 */
import type { FastifyInstance } from 'fastify';
import { homeTenant } from '../../app/principal.js';
import type { Services } from '../../app/services.js';
import { VeritrailError } from '../../core/errors.js';
import { IMPORT_FORMATS, isImportFormat } from '../../core/import/index.js';
import { principalOf } from '../auth.js';
import { acceptRawBodies, bodyText, decodeBody } from '../raw-body.js';
import { errorResponses, security, strictObject, tenantParam } from '../schemas.js';

const reportSchema = {
  type: 'object',
  properties: {
    format: { type: 'string' },
    tenant: { type: 'string' },
    imported: { type: 'integer', description: 'events stored by this request' },
    duplicates: { type: 'integer', description: 'events already stored (same id)' },
    skipped: { type: 'integer', description: 'records that could not be mapped' },
    ignored: { type: 'integer', description: 'input lines that are not audit records' },
    skips: {
      type: 'array',
      description: 'the first 100 skipped records, in input order',
      items: {
        type: 'object',
        properties: {
          line: { type: 'integer', nullable: true },
          index: { type: 'integer', nullable: true },
          reason: { type: 'string' },
        },
      },
    },
  },
} as const;

async function textOf(body: unknown, contentEncoding: string | undefined): Promise<string> {
  const text = bodyText(await decodeBody(body, contentEncoding));
  if (text.trim() === '')
    throw new VeritrailError('validation_failed', 'request body is empty', [
      { path: '(body)', message: 'must hold the records to import' },
    ]);
  return text;
}

export async function importRoutes(app: FastifyInstance, s: Services): Promise<void> {
  await app.register((scope, _opts, done) => {
    acceptRawBodies(scope);

    scope.post<{ Querystring: { format: string; tenant?: string } }>(
      '/v1/import',
      {
        schema: {
          summary:
            'Import a file of audit records in a foreign format (gzip accepted); re-sending it stores nothing twice',
          tags: ['events'],
          security,
          querystring: strictObject(
            {
              format: { type: 'string', enum: [...IMPORT_FORMATS] },
              tenant: tenantParam,
            },
            ['format'],
          ),
          response: { 200: reportSchema, ...errorResponses },
        },
      },
      async (req) => {
        const p = principalOf(req);
        const { format, tenant = homeTenant(p) } = req.query;
        // The schema's enum has checked it; this narrows the type.
        if (!isImportFormat(format)) throw new VeritrailError('validation_failed', 'bad format');
        const text = await textOf(req.body, req.headers['content-encoding']);
        return s.imports.run(p, format, tenant, text);
      },
    );

    scope.post<{ Querystring: { tenant?: string } }>(
      '/v1/receivers/k8s-audit',
      {
        schema: {
          summary:
            'Kubernetes audit webhook: an audit.k8s.io/v1 EventList from the API server (--audit-webhook-config-file)',
          tags: ['receivers'],
          security,
          querystring: strictObject({ tenant: tenantParam }),
          response: { 200: reportSchema, ...errorResponses },
        },
      },
      async (req) => {
        const p = principalOf(req);
        const tenant = req.query.tenant ?? homeTenant(p);
        const text = await textOf(req.body, req.headers['content-encoding']);
        return s.imports.run(p, 'k8s-audit', tenant, text, 'k8s-audit');
      },
    );
    done();
  });
}

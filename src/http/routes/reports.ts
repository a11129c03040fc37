/** Compliance reports (docs/reports.md, docs/api.md "Reports"). */
import type { FastifyInstance } from 'fastify';
import { homeTenant } from '../../app/principal.js';
import { DEFAULT_REPORT_FORMATS, REPORT_FORMATS } from '../../app/reports.js';
import type { Services } from '../../app/services.js';
import { FRAMEWORK_IDS } from '../../core/report/index.js';
import { principalOf } from '../auth.js';
import { errorResponses, security, strictObject, tenantParam } from '../schemas.js';

interface ReportBody {
  framework: string;
  tenant?: string;
  from: string;
  to: string;
  verify?: boolean;
  formats?: string[];
}

const instant = {
  type: 'string',
  minLength: 10,
  maxLength: 40,
  description: 'YYYY-MM-DD or RFC 3339',
};

export function reportRoutes(app: FastifyInstance, s: Services): void {
  app.post<{ Body: ReportBody }>(
    '/v1/reports',
    {
      schema: {
        summary:
          'Generate a compliance report (admin scope on the tenant): the report, its files and the signed manifest',
        tags: ['reports'],
        security,
        body: strictObject(
          {
            framework: { type: 'string', enum: [...FRAMEWORK_IDS] },
            tenant: tenantParam,
            from: instant,
            to: {
              ...instant,
              description: 'YYYY-MM-DD (that day included) or RFC 3339 (exclusive)',
            },
            verify: { type: 'boolean', default: true },
            formats: {
              type: 'array',
              items: { type: 'string', enum: [...REPORT_FORMATS] },
              minItems: 1,
              maxItems: REPORT_FORMATS.length,
              default: [...DEFAULT_REPORT_FORMATS],
              description: 'files to include; pdf comes base64-encoded in binaryFiles',
            },
          },
          ['framework', 'from', 'to'],
        ),
        response: errorResponses,
      },
    },
    async (req) => {
      const p = principalOf(req);
      const { tenant = homeTenant(p), ...rest } = req.body;
      const r = await s.reports.generate(p, { tenant, ...rest });
      // JSON carries text: binary files (the PDF) are base64 in their own member.
      const binaryFiles = Object.fromEntries(
        Object.entries(r.binaryFiles).map(([n, c]) => [n, Buffer.from(c).toString('base64')]),
      );
      return { report: r.report, files: r.files, binaryFiles, manifest: r.manifest };
    },
  );
}

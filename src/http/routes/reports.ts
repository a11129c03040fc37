/** Compliance reports (docs/reports.md, docs/api.md "Reports"). */
import type { FastifyInstance } from 'fastify';
import { homeTenant } from '../../app/principal.js';
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
          },
          ['framework', 'from', 'to'],
        ),
        response: errorResponses,
      },
    },
    async (req) => {
      const p = principalOf(req);
      const { tenant = homeTenant(p), ...rest } = req.body;
      return s.reports.generate(p, { tenant, ...rest });
    },
  );
}

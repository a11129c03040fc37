/** Report schedules (docs/reports.md "Schedules", docs/api.md "Report schedules"). */
import type { FastifyInstance } from 'fastify';
import type { ReportScheduleView } from '../../app/report-schedules.js';
import { VeritrailError } from '../../core/errors.js';
import { principalOf } from '../auth.js';
import { errorResponses, security } from '../schemas.js';

/** What the route reads: the running job's schedules and their last runs. */
export interface ReportScheduleSource {
  list(): ReportScheduleView[];
}

export function reportScheduleRoutes(app: FastifyInstance, source?: ReportScheduleSource): void {
  app.get(
    '/v1/report-schedules',
    {
      schema: {
        summary:
          'The report schedules of this server (admin token): cron, period, folder, next and last run',
        tags: ['reports'],
        security,
        response: errorResponses,
      },
    },
    (req) => {
      // Schedules span tenants and name server folders: the operator's token only.
      if (principalOf(req).kind !== 'admin')
        throw new VeritrailError('forbidden', 'report schedules need the admin token');
      return { schedules: source?.list() ?? [] };
    },
  );
}

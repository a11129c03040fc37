import { describe, it } from 'vitest';
import { runReportIndexStoreContract } from '../report-index-store.contract.js';
import { openPostgresStore } from './pg-store.js';
import { freshSchemas, pgAvailability, pgSuiteName } from './test-support/pg-test.js';

const pgUp = await pgAvailability();
const freshSchema = freshSchemas();

if (pgUp.ok) {
  runReportIndexStoreContract('postgres', async () => {
    const s = await freshSchema();
    return openPostgresStore({ url: s.url, leaderPollMs: 100 });
  });
} else {
  describe.skip(pgSuiteName('ReportIndexStore contract: postgres', pgUp), () => {
    it('runs the ReportIndexStore contract', () => {});
  });
}

import { afterAll, describe, it } from 'vitest';
import { runSourceStoreContract } from '../source-store.contract.js';
import { openPostgresStore } from './pg-store.js';
import {
  createTestSchema,
  pgAvailability,
  pgSuiteName,
  type TestSchema,
} from './test-support/pg-test.js';

const pgUp = await pgAvailability();
const schemas: TestSchema[] = [];
afterAll(async () => {
  for (const s of schemas) await s.drop();
});

if (pgUp.ok) {
  runSourceStoreContract('postgres', async () => {
    const s = await createTestSchema();
    schemas.push(s);
    return openPostgresStore({ url: s.url, leaderPollMs: 100 });
  });
} else {
  describe.skip(pgSuiteName('SourceHealthStore contract: postgres', pgUp), () => {
    it('runs the SourceHealthStore contract', () => {});
  });
}

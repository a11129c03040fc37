/**
 * Detection on PostgreSQL with two processes on one database: only the one leading the
 * background jobs evaluates, so each finding is one alert, never two.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createServices, type Services } from '../../app/services.js';
import { fakeDetector } from '../../app/test-support/fake-detector.js';
import { testSigner } from '../../app/test-support/signer.js';
import { openPostgresStore } from './pg-store.js';
import {
  createTestSchema,
  pgAvailability,
  pgSuiteName,
  type TestSchema,
} from './test-support/pg-test.js';

const pgUp = await pgAvailability();
const schemas: TestSchema[] = [];
const open: Services[] = [];
afterAll(async () => {
  for (const s of open.splice(0)) await s.close();
  for (const s of schemas) await s.drop();
});

const admin = { kind: 'admin' } as const;
const eventually = async (check: () => boolean | Promise<boolean>) => {
  for (let i = 0; i < 500 && !(await check()); i++) await new Promise((r) => setTimeout(r, 20));
  expect(await check()).toBe(true);
};

describe.skipIf(!pgUp.ok)(pgSuiteName('detection on postgres', pgUp), () => {
  it('runs only in the process that leads the jobs', async () => {
    const schema = await createTestSchema();
    schemas.push(schema);
    const signer = testSigner();
    const node = async () => {
      const s = createServices({
        store: await openPostgresStore({ url: schema.url, leaderPollMs: 100 }),
        signer,
        detector: fakeDetector(),
      });
      open.push(s);
      return s;
    };
    const a = await node();
    await eventually(() => a.store.coordination.isLeader());
    const b = await node();
    expect(b.store.coordination.isLeader()).toBe(false);
    await b.ingest.ingest(
      [{ tenant: 'acme', action: 'user.login_failed', actor: { id: 'alice' } }],
      admin,
    );
    expect(await b.detection!.step()).toBe(0);
    expect(await b.store.alerts.cursor('acme')).toBe(-1);
    expect(await a.detection!.step()).toBeGreaterThan(0);
    while ((await a.detection!.step()) > 0);
    const list = await b.store.alerts.list({ tenant: 'acme', limit: 10 });
    expect(list.map((x) => [x.ruleId, x.groupKey, x.count])).toEqual([
      ['brute', 'actor.id=alice', 1],
    ]);
    expect(await b.store.alerts.cursor('acme')).toBe(1); // the login and its alert.raised
  });
});

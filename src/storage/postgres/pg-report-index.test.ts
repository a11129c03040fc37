/**
 * The report index on PostgreSQL with two processes on one database, both catching up the same
 * log at once (the job in one, a report in the other): every entry is counted once, and a
 * report from either process shows the same figures.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createServices, type Services } from '../../app/services.js';
import { testSigner } from '../../app/test-support/signer.js';
import { DayIndexer } from '../../core/report/day-index.js';
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
const FROM = Date.parse('2026-01-01T00:00:00Z');
const DAY = 86_400_000;

describe.skipIf(!pgUp.ok)(pgSuiteName('report index on postgres', pgUp), () => {
  it('counts every entry once when two processes index the same log', async () => {
    const schema = await createTestSchema();
    schemas.push(schema);
    const signer = testSigner();
    const node = async () => {
      const s = createServices({
        store: await openPostgresStore({ url: schema.url, leaderPollMs: 100 }),
        signer,
        version: '0.0.0',
      });
      open.push(s);
      return s;
    };
    const [a, b] = [await node(), await node()];
    const events = Array.from({ length: 24_000 }, (_, i) => ({
      tenant: 'acme',
      action: i % 5 === 0 ? 'user.role_granted' : 'user.login',
      category: i % 5 === 0 ? ('account' as const) : ('authentication' as const),
      outcome: i % 9 === 0 ? ('failure' as const) : ('success' as const),
      actor: { id: `u${i % 13}` },
      observer: { service: i % 2 ? 'web' : 'api' },
      occurred_at: new Date(FROM + ((i * 7919) % (20 * DAY))).toISOString(),
    }));
    for (let i = 0; i < events.length; i += 1000)
      await a.ingest.ingest(events.slice(i, i + 1000), admin);
    await Promise.all([
      a.reportIndex.catchUp('acme'),
      b.reportIndex.catchUp('acme'),
      b.reportIndex.run(),
    ]);
    const want = new DayIndexer('acme', { marks: true });
    for (const r of await a.store.events.range('acme', 0, 24_000))
      if (r.event) want.add(r.seq, r.event, r.occurredMs);
    const byKey = (xs: { day: number; service: string }[]) =>
      xs.sort((x, y) => x.day - y.day || x.service.localeCompare(y.service));
    expect(byKey(await b.store.reportIndex.days('acme', 0, 100_000))).toEqual(
      byKey(want.dayMeasures()),
    );
    expect(await a.store.reportIndex.marks('acme', 0, FROM + 100 * DAY)).toEqual(want.takeMarks());
    const req = {
      framework: 'soc2',
      tenant: 'acme',
      from: '2026-01-01',
      to: '2026-01-20',
      verify: false,
    } as const;
    const [ra, rb] = [await a.reports.generate(admin, req), await b.reports.generate(admin, req)];
    expect(ra.report.events).toBe(24_000);
    for (const file of ['failed-access.csv', 'credential-role-changes.csv', 'coverage.csv'])
      expect(rb.files[file]).toBe(ra.files[file]);
    const failed = ra.report.sections.find((s) => s.id === 'failed_access');
    expect(failed?.count).toBe(
      events.filter((e) => e.outcome === 'failure' && e.category === 'authentication').length,
    );
  }, 120_000);
});

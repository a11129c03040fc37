import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DayIndexer, REPORT_INDEX_VERSION } from '../core/report/day-index.js';
// The composition root picks the adapter: src/app imports no storage module itself.
import { openStore } from '../main.js';
import type { Store } from './ports.js';
import { ReportIndex } from './report-index.js';
import { createServices } from './services.js';
import { makeEvent, toAppend } from './test-support/events.js';
import { testSigner } from './test-support/signer.js';

const DAY = 86_400_000;
const FROM = Date.parse('2026-01-01T00:00:00Z');
const dirs: string[] = [];
const stores: Store[] = [];

afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function storeWith(n: number): Promise<Store> {
  const dir = mkdtempSync(join(tmpdir(), 'veritrail-report-index-'));
  dirs.push(dir);
  const store = await openStore({ dataDir: dir, writerThread: false });
  stores.push(store);
  await append(store, n, 0);
  return store;
}

/** n events over 10 days from FROM, every 7th a failure, from two services. */
async function append(store: Store, n: number, offset: number): Promise<void> {
  const batch = [];
  for (let i = offset; i < offset + n; i++) {
    const at = new Date(FROM + ((i * 7919) % (10 * DAY))).toISOString();
    batch.push(
      toAppend(
        makeEvent(
          {
            occurred_at: at,
            category: 'authentication',
            outcome: i % 7 === 0 ? 'failure' : 'success',
            observer: { service: i % 2 === 0 ? 'web' : 'api' },
          },
          at,
        ),
      ),
    );
  }
  await store.events.append(batch);
}

/** What one indexer over the whole log computes, sorted for comparison. */
async function expectedDays(store: Store) {
  const ix = new DayIndexer('acme', { marks: true });
  for (const r of await store.events.range('acme', 0, await store.events.size('acme')))
    if (r.event) ix.add(r.seq, r.event, r.occurredMs);
  return { days: sorted(ix.dayMeasures()), marks: ix.takeMarks() };
}

const sorted = <T extends { day: number; service: string }>(xs: T[]) =>
  xs.sort((a, b) => a.day - b.day || a.service.localeCompare(b.service));

const indexOf = (store: Store) =>
  new ReportIndex({
    events: store.events,
    index: store.reportIndex,
    coordination: store.coordination,
  });

describe('the report index job', () => {
  it('counts every entry once when several indexers catch up at the same time', async () => {
    const store = await storeWith(25_000);
    const [a, b, c] = [indexOf(store), indexOf(store), indexOf(store)];
    await Promise.all([a.catchUp('acme'), b.catchUp('acme'), c.catchUp('acme'), a.run()]);
    const want = await expectedDays(store);
    expect(sorted(await store.reportIndex.days('acme', 0, 100_000))).toEqual(want.days);
    expect(await store.reportIndex.marks('acme', 0, FROM + 100 * DAY)).toEqual(want.marks);
    expect(await store.reportIndex.state('acme')).toEqual({
      afterSeq: 24_999,
      version: REPORT_INDEX_VERSION,
    });
  });

  it('lets timers and I/O run between its batches while it catches up', async () => {
    const store = await storeWith(10_000);
    let ticks = 0;
    const timer = setInterval(() => ticks++, 0);
    try {
      await indexOf(store).catchUp('acme');
    } finally {
      clearInterval(timer);
    }
    // Five batches of 2,000: the loop turned between them (without the yield: none).
    expect(ticks).toBeGreaterThanOrEqual(2);
  });

  it('goes on from its cursor as the log grows', async () => {
    const store = await storeWith(300);
    const ix = indexOf(store);
    expect(await ix.catchUp('acme')).toBe(299);
    await append(store, 200, 300);
    expect(await ix.catchUp('acme')).toBe(499);
    const want = await expectedDays(store);
    expect(sorted(await store.reportIndex.days('acme', 0, 100_000))).toEqual(want.days);
    expect(await store.reportIndex.marks('acme', 0, FROM + 100 * DAY)).toEqual(want.marks);
  });

  it('rebuilds an index made with other definitions', async () => {
    const store = await storeWith(100);
    await store.reportIndex.reset('acme', 'older-definitions');
    await store.reportIndex.apply('acme', {
      expectAfter: -1,
      afterSeq: 99,
      version: 'older-definitions',
      days: [],
      marks: [{ seq: 1, occurredMs: FROM, sections: 1 }],
    });
    await indexOf(store).catchUp('acme');
    const want = await expectedDays(store);
    expect(sorted(await store.reportIndex.days('acme', 0, 100_000))).toEqual(want.days);
    expect(await store.reportIndex.marks('acme', 0, FROM + 100 * DAY)).toEqual(want.marks);
  });

  it('keeps reports exact as events arrive between two reports', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'veritrail-report-index-'));
    dirs.push(dir);
    const s = createServices({
      store: await openStore({ dataDir: dir, writerThread: false }),
      signer: testSigner(),
      version: '0.0.0',
    });
    try {
      await append(s.store, 1000, 0);
      const req = {
        framework: 'soc2',
        tenant: 'acme',
        from: '2026-01-01',
        to: '2026-01-10',
        verify: false,
      } as const;
      const admin = { kind: 'admin' } as const;
      const one = await s.reports.generate(admin, req);
      await append(s.store, 500, 1000);
      const two = await s.reports.generate(admin, req);
      expect(one.report.events).toBe(1000);
      expect(two.report.events).toBe(1500);
      const failed = (r: typeof one) => r.report.sections.find((x) => x.id === 'failed_access');
      // Failures: every 7th of 0..999 and of 0..1499.
      expect(failed(one)?.count).toBe(Math.ceil(1000 / 7));
      expect(failed(two)?.count).toBe(Math.ceil(1500 / 7));
      // A period with a partial last day reads that day's events itself, with the same result.
      const partial = await s.reports.generate(admin, { ...req, to: '2026-01-10T23:59:59.999Z' });
      expect(partial.report.events).toBe(1500);
      expect(partial.files['failed-access.csv']).toBe(two.files['failed-access.csv']);
    } finally {
      await s.close();
    }
  });
});

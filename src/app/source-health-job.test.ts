import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
// The composition root picks the adapter: src/app imports no storage module itself.
import { openStore } from '../main.js';
import type { StoredEvent } from '../core/event/index.js';
import type { SourceRecord } from './ports.js';
import { createServices, type Services } from './services.js';
import { observe, SOURCE_GAP_RULE, SOURCE_SILENT_RULE } from './source-health-job.js';
import { makeEvent } from './test-support/events.js';
import { testSigner } from './test-support/signer.js';

const dirs: string[] = [];
const open: Services[] = [];
afterEach(async () => {
  for (const s of open.splice(0)) await s.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const T0 = Date.parse('2026-03-02T10:00:00Z');
const admin = { kind: 'admin' } as const;

async function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'veritrail-sources-'));
  dirs.push(dir);
  let now = T0;
  const clock = { now: () => new Date(now) };
  const store = await openStore({ dataDir: dir, writerThread: false });
  const s = createServices({ store, signer: testSigner(), clock, adminToken: 'x'.repeat(20) });
  open.push(s);
  return { s, job: s.sourceHealthJob, advance: (min: number) => (now += min * 60_000) };
}

const ev = (service: string, seq?: number) => ({
  tenant: 'acme',
  action: 'user.login',
  actor: { id: 'alice' },
  observer: seq === undefined ? { service } : { service, seq },
});

const alertsOf = async (s: Services, rule: string) =>
  (await s.alerts.list(admin, { tenant: 'acme', rule, limit: 500 })).alerts;

describe('source health job', () => {
  it('keeps first/last seen, count and last seq per source', async () => {
    const { s, job } = await setup();
    await s.ingest.ingest([ev('billing', 1), ev('billing', 2), ev('auth')], admin);
    await job.tick();
    const { sources } = await s.sources.list(admin, 'acme');
    expect(sources.map((x) => [x.service, x.count, x.last_observer_seq, x.status])).toEqual([
      ['auth', 1, null, 'unmonitored'],
      ['billing', 2, 2, 'unmonitored'],
    ]);
    expect(sources[1]!.last_received).toBe(new Date(T0).toISOString());
  });

  it('lets timers run while it works through a backlog (regression: it held the event loop)', async () => {
    const { s, job } = await setup();
    for (let i = 0; i < 8; i++)
      await s.ingest.ingest(
        Array.from({ length: 1000 }, (_, k) => ev('billing', i * 1000 + k + 1)),
        admin,
      );
    const end = (await s.store.events.size('acme')) - 1;
    const run = job.tick();
    await new Promise((r) => setTimeout(r, 0));
    expect(await s.store.sources.cursor('acme')).toBeLessThan(end);
    await run;
    expect(await s.store.sources.cursor('acme')).toBe(end);
  });

  it('raises one gap alert per jump with the missing range, and stores the gap', async () => {
    const { s, job } = await setup();
    await s.ingest.ingest([ev('billing', 1), ev('billing', 2), ev('billing', 6)], admin);
    await job.tick();
    // A duplicate and a late event change nothing; a new jump is a new gap on the same alert.
    await s.ingest.ingest([ev('billing', 6), ev('billing', 4), ev('billing', 9)], admin);
    await job.tick();
    const gaps = await s.store.sources.gaps('acme', 0, Number.MAX_SAFE_INTEGER, 10);
    expect(gaps.map((g) => [g.service, g.fromSeq, g.toSeq])).toEqual([
      ['billing', 3, 5],
      ['billing', 7, 8],
    ]);
    const alerts = await alertsOf(s, SOURCE_GAP_RULE.id);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({
      rule_title: 'Audit source sequence gap',
      group_key: 'observer.service=billing',
      count: 2,
      context: { service: 'billing', missing_from: 7, missing_to: 8, missing: 2 },
    });
    const raised = await s.store.events.range('acme', 0, await s.store.events.size('acme'));
    expect(raised.filter((r) => r.event?.action === 'alert.raised')).toHaveLength(1);
  });

  it('lists the gaps of the period in the coverage section of a report', async () => {
    const { s, job } = await setup();
    await s.ingest.ingest([ev('billing', 10), ev('billing', 14)], admin);
    await job.tick();
    const period = { from: '2026-03-02', to: '2026-03-02', verify: false, formats: ['json'] };
    const { report, files } = await s.reports.generate(admin, {
      framework: 'pci-dss',
      tenant: 'acme',
      ...period,
    });
    expect(report.coverage.sequenceGaps).toEqual([
      expect.objectContaining({ service: 'billing', fromSeq: 11, toSeq: 13 }),
    ]);
    expect(files['report.json']).toContain('"sequenceGaps"');
    const before = await s.reports.generate(admin, {
      framework: 'pci-dss',
      tenant: 'acme',
      ...period,
      from: '2026-03-01',
      to: '2026-03-01',
    });
    expect(before.report.coverage.sequenceGaps).toEqual([]);
  });

  it('raises a silent-source alert once past its cadence, and again after a new silence is resolved', async () => {
    const { s, job, advance } = await setup();
    await s.ingest.ingest([ev('billing', 1)], admin);
    await s.sources.setCadence(admin, 'acme', 'billing', { expected_every: '15m' });
    await job.tick();
    advance(15);
    await job.tick();
    expect(await alertsOf(s, SOURCE_SILENT_RULE.id)).toEqual([]);
    advance(1);
    await job.tick();
    advance(30);
    await job.tick(); // still the same silence: nothing added
    const [a] = await alertsOf(s, SOURCE_SILENT_RULE.id);
    expect(a).toMatchObject({ rule_title: 'Audit source silent', count: 1, severity: 'high' });
    expect((await s.sources.list(admin, 'acme')).sources[0]!.status).toBe('silent');
    // It resumes, the alert is resolved, then it goes quiet again: a new alert.
    await s.ingest.ingest([ev('billing', 2)], admin);
    await job.tick();
    expect((await s.sources.list(admin, 'acme')).sources[0]!.status).toBe('ok');
    await s.alerts.setStatus(admin, a!.id, { status: 'resolved' });
    advance(20);
    await job.tick();
    const after = await alertsOf(s, SOURCE_SILENT_RULE.id);
    expect(after.map((x) => x.status)).toEqual(['open', 'resolved']);
  });

  it('refuses a bad cadence, naming the field', async () => {
    const { s } = await setup();
    for (const v of ['15', '0m', '100d', 15, '1s'])
      await expect(
        s.sources.setCadence(admin, 'acme', 'billing', { expected_every: v }),
      ).rejects.toThrow(/expected_every/);
    await expect(s.sources.setCadence(admin, 'acme', 'billing', { every: '1h' })).rejects.toThrow(
      /every: unknown field/,
    );
  });
});

describe('observe', () => {
  const base: SourceRecord = {
    tenant: 't',
    service: 's',
    firstEventMs: null,
    lastEventMs: null,
    firstReceivedMs: null,
    lastReceivedMs: null,
    count: 0,
    lastObserverSeq: null,
    expectedEveryMs: null,
  };
  const event = (seq: number): StoredEvent =>
    makeEvent({ observer: { service: 's', seq } }, '2026-03-02T10:00:00Z');

  it('reports exactly the missing numbers of an ascending run without restarts', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 1, max: 200 }), { minLength: 1 }), (xs) => {
        const seqs = [...xs].sort((a, b) => a - b);
        let s = base;
        const missing: number[] = [];
        for (const q of seqs) {
          const r = observe(s, event(q));
          s = r.next;
          if (r.gap) for (let i = r.gap.fromSeq; i <= r.gap.toSeq; i++) missing.push(i);
        }
        const expected: number[] = [];
        for (let i = seqs[0]!; i <= seqs.at(-1)!; i++) if (!seqs.includes(i)) expected.push(i);
        expect(missing).toEqual(expected);
        expect(s.count).toBe(seqs.length);
        expect(s.lastObserverSeq).toBe(seqs.at(-1));
      }),
    );
  });

  it('treats seq 0 as a restarted counter, not a gap', () => {
    const a = observe(base, event(50)).next;
    const b = observe(a, event(0));
    expect(b.gap).toBeUndefined();
    expect(observe(b.next, event(1)).gap).toBeUndefined();
  });
});

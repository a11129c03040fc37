import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
// The composition root picks the adapter: src/app imports no storage module itself.
import { openStore } from '../main.js';
import { mergeEventIds } from './alerts.js';
import type { Coordination, Store } from './ports.js';
import { createServices, type Services } from './services.js';
import { fakeDetector, type FakeDetector } from './test-support/fake-detector.js';
import { testSigner } from './test-support/signer.js';

const dirs: string[] = [];
const open: Services[] = [];
afterEach(async () => {
  for (const s of open.splice(0)) await s.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const T0 = Date.parse('2026-03-02T10:00:00Z');
const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();

async function setup(
  opts: { dir?: string; detector?: FakeDetector; coordination?: Coordination } = {},
) {
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'veritrail-detect-'));
  if (!opts.dir) dirs.push(dir);
  const raw = await openStore({ dataDir: dir, writerThread: false });
  const store: Store = opts.coordination ? { ...raw, coordination: opts.coordination } : raw;
  const detector = opts.detector ?? fakeDetector();
  const s = createServices({ store, signer: testSigner(), detector, adminToken: 'x'.repeat(20) });
  open.push(s);
  return { s, dir, detector, job: s.detection! };
}

const failedLogin = (actor: string, minute: number, tenant = 'acme') => ({
  tenant,
  action: 'user.login_failed',
  outcome: 'failure',
  actor: { id: actor },
  occurred_at: at(minute),
});
const ok = (minute: number, tenant = 'acme') => ({
  tenant,
  action: 'user.login',
  actor: { id: 'carol' },
  occurred_at: at(minute),
});

const admin = { kind: 'admin' } as const;
const alertsOf = async (s: Services, tenant = 'acme') =>
  (await s.alerts.list(admin, { tenant, limit: 500 })).alerts;
const drain = async (job: { step(): Promise<number> }) => {
  while ((await job.step()) > 0);
};

describe('detection job', () => {
  it('merges findings of one group within the suppression window, raises anew after it', async () => {
    const { s, job } = await setup();
    await s.ingest.ingest(
      [
        failedLogin('alice', 0),
        ok(1),
        failedLogin('alice', 10),
        failedLogin('bob', 11),
        failedLogin('alice', 50),
        // 60 min after the last alice finding: still within the hour.
        failedLogin('alice', 110),
        // 61 min after: a new alert.
        failedLogin('alice', 171),
      ],
      admin,
    );
    await drain(job);
    const alerts = await alertsOf(s);
    const alice = alerts.filter((a) => a.group_key === 'actor.id=alice');
    const bob = alerts.filter((a) => a.group_key === 'actor.id=bob');
    expect(alice.map((a) => a.count)).toEqual([1, 4]); // newest first
    expect(alice[1]).toMatchObject({
      rule_id: 'brute',
      rule_title: 'Failed logins',
      severity: 'high',
      status: 'open',
      first_seen: at(0),
      last_seen: at(110),
    });
    expect(alice[1]!.event_ids).toHaveLength(4);
    expect(alice[0]!.first_seen).toBe(at(171));
    expect(bob.map((a) => a.count)).toEqual([1]);
    expect(alerts).toHaveLength(3);
    expect(await s.metrics.registry.getSingleMetricAsString('veritrail_alerts_total')).toMatch(
      /severity="high"} 3/,
    );
  });

  it('a resolved alert is not added to: the next finding raises a new one', async () => {
    const { s, job } = await setup();
    await s.ingest.ingest([failedLogin('alice', 0)], admin);
    await drain(job);
    const [first] = await alertsOf(s);
    await s.alerts.setStatus(admin, first!.id, { status: 'resolved', note: 'reset password' });
    await s.ingest.ingest([failedLogin('alice', 1)], admin);
    await drain(job);
    const all = await alertsOf(s);
    expect(all.map((a) => [a.status, a.count])).toEqual([
      ['open', 1],
      ['resolved', 1],
    ]);
  });

  it('appends alert.raised to the tenant log, and never evaluates its own alert events', async () => {
    const { s, job, detector } = await setup();
    await s.ingest.ingest([failedLogin('alice', 0)], admin);
    await drain(job);
    const [a] = await alertsOf(s);
    const page = await s.search.search(admin, { tenant: 'acme', q: 'action:alert.*' });
    expect(page.events).toHaveLength(1);
    const ev = page.events[0]!;
    expect(ev).toMatchObject({
      action: 'alert.raised',
      actor: { id: 'rule:brute', type: 'system' },
      targets: [{ id: a!.id, type: 'alert' }],
      observer: { service: 'veritrail' },
      severity: 'high',
      metadata: {
        rule: 'brute',
        severity: 'high',
        group_key: 'actor.id=alice',
        count: 1,
        event_ids: a!.event_ids,
      },
    });
    await s.alerts.setStatus(admin, a!.id, { status: 'acknowledged', note: 'looking' });
    await drain(job);
    // The log holds the login, alert.raised and alert.acknowledged; only the login was fed.
    expect(await s.store.events.size('acme')).toBe(3);
    const login = await s.store.events.getBySeq('acme', 0);
    expect(detector.seen.filter((k) => k.startsWith('acme/'))).toEqual([`acme/${login!.id}`]);
    expect(await s.store.alerts.cursor('acme')).toBe(2);
    const ack = await s.search.search(admin, { tenant: 'acme', q: 'action:alert.acknowledged' });
    expect(ack.events[0]).toMatchObject({
      actor: { id: 'admin-token', type: 'system' },
      reason: 'looking',
      targets: [{ id: a!.id, type: 'alert' }],
    });
  });

  it('follows _system too (alerts on it stay in _system)', async () => {
    const { s, job } = await setup();
    await s.audit.record(admin, 'admin.key_create', 'acme', { key_id: 'k1' });
    await drain(job);
    const sys = await alertsOf(s, '_system');
    expect(sys.map((a) => a.rule_id)).toEqual(['admin']);
    expect(await alertsOf(s)).toEqual([]);
  });

  it('resumes from its cursor after a restart without re-alerting', async () => {
    const first = await setup();
    await first.s.ingest.ingest([failedLogin('alice', 0), failedLogin('bob', 0)], admin);
    await drain(first.job);
    await first.s.close();
    open.splice(open.indexOf(first.s), 1);
    const again = await setup({ dir: first.dir });
    await drain(again.job);
    // Only the audit.alerts entry of the listing above, in _system: nothing of acme again.
    expect(again.detector.seen.filter((k) => k.startsWith('acme/'))).toEqual([]);
    expect(await alertsOf(again.s)).toHaveLength(2);
    await again.s.ingest.ingest([failedLogin('dave', 1)], admin);
    await drain(again.job);
    expect(again.detector.seen.filter((k) => k.startsWith('acme/'))).toHaveLength(1);
    expect(await alertsOf(again.s)).toHaveLength(3);
  });

  it('bounds the work of one step and only runs while leading', async () => {
    let leader = false;
    const coordination: Coordination = { isLeader: () => leader, onRemoteAppend: () => () => {} };
    const { s, job, detector } = await setup({ coordination });
    await s.ingest.ingest(
      Array.from({ length: 1000 }, (_, i) => ok(i)),
      admin,
    );
    await s.ingest.ingest(
      Array.from({ length: 500 }, (_, i) => ok(i)),
      admin,
    );
    expect(await job.step()).toBe(0);
    expect(detector.seen).toEqual([]);
    leader = true;
    expect(await job.step()).toBe(1000);
    expect(await job.step()).toBe(500);
    expect(await job.step()).toBe(0);
    expect(detector.seen).toHaveLength(1500);
  });

  it('runs in the background once started, and stops', async () => {
    const { s, job } = await setup();
    job.start();
    await s.ingest.ingest([failedLogin('alice', 0)], admin);
    for (let i = 0; i < 500 && (await alertsOf(s)).length === 0; i++)
      await new Promise((r) => setTimeout(r, 10));
    expect(await alertsOf(s)).toHaveLength(1);
    await job.stop();
  });

  it('lets timers run while it works through a backlog (regression: it held the event loop)', async () => {
    const { s, job } = await setup();
    const backlog = Array.from({ length: 8000 }, (_, i) => ok(i % 600));
    for (let i = 0; i < backlog.length; i += 1000)
      await s.ingest.ingest(backlog.slice(i, i + 1000), admin);
    const end = (await s.store.events.size('acme')) - 1;
    job.start();
    // A timer set now fires at the first turn of the event loop: mid-backlog when the job
    // yields between steps of 1,000 entries, only after all 8,000 when it does not.
    await new Promise((r) => setTimeout(r, 0));
    expect(await s.store.alerts.cursor('acme')).toBeLessThan(end);
    for (let i = 0; i < 500 && (await s.store.alerts.cursor('acme')) < end; i++)
      await new Promise((r) => setTimeout(r, 10));
    expect(await s.store.alerts.cursor('acme')).toBe(end);
    await job.stop();
  });

  it('a detector that throws on one entry does not stop the log', async () => {
    const detector = fakeDetector();
    const evaluate = detector.evaluate.bind(detector);
    const errors: unknown[] = [];
    const d: FakeDetector = {
      ...detector,
      evaluate: (e) => {
        if (e.actor.id === 'boom') throw new Error('rule bug');
        return evaluate(e);
      },
    };
    const dir = mkdtempSync(join(tmpdir(), 'veritrail-detect-'));
    dirs.push(dir);
    const s = createServices({
      store: await openStore({ dataDir: dir, writerThread: false }),
      signer: testSigner(),
      detector: d,
      onBackgroundError: (e) => errors.push(e),
    });
    open.push(s);
    await s.ingest.ingest([failedLogin('boom', 0), failedLogin('alice', 1)], admin);
    await drain(s.detection!);
    expect((await alertsOf(s)).map((a) => a.group_key)).toEqual(['actor.id=alice']);
    expect(errors).toHaveLength(1);
  });
});

describe('mergeEventIds', () => {
  it('keeps every id while they fit, then the oldest half and the newest half', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.integer({ min: 0, max: 10_000 }), { maxLength: 60 }), {
          maxLength: 10,
        }),
        (batches) => {
          let kept: string[] = [];
          const all: string[] = [];
          for (const b of batches) {
            const ids = b.map(String);
            kept = mergeEventIds(kept, ids);
            for (const id of ids) if (!all.includes(id)) all.push(id);
          }
          expect(kept.length).toBe(Math.min(all.length, 100));
          if (all.length <= 100) expect(kept).toEqual(all);
          else {
            expect(kept.slice(0, 50)).toEqual(all.slice(0, 50));
            expect(kept.slice(50)).toEqual(all.slice(-50));
          }
        },
      ),
    );
  });
});

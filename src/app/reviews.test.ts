import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
// The composition root picks the adapter: src/app imports no storage module itself.
import { openStore } from '../main.js';
import { createServices, type Services } from './services.js';
import { testSigner } from './test-support/signer.js';

const dirs: string[] = [];
const open: Services[] = [];
afterEach(async () => {
  for (const s of open.splice(0)) await s.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const DAY = 86_400_000;
const T0 = Date.parse('2026-03-02T00:00:00Z');
const admin = { kind: 'admin' } as const;

async function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'veritrail-reviews-'));
  dirs.push(dir);
  let now = T0;
  const clock = { now: () => new Date(now) };
  const store = await openStore({ dataDir: dir, writerThread: false });
  const s = createServices({ store, signer: testSigner(), clock, adminToken: 'x'.repeat(20) });
  open.push(s);
  return { s, setNow: (ms: number) => (now = ms) };
}

const at = (day: number, hour = 12) => new Date(T0 + day * DAY + hour * 3_600_000).toISOString();
const ev = (action: string, day: number, privileged = false) => ({
  tenant: 'acme',
  action,
  actor: { id: 'alice', privileged },
  occurred_at: at(day),
});

describe('reviews', () => {
  it('opens one review per ended period with the events in scope and the alerts raised', async () => {
    const { s, setNow } = await setup();
    const task = await s.reviews.createTask(admin, 'acme', {
      name: 'Weekly privileged activity',
      scope: 'actor.privileged:true',
      period: '7d',
      assignee: 'admin',
      starts: '2026-03-02',
    });
    expect(task).toMatchObject({ every: '1w', next_due: '2026-03-09T00:00:00.000Z' });
    await s.ingest.ingest(
      [
        ev('user.role_grant', 0, true),
        ev('user.login', 1),
        ev('config.change', 6, true),
        ev('user.role_grant', 7, true), // the next period
      ],
      admin,
    );
    setNow(T0 + 3 * DAY);
    await s.reviewJob.tick();
    expect(await s.reviews.list(admin, 'acme')).toEqual([]); // the period has not ended
    setNow(T0 + 7 * DAY);
    await s.reviewJob.tick();
    await s.reviewJob.tick(); // idempotent: still one review
    const list = await s.reviews.list(admin, 'acme', 'open');
    expect(list).toHaveLength(1);
    const r = await s.reviews.get(admin, list[0]!.id);
    expect(r).toMatchObject({
      from: '2026-03-02T00:00:00.000Z',
      to: '2026-03-09T00:00:00.000Z',
      status: 'open',
      packet: {
        events: 2,
        by_action: { 'user.role_grant': 1, 'config.change': 1 },
        event_ids_truncated: false,
        alerts: 0,
      },
    });
    expect((r.packet as { event_ids: string[] }).event_ids).toHaveLength(2);
    setNow(T0 + 15 * DAY);
    await s.reviewJob.tick();
    const two = await s.reviews.list(admin, 'acme');
    expect(two.map((x) => x.from)).toEqual([
      '2026-03-09T00:00:00.000Z',
      '2026-03-02T00:00:00.000Z',
    ]);
  });

  it('a sign-off is a review.signed_off event of the tenant and shows in a report', async () => {
    const { s, setNow } = await setup();
    await s.reviews.createTask(admin, 'acme', {
      name: 'daily',
      period: '1d',
      assignee: 'security-lead',
      starts: '2026-03-02',
    });
    await s.ingest.ingest([ev('user.login', 0)], admin);
    setNow(T0 + DAY + 3_600_000);
    await s.reviewJob.tick();
    const [open1] = await s.reviews.list(admin, 'acme');
    const reviewer = {
      kind: 'key',
      keyId: 'k_reviewer',
      tenant: 'acme',
      scopes: ['read'],
    } as const;
    const stranger = {
      kind: 'key',
      keyId: 'k_other',
      tenant: 'globex',
      scopes: ['admin'],
    } as const;
    const ingestOnly = { kind: 'key', keyId: 'k_in', tenant: 'acme', scopes: ['ingest'] } as const;
    await expect(
      s.reviews.signOff(ingestOnly, open1!.id, { decision: 'approved', note: 'x' }),
    ).rejects.toMatchObject({ code: 'forbidden' });
    await expect(
      s.reviews.signOff(stranger, open1!.id, { decision: 'approved', note: 'x' }),
    ).rejects.toMatchObject({ code: 'not_found' });
    await expect(
      s.reviews.signOff(reviewer, open1!.id, { decision: 'fine', note: 'x' }),
    ).rejects.toThrow(/decision/);
    const signed = await s.reviews.signOff(reviewer, open1!.id, {
      decision: 'exceptions_noted',
      note: 'one login outside hours, explained',
    });
    expect(signed).toMatchObject({ status: 'signed_off', sign_off: { by: 'key:k_reviewer' } });
    await expect(
      s.reviews.signOff(reviewer, open1!.id, { decision: 'approved', note: 'again' }),
    ).rejects.toMatchObject({ code: 'conflict' });
    const log = await s.store.events.range('acme', 0, await s.store.events.size('acme'));
    const signOffs = log.filter((e) => e.event?.action === 'review.signed_off');
    expect(signOffs).toHaveLength(1);
    expect(signOffs[0]!.event).toMatchObject({
      reason: 'one login outside hours, explained',
      targets: [{ id: open1!.id, type: 'review' }],
      metadata: { decision: 'exceptions_noted', events_in_scope: 1 },
    });
    const { report } = await s.reports.generate(admin, {
      framework: 'pci-dss',
      tenant: 'acme',
      from: '2026-03-01',
      to: '2026-03-05',
      verify: false,
      formats: ['json'],
    });
    const section = report.sections.find((x) => x.id === 'reviews');
    expect(section?.count).toBe(1);
    expect(section?.byAction).toEqual([{ action: 'review.signed_off', count: 1 }]);
  });

  it('refuses bad task definitions, naming the field', async () => {
    const { s } = await setup();
    const base = { name: 'w', period: '7d', assignee: 'admin' };
    for (const [body, field] of [
      [{ ...base, period: '7x' }, 'period'],
      [{ ...base, every: '0d' }, 'every'],
      [{ ...base, assignee: '' }, 'assignee'],
      [{ ...base, starts: 'monday' }, 'starts'],
      [{ ...base, cron: '* * * * *' }, 'cron'],
      [{ ...base, scope: 'action:(' }, 'q'],
    ] as const)
      await expect(s.reviews.createTask(admin, 'acme', body)).rejects.toMatchObject({
        details: [expect.objectContaining({ path: field })],
      });
    await s.reviews.createTask(admin, 'acme', base);
    await expect(s.reviews.createTask(admin, 'acme', base)).rejects.toMatchObject({
      code: 'conflict',
    });
  });
});

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
// The composition root picks the adapter: src/app imports no storage module itself.
import { openStore } from '../main.js';
import { createServices, type Services } from './services.js';
import { fakeDetector } from './test-support/fake-detector.js';
import { testSigner } from './test-support/signer.js';

const dirs: string[] = [];
const open: Services[] = [];
afterEach(async () => {
  for (const s of open.splice(0)) await s.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const T0 = Date.parse('2026-03-02T10:00:00Z');
const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();
const admin = { kind: 'admin' } as const;

async function services() {
  const dir = mkdtempSync(join(tmpdir(), 'veritrail-backtest-'));
  dirs.push(dir);
  const s = createServices({
    store: await openStore({ dataDir: dir, writerThread: false }),
    signer: testSigner(),
    detector: fakeDetector(),
  });
  open.push(s);
  return s;
}

const failed = (actor: string, minute: number) => ({
  tenant: 'acme',
  action: 'user.login_failed',
  actor: { id: actor },
  occurred_at: at(minute),
});

describe('backtest', () => {
  it('merges findings like detection, pages through the log, and stores nothing', async () => {
    const s = await services();
    const minutes = [0, 10, 70, 200, 201];
    await s.ingest.ingest(
      [...minutes.map((m) => failed('alice', m)), failed('bob', 5), failed('carol', 2000)],
      admin,
    );
    const r = await s.backtest(fakeDetector(), {
      tenant: 'acme',
      sinceMs: Date.parse(at(0)),
      untilMs: Date.parse(at(1000)),
      pageSize: 2,
    });
    expect(r).toMatchObject({ scanned: 7, evaluated: 6, findings: 6, alerts_total: 3 });
    expect(r.alerts.map((a) => [a.group_key, a.count, a.findings])).toEqual([
      ['actor.id=alice', 3, 3],
      ['actor.id=alice', 2, 2],
      ['actor.id=bob', 1, 1],
    ]);
    expect(r.by_rule).toEqual([
      { rule_id: 'brute', rule_title: 'Failed logins', severity: 'high', alerts: 3, findings: 6 },
    ]);
    expect(await s.store.alerts.list({ tenant: 'acme', limit: 10 })).toEqual([]);
    expect(await s.store.alerts.cursor('acme')).toBe(-1);
    expect(await s.store.events.size('acme')).toBe(7);
  });

  it('keeps at most maxAlerts in the result and counts them all', async () => {
    const s = await services();
    await s.ingest.ingest(
      Array.from({ length: 30 }, (_, i) => failed(`u${i}`, i)),
      admin,
    );
    const r = await s.backtest(fakeDetector(), { tenant: 'acme', maxAlerts: 5 });
    expect([r.alerts.length, r.alerts_total, r.truncated]).toEqual([5, 30, true]);
  });

  it('skips the alert events detection wrote', async () => {
    const s = await services();
    await s.ingest.ingest([failed('alice', 0)], admin);
    while ((await s.detection!.step()) > 0);
    expect(await s.store.events.size('acme')).toBe(2);
    const r = await s.backtest(fakeDetector(), { tenant: 'acme' });
    expect([r.scanned, r.evaluated, r.alerts_total]).toEqual([2, 1, 1]);
  });
});

/**
 * The built-in rule pack (rules/builtin, read by src/rule-files.ts) through the whole detection
 * service: native events ingested into a SQLite store, the detection job run over the log to
 * its end, alerts read back through the alerts use case, and the `alert.raised` events it
 * appended to the tenant's log. One attack, in event time (Monday 2 March 2026, UTC; the pack's
 * business hours are Mon–Fri 07:00–20:00 UTC, so everything from 20:00 on is off hours):
 *
 * - 20:30:00–20:31:50  12 failed sign-ins of `mallory` from 203.0.113.7, 10 s apart: the 10th
 *                      (20:31:30) crosses 'Brute force against an account' (≥ 10 in 5 min);
 *                      12 stay under the per-address threshold (≥ 20) and spraying (10 accounts)
 * - 20:33:00           mallory signs in: 'Successful authentication after a brute force'
 * - 20:40:00           `it-helpdesk` grants mallory the admin role (`role.grant`, first target)
 * - 20:45:00           mallory, now an admin, changes a setting: 'Privilege granted then used'
 *                      and, at 20:45, 'Administrative action outside business hours'
 * - 20:50:00–20:55:57  mallory exports 120 customers (pii, financial), 3 s apart: the 100th
 *                      (20:54:57) crosses 'Mass access to sensitive data by one account'
 *                      (≥ 100 in 10 min); every export is also an off-hours admin action
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createDetector, type Detector } from '../core/detect/index.js';
import type { StoredEvent } from '../core/event/index.js';
// The composition root picks the adapter: src/app imports no storage module itself.
import { openStore } from '../main.js';
import { readRuleFiles } from '../rule-files.js';
import { createServices, type Services } from './services.js';
import { testSigner } from './test-support/signer.js';

/** After every event of the scenario: the services' and the detector's only clock. */
const NOW = Date.parse('2026-03-03T06:00:00Z');
const TENANT = 'acme';
const IP = '203.0.113.7';
const admin = { kind: 'admin' } as const;

const BRUTE_FORCE = 'Brute force against an account';
const BRUTE_FORCE_SUCCESS = 'Successful authentication after a brute force';
const GRANT_THEN_USE = 'Privilege granted then used';
const OFF_HOURS = 'Administrative action outside business hours';
const MASS_ACCESS = 'Mass access to sensitive data by one account';

/** `hh:mm:ss` on Monday 2 March 2026, UTC, plus `plusSeconds`. */
const at = (hms: string, plusSeconds = 0) =>
  new Date(Date.parse(`2026-03-02T${hms}Z`) + plusSeconds * 1000).toISOString();

const signIn = (outcome: 'success' | 'failure', occurred_at: string) => ({
  tenant: TENANT,
  action: 'user.login',
  category: 'authentication',
  outcome,
  actor: { id: 'mallory', type: 'user' },
  source: { ip: IP },
  occurred_at,
});
/** `n` failed sign-ins of mallory, 10 s apart from `from`. */
const failures = (from: string, n = 12) =>
  Array.from({ length: n }, (_, i) => signIn('failure', at(from, 10 * i)));
const grant = (occurred_at: string) => ({
  tenant: TENANT,
  action: 'role.grant',
  category: 'access_control',
  outcome: 'success',
  actor: { id: 'it-helpdesk', type: 'user' },
  targets: [
    { id: 'mallory', type: 'user' },
    { id: 'admin', type: 'role' },
  ],
  occurred_at,
});
const asAdmin = { id: 'mallory', type: 'user', roles: ['admin'] } as const;
const privilegedAction = (occurred_at: string) => ({
  tenant: TENANT,
  action: 'settings.update',
  category: 'configuration',
  outcome: 'success',
  actor: asAdmin,
  source: { ip: IP },
  targets: [{ id: 'sso', type: 'setting' }],
  occurred_at,
});
/** 120 exports of one customer each, classed pii and financial, 3 s apart from `from`. */
const exports = (from: string) =>
  Array.from({ length: 120 }, (_, i) => ({
    tenant: TENANT,
    action: 'customer.export',
    category: 'data',
    outcome: 'success',
    actor: asAdmin,
    source: { ip: IP },
    targets: [{ id: `cus_${i}`, type: 'customer', data_class: ['pii', 'financial'] }],
    occurred_at: at(from, 3 * i),
  }));

/** The attack, in event time (see the header). */
const attack = () => [
  ...failures('20:30:00'),
  signIn('success', at('20:33:00')),
  grant(at('20:40:00')),
  privilegedAction(at('20:45:00')),
  ...exports('20:50:00'),
];

const dirs: string[] = [];
const open: Services[] = [];
afterEach(async () => {
  for (const s of open.splice(0)) await s.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** Services over a fresh SQLite store and the built-in pack; `seen` is what detection fed it. */
async function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'veritrail-scenario-'));
  dirs.push(dir);
  const loaded = createDetector({ files: readRuleFiles(), now: () => NOW });
  expect(loaded.errors).toEqual([]);
  const seen: StoredEvent[] = [];
  const detector: Detector = {
    rules: loaded.detector.rules,
    evaluate: (e) => {
      seen.push(e);
      return loaded.detector.evaluate(e);
    },
    stateSize: () => loaded.detector.stateSize(),
  };
  const s = createServices({
    store: await openStore({ dataDir: dir, writerThread: false }),
    signer: testSigner(),
    clock: { now: () => new Date(NOW) },
    adminToken: 'x'.repeat(20),
    detector,
    onBackgroundError: (e) => {
      throw e;
    },
  });
  open.push(s);
  /** Ingests the events, then runs the detection job to the end of every log. */
  const run = async (events: readonly unknown[]) => {
    await s.ingest.ingest(events, admin);
    while ((await s.detection!.step()) > 0);
  };
  return { s, seen, run };
}

/** The tenant's alerts, oldest first_seen first, as [title, group key, first, last, count]. */
async function alertRows(s: Services, tenant = TENANT) {
  const { alerts } = await s.alerts.list(admin, { tenant, limit: 500 });
  return alerts
    .slice()
    .sort((a, b) => a.first_seen.localeCompare(b.first_seen))
    .map((a) => [a.rule_title, a.group_key, a.first_seen, a.last_seen, a.count] as const);
}

/** The tenant's `alert.raised` events, in log order. */
async function raisedEvents(s: Services, tenant = TENANT): Promise<StoredEvent[]> {
  const size = await s.store.events.size(tenant);
  return (await s.store.events.range(tenant, 0, size))
    .map((r) => r.event)
    .filter((e): e is StoredEvent => e !== null && e.action === 'alert.raised');
}

describe('the built-in pack on a generated attack, through detection and alerts', () => {
  it('raises each built-in alert of the attack once, in order, each with its alert.raised event', async () => {
    const { s, seen, run } = await setup();
    await run(attack());

    expect(await alertRows(s)).toEqual([
      [BRUTE_FORCE, 'actor.id=mallory', at('20:30:00'), at('20:31:30'), 10],
      [BRUTE_FORCE_SUCCESS, 'actor.id=mallory', at('20:31:30'), at('20:33:00'), 2],
      [GRANT_THEN_USE, 'grantee=mallory', at('20:40:00'), at('20:45:00'), 2],
      // The setting changed at 20:45, then the 120 exports.
      [OFF_HOURS, 'actor.id=mallory', at('20:45:00'), at('20:55:57'), 121],
      [MASS_ACCESS, 'actor.id=mallory', at('20:50:00'), at('20:54:57'), 100],
    ]);
    const { alerts } = await s.alerts.list(admin, { tenant: TENANT, limit: 500 });
    expect(Object.fromEntries(alerts.map((a) => [a.rule_title, a.severity]))).toEqual({
      [BRUTE_FORCE]: 'medium',
      [BRUTE_FORCE_SUCCESS]: 'high',
      [GRANT_THEN_USE]: 'medium',
      [OFF_HOURS]: 'medium',
      [MASS_ACCESS]: 'high',
    });
    for (const a of alerts) expect(a.status).toBe('open');

    // One alert.raised per alert, appended in the order the alerts were raised (here also
    // the order of first_seen), each naming its alert, rule and group as raised.
    const raised = await raisedEvents(s);
    const byId = new Map(alerts.map((a) => [a.id, a]));
    expect(
      raised.map((e) => [e.metadata?.rule_title, e.metadata?.group_key, e.metadata?.count]),
    ).toEqual([
      [BRUTE_FORCE, 'actor.id=mallory', 10],
      [BRUTE_FORCE_SUCCESS, 'actor.id=mallory', 2],
      [GRANT_THEN_USE, 'grantee=mallory', 2],
      [OFF_HOURS, 'actor.id=mallory', 1],
      [MASS_ACCESS, 'actor.id=mallory', 100],
    ]);
    for (const e of raised) {
      const a = byId.get(e.targets?.[0]?.id ?? '');
      expect(a).toBeDefined();
      expect(e).toMatchObject({
        tenant: TENANT,
        category: 'audit',
        severity: a!.severity,
        actor: { id: `rule:${a!.rule_id}`, type: 'system' },
        targets: [{ id: a!.id, type: 'alert' }],
        observer: { service: 'veritrail' },
        metadata: { rule: a!.rule_id, rule_title: a!.rule_title, group_key: a!.group_key },
      });
    }
    expect(new Set(raised.map((e) => e.targets?.[0]?.id)).size).toBe(5);

    // The alert events trigger nothing: detection read the whole log but never fed them to the
    // rules, and the pack finds nothing in them either when they are fed to it directly.
    const size = await s.store.events.size(TENANT);
    expect(size).toBe(attack().length + 5);
    expect(await s.store.alerts.cursor(TENANT)).toBe(size - 1);
    expect(seen.filter((e) => e.action.startsWith('alert.'))).toEqual([]);
    expect(seen.filter((e) => e.tenant === TENANT)).toHaveLength(attack().length);
    const fresh = createDetector({ files: readRuleFiles(), now: () => NOW }).detector;
    expect(raised.flatMap((e) => fresh.evaluate(e))).toEqual([]);
    await run([privilegedAction(at('20:56:00'))]); // one more event: the log is read again
    expect((await raisedEvents(s)).length).toBe(5);
    expect(await alertRows(s, '_system')).toEqual([]);
  });

  it('adds to an alert within its suppression window, raises a new one after it', async () => {
    const { s, run } = await setup();
    await run(attack());

    // Inside every window: brute force again (its 10th failure at 20:59:30 is 26.5 min after
    // the alert's last_seen, window 30 min), the sign-in, a second grant and its use at 21:05
    // (20 min after, window 1 h), also off hours (9 min after the last export, window 1 h).
    await run([
      ...failures('20:58:00'),
      signIn('success', at('21:00:00')),
      grant(at('21:02:00')),
      privilegedAction(at('21:05:00')),
    ]);
    expect(await alertRows(s)).toEqual([
      [BRUTE_FORCE, 'actor.id=mallory', at('20:30:00'), at('20:59:30'), 20],
      [BRUTE_FORCE_SUCCESS, 'actor.id=mallory', at('20:31:30'), at('21:00:00'), 4],
      [GRANT_THEN_USE, 'grantee=mallory', at('20:40:00'), at('21:05:00'), 4],
      [OFF_HOURS, 'actor.id=mallory', at('20:45:00'), at('21:05:00'), 122],
      [MASS_ACCESS, 'actor.id=mallory', at('20:50:00'), at('20:54:57'), 100],
    ]);
    expect(await raisedEvents(s)).toHaveLength(5);

    // After the windows: a brute force starting 40.5 min after the alert's last_seen (window
    // 30 min), and an admin action 65 min after the off-hours alert's last_seen (window 1 h).
    await run([...failures('21:40:00'), privilegedAction(at('22:10:00'))]);
    const rows = await alertRows(s);
    expect(rows).toHaveLength(7);
    expect(rows.slice(5)).toEqual([
      [BRUTE_FORCE, 'actor.id=mallory', at('21:40:00'), at('21:41:30'), 10],
      [OFF_HOURS, 'actor.id=mallory', at('22:10:00'), at('22:10:00'), 1],
    ]);
    // The earlier alerts are unchanged.
    expect(rows.slice(0, 2).map((r) => r[4])).toEqual([20, 4]);
    expect(rows[3]?.[4]).toBe(122);
    const raised = await raisedEvents(s);
    expect(
      raised.map((e) => [e.metadata?.rule_title, e.occurred_at, e.metadata?.count]).slice(5),
    ).toEqual([
      [BRUTE_FORCE, new Date(NOW).toISOString(), 10],
      [OFF_HOURS, new Date(NOW).toISOString(), 1],
    ]);
  });
});

/**
 * Retention end to end on every store (SQLite always, PostgreSQL when reachable): after a
 * purge, `verify` passes; inclusion proofs of remaining and purged entries verify against a
 * checkpoint signed before the purge and one signed after, which are consistent; held events
 * are untouched; the purge is a `retention.purge` entry of the log itself.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { VeritrailError } from '../core/errors.js';
import { leafHash, verifyConsistency, verifyInclusion } from '../core/merkle/index.js';
import { openSqliteStore } from './sqlite/sqlite-store.js';
import { openPostgresStore } from './postgres/pg-store.js';
import {
  createTestSchema,
  pgAvailability,
  pgSuiteName,
  type TestSchema,
} from './postgres/test-support/pg-test.js';
import type { StoredCheckpoint, Store, StoredRecord } from '../app/ports.js';
import { SYSTEM_TENANT } from '../app/principal.js';
import { createServices, type Services } from '../app/services.js';
import { testSigner } from '../app/test-support/signer.js';
import { purgeView } from '../app/retention.js';
import { RetentionJob } from '../app/retention-job.js';

const admin = { kind: 'admin' } as const;
const NOW = Date.parse('2026-11-26T12:00:00.000Z');
const DAY = 86_400_000;
const ago = (days: number) => new Date(NOW - days * DAY).toISOString();

const dirs: string[] = [];
const schemas: TestSchema[] = [];
afterAll(async () => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  for (const s of schemas) await s.drop();
});

const pgUp = await pgAvailability();
const stores: [string, () => Promise<Store>][] = [
  [
    'sqlite',
    () => {
      const d = mkdtempSync(join(tmpdir(), 'veritrail-retention-app-'));
      dirs.push(d);
      return Promise.resolve(openSqliteStore({ dataDir: d, writerThread: false }));
    },
  ],
];
if (pgUp.ok)
  stores.push([
    'postgres',
    async () => {
      const s = await createTestSchema();
      schemas.push(s);
      return openPostgresStore({ url: s.url, coordinate: false });
    },
  ]);
else describe.skip(pgSuiteName('retention on postgres', pgUp), () => it('runs', () => {}));

/** Ages in days of the seeded events, in seq order, and their actors. */
const SEED: [number, string, string][] = [
  [4000, 'alice', 'user.login'],
  [3900, 'bob', 'user.login'],
  [3000, 'alice', 'invoice.delete'],
  [2600, 'carol', 'user.login'],
  [2600, 'bob', 'invoice.delete'],
  [2000, 'alice', 'user.login'],
  [400, 'carol', 'user.login'],
  [10, 'bob', 'user.login'],
];

async function seeded(open: () => Promise<Store>) {
  const clock = { now: () => new Date(NOW) };
  const s = createServices({ store: await open(), signer: testSigner(), clock });
  await s.ingest.ingest(
    SEED.map(([days, actor, action]) => ({
      tenant: 'acme',
      action,
      actor: { id: actor },
      outcome: 'success',
      occurred_at: ago(days),
    })),
    admin,
  );
  return s;
}

const all = (s: Services, tenant = 'acme') => s.store.events.range(tenant, 0, 1_000_000);

async function proofsHold(s: Services, cp: StoredCheckpoint, leaves: readonly StoredRecord[]) {
  for (const r of leaves.filter((x) => x.seq < cp.size)) {
    const p = await s.ledger.inclusion('acme', r.seq, cp.size);
    // The leaf hash is recomputed from the stored leaf input, not read from the tree.
    const ok = verifyInclusion({
      leafHash: leafHash(r.leafInput),
      index: r.seq,
      size: cp.size,
      proof: p.proof,
      root: cp.root,
    });
    expect(ok.ok, `inclusion of seq ${r.seq} in size ${cp.size}`).toBe(true);
  }
}

for (const [name, open] of stores) {
  describe(`retention (${name})`, () => {
    it('purges expired entries: verify passes, old and new proofs hold, held ones stay, the log says so', async () => {
      const s = await seeded(open);
      try {
        const old = (await s.ledger.sign('acme'))!;
        await s.retention.setPolicy(admin, 'acme', 'all', { min: '365d', max: '2555d' });
        await s.retention.setPolicy(admin, 'acme', 'invoices', {
          scope: 'action:invoice.*',
          max: '2555d',
        });
        const h = await s.retention.addHold(admin, 'acme', {
          scope: 'actor.id:bob',
          reason: 'litigation 2026-17',
        });
        const before = await all(s);

        const report = await s.retention.purge(admin, 'acme');
        const purgedSeqs = [0, 2, 3];
        expect(purgeView(report)).toMatchObject({
          tenant: 'acme',
          dry_run: false,
          purged: 3,
          policies: [
            { policy: 'all', count: 3, seq_ranges: '0,2-3' },
            // The invoice at seq 2 went with "all" (first); bob's invoice at 4 is held.
            { policy: 'invoices', count: 0, seq_ranges: '' },
          ],
        });

        const after = await all(s);
        for (const r of after.slice(0, before.length)) {
          const was = before[r.seq]!;
          expect(r.leafInput).toBe(was.leafInput);
          if (purgedSeqs.includes(r.seq)) {
            expect([r.event, r.salt, r.canonical]).toEqual([null, null, null]);
          } else {
            expect(r.event).toEqual(was.event);
            expect(r.salt).toEqual(was.salt);
          }
        }
        // Bob's entries are held: untouched, however old.
        expect(after.filter((r) => r.event?.actor.id === 'bob').map((r) => r.seq)).toEqual([
          1, 4, 7,
        ]);

        // The log explains its own blank entries.
        const entry = after.find((r) => r.event?.action === 'retention.purge');
        expect(entry?.seq).toBe(SEED.length);
        expect(entry?.event?.metadata).toMatchObject({
          policy: 'all',
          scope: '',
          count: 3,
          seq_ranges: ['0', '2-3'],
          first_seq: 0,
          last_seq: 3,
        });
        expect(after.filter((r) => r.event?.action === 'retention.purge')).toHaveLength(1);

        const fresh = (await s.ledger.sign('acme'))!;
        expect(fresh.size).toBe(old.size + 1);
        const [v] = await s.verify(['acme']);
        expect(v).toMatchObject({ tenant: 'acme', ok: true, purged: 3, checkpoints: 2 });

        await proofsHold(s, old, after);
        await proofsHold(s, fresh, after);
        const c = await s.ledger.consistency('acme', old.size, fresh.size);
        expect(
          verifyConsistency({
            from: old.size,
            to: fresh.size,
            proof: c.proof,
            fromRoot: old.root,
            toRoot: fresh.root,
          }).ok,
        ).toBe(true);

        // Releasing the hold lets the next run purge bob's expired entries, and only those.
        await s.retention.releaseHold(admin, h.id, { reason: 'case closed' });
        const next = await s.retention.purge(admin, 'acme');
        expect(purgeView(next).policies.map((p) => [p.policy, p.seq_ranges])).toEqual([
          ['all', '1,4'],
          ['invoices', ''],
        ]);
        await s.ledger.sign('acme');
        const [v2] = await s.verify(['acme']);
        expect(v2).toMatchObject({ ok: true, purged: 5, checkpoints: 3 });
        await proofsHold(s, old, await all(s));

        // Every policy and hold change is an admin event in _system.
        const audit = (await all(s, SYSTEM_TENANT)).map((r) => r.event?.action);
        expect(audit).toEqual([
          'admin.retention_policy_set',
          'admin.retention_policy_set',
          'admin.legal_hold_create',
          'admin.legal_hold_release',
        ]);
      } finally {
        await s.close();
      }
    });

    it('refuses a policy whose maximum undercuts a minimum in force, naming the policy', async () => {
      const s = await seeded(open);
      try {
        await s.retention.setPolicy(admin, 'acme', 'keep-logins', {
          scope: 'action:user.login',
          min: '365d',
        });
        const refused = s.retention.setPolicy(admin, 'acme', 'short', { max: '30d' });
        await expect(refused).rejects.toMatchObject({ code: 'conflict' });
        await expect(refused).rejects.toThrow(/policy "short".*30d.*365d of policy "keep-logins"/);
        // A scope that cannot overlap (another action) is accepted; its own min > max is not.
        await s.retention.setPolicy(admin, 'acme', 'debug', {
          scope: 'action:debug.trace',
          max: '30d',
        });
        await expect(
          s.retention.setPolicy(admin, 'acme', 'odd', { min: '90d', max: '30d' }),
        ).rejects.toThrow(/policy "odd": max 30d is shorter than its own min 90d/);
        // Raising a minimum over an existing maximum is refused too, naming the changed policy.
        await expect(
          s.retention.setPolicy(admin, 'acme', 'keep-logins', { min: '365d', scope: '' }),
        ).rejects.toThrow(/policy "debug".*365d of policy "keep-logins"/);
        expect((await s.retention.policies(admin, 'acme')).map((p) => p.name)).toEqual([
          'debug',
          'keep-logins',
        ]);
        // Strict validation, with the field named.
        for (const [input, field] of [
          [{ max: '7y' }, 'max'],
          [{ min: 5 }, 'min'],
          [{}, 'min'],
          [{ max: '30d', extra: 1 }, 'extra'],
          [{ max: '30d', scope: 'action:>x' }, 'scope'],
        ] as const) {
          const e = await s.retention.setPolicy(admin, 'acme', 'x', input).catch((x: unknown) => x);
          expect(e).toBeInstanceOf(VeritrailError);
          expect((e as VeritrailError).code).toBe('validation_failed');
          expect((e as VeritrailError).details.map((d) => d.path)).toContain(field);
        }
        await expect(
          s.retention.setPolicy(admin, 'acme', 'Bad Name', { max: '1d' }),
        ).rejects.toThrow(/name/);
        const key = { kind: 'key', keyId: 'k', tenant: 'acme', scopes: ['read'] } as const;
        await expect(s.retention.policies(key, 'acme')).rejects.toMatchObject({
          code: 'forbidden',
        });
      } finally {
        await s.close();
      }
    });

    it('a hold blocks the purge of its scope; a dry run changes nothing', async () => {
      const s = await seeded(open);
      try {
        await s.retention.setPolicy(admin, 'acme', 'all', { max: '1000d' });
        await s.retention.addHold(admin, 'acme', { scope: '', reason: 'regulator inquiry' });
        const before = await all(s);
        const held = await s.retention.purge(admin, 'acme');
        expect(held.policies[0]!.count).toBe(0);

        const [hold] = await s.retention.holds(admin, 'acme');
        await s.retention.releaseHold(admin, hold!.id, { reason: 'inquiry over' });
        await expect(
          s.retention.releaseHold(admin, hold!.id, { reason: 'again' }),
        ).rejects.toMatchObject({ code: 'conflict' });
        const dry = await s.retention.purge(admin, 'acme', { dryRun: true });
        expect(purgeView(dry)).toMatchObject({ dry_run: true, purged: 6 });
        expect(purgeView(dry).policies[0]!.seq_ranges).toBe('0-5');
        expect(await all(s)).toEqual(before);
        expect(await s.store.events.size('acme')).toBe(before.length);

        const real = await s.retention.purge(admin, 'acme');
        expect(real.policies[0]).toMatchObject({ count: 6, ranges: [{ from: 0, to: 5 }] });
        // The job purges every log the same way; nothing is left to purge.
        const [again] = (await s.retention.purgeAll()).filter((r) => r.tenant === 'acme');
        expect(again!.policies[0]!.count).toBe(0);
        expect((await s.verify(['acme']))[0]).toMatchObject({ ok: true, purged: 6 });
      } finally {
        await s.close();
      }
    });
  });
}

describe('the purge job', () => {
  it('purges only in the process that leads the jobs, and reports each run', async () => {
    const s = await seeded(stores[0]![1]);
    try {
      await s.retention.setPolicy(admin, 'acme', 'all', { max: '1000d' });
      let leader = false;
      const runs: number[] = [];
      const errors: unknown[] = [];
      const job = new RetentionJob(
        s.retention,
        { isLeader: () => leader, onRemoteAppend: () => () => {} },
        {
          intervalMs: 3_600_000,
          onRun: (r) =>
            runs.push(r.reduce((n, x) => n + x.policies.reduce((m, p) => m + p.count, 0), 0)),
          onError: (e) => errors.push(e),
        },
      );
      await job.tick();
      expect(runs).toEqual([]);
      expect((await all(s)).every((r) => r.event !== null)).toBe(true);
      leader = true;
      await job.tick();
      expect(runs).toEqual([6]);
      await job.tick();
      expect(runs).toEqual([6, 0]);
      await job.stop();
      expect(errors).toEqual([]);
      expect((await s.verify(['acme']))[0]).toMatchObject({ ok: true, purged: 6 });
    } finally {
      await s.close();
    }
  });
});

/**
 * Retention end to end: a real server, the real CLI. Policies and a legal hold are set with
 * `veritrail retention`, a dry run changes nothing, a purge blanks the expired entries outside
 * the hold, and `veritrail verify` on the stopped server's data folder still passes, counting
 * them as purged.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { run, serve } from './helpers.js';

const ADMIN = 'retention-e2e-admin-token-0123456789';
const dir = mkdtempSync(join(tmpdir(), 'veritrail-retention-e2e-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const data = join(dir, 'data');
const DAY = 86_400_000;
const eventsFile = join(dir, 'events.jsonl');
writeFileSync(
  eventsFile,
  [
    ['alice', 3000],
    ['bob', 3000],
    ['alice', 2900],
    ['carol', 10],
  ]
    .map(([who, days]) =>
      JSON.stringify({
        tenant: 'acme',
        action: 'user.login',
        actor: { id: who },
        occurred_at: new Date(Date.now() - Number(days) * DAY).toISOString(),
      }),
    )
    .join('\n') + '\n',
);

describe('veritrail retention (CLI against a real server)', () => {
  it('sets policies and holds, dry-runs, purges; verify still passes', async () => {
    const server = await serve(['--data', data], { VERITRAIL_ADMIN_TOKEN: ADMIN });
    try {
      const conn = ['--url', server.url, '--token', ADMIN];
      const t = ['--tenant', 'acme'];
      expect((await run(['send', eventsFile, ...conn])).code).toBe(0);

      const set = await run([
        'retention',
        'set',
        'all',
        '--min',
        '365d',
        '--max',
        '2555d',
        ...t,
        ...conn,
      ]);
      expect(set.code, set.stderr).toBe(0);
      expect(set.stdout).toContain('all  scope (whole tenant)  min 365d  max 2555d');
      const refused = await run(['retention', 'set', 'short', '--max', '30d', ...t, ...conn]);
      expect(refused.code).not.toBe(0);
      expect(refused.stderr).toMatch(/policy "short".*policy "all"/);

      const hold = await run([
        '--json',
        'retention',
        'hold',
        '--scope',
        'actor.id:bob',
        '--reason',
        'case 7',
        ...t,
        ...conn,
      ]);
      expect(hold.code, hold.stderr).toBe(0);
      expect(JSON.parse(hold.stdout)).toMatchObject({ active: true, scope: 'actor.id:bob' });

      const dry = await run(['retention', 'purge', '--dry-run', ...t, ...conn]);
      expect(dry.code, dry.stderr).toBe(0);
      expect(dry.stdout).toMatch(/would purge 2 entries of acme/);
      expect(dry.stdout).toMatch(/seq 0,2/);
      const again = await run(['--json', 'retention', 'purge', '--dry-run', ...t, ...conn]);
      expect(JSON.parse(again.stdout)).toMatchObject({ dry_run: true, purged: 2 });

      const purged = await run(['--json', 'retention', 'purge', ...t, ...conn]);
      expect(JSON.parse(purged.stdout)).toMatchObject({ dry_run: false, purged: 2 });
      const policies = await run(['retention', 'policies', ...t, ...conn]);
      expect(policies.stdout).toMatch(/all\s+\(whole tenant\)\s+365d\s+2555d/);
      const holds = await run(['retention', 'holds', ...t, ...conn]);
      expect(holds.stdout).toContain('active  scope actor.id:bob');
    } finally {
      await server.stop();
    }
    const v = await run(['--json', 'verify', '--data', data]);
    expect(v.code, v.stdout + v.stderr).toBe(0);
    const report = JSON.parse(v.stdout) as { ok: boolean; tenants: { tenant: string }[] };
    expect(report.ok).toBe(true);
    // Four events and the retention.purge entry; the two expired ones outside the hold purged.
    expect(report.tenants.find((x) => x.tenant === 'acme')).toMatchObject({
      ok: true,
      size: 5,
      purged: 2,
    });
  });
});

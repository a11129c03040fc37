/** The real server and the real CLI, as a user runs them (CONVENTIONS.md: no mocks of our own modules). */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, run, serve, type Server } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'veritrail-e2e-'));
const data = join(dir, 'data');
const ADMIN = 'e2e-admin-token-abcdefghijklmnop';
let server: Server;
let token: string;

beforeAll(async () => {
  server = await serve(['--data', data, '--demo'], {
    VERITRAIL_ADMIN_TOKEN: ADMIN,
    VERITRAIL_CHECKPOINT_INTERVAL_MS: '100',
  });
  const created = await run([
    '--json',
    'keys',
    'create',
    '--tenant',
    'shop',
    '--scopes',
    'ingest,read',
    '--name',
    'e2e',
    '--data',
    data,
  ]);
  expect(created.code, created.stderr).toBe(0);
  token = (JSON.parse(created.stdout) as { token: string }).token;
});

afterAll(async () => {
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('veritrail CLI end to end', () => {
  it('prints help for every command and exits 2 on unknown options', async () => {
    for (const cmd of [
      [],
      ['serve'],
      ['keys', 'create'],
      ['send'],
      ['query'],
      ['verify'],
      ['export'],
      ['verify-bundle'],
      ['checkpoint'],
    ]) {
      const r = await run([...cmd, '--help']);
      expect(r.code, cmd.join(' ')).toBe(0);
      expect(r.stdout).toContain('Usage: veritrail');
    }
    expect((await run(['verify', '--bogus'])).code).toBe(2);
  });

  it('sends JSONL, queries it back, exports a bundle that verifies offline', async () => {
    const lines = Array.from({ length: 30 }, (_, i) =>
      JSON.stringify({
        action: i % 3 ? 'order.read' : 'order.refund',
        actor: { id: i % 2 ? 'ann' : 'ben' },
        outcome: 'success',
        source: { ip: `10.1.0.${i}` },
      }),
    );
    const file = join(dir, 'events.jsonl');
    writeFileSync(file, `${lines.join('\n')}\n`);
    const sent = await run(['send', file, '--url', server.url, '--token', token, '--batch', '7']);
    expect(sent.code, sent.stderr).toBe(0);
    expect(sent.stdout).toContain('sent 30 events');

    const q = await run([
      '--json',
      'query',
      'action:order.refund source.ip:10.1.0.0/24',
      '--url',
      server.url,
      '--token',
      token,
    ]);
    expect(q.code, q.stderr).toBe(0);
    const page = JSON.parse(q.stdout) as { events: { action: string }[] };
    expect(page.events).toHaveLength(10);
    expect(page.events.every((e) => e.action === 'order.refund')).toBe(true);

    const human = await run([
      'query',
      'actor.id:ann',
      '--url',
      server.url,
      '--token',
      token,
      '--limit',
      '3',
    ]);
    expect(human.stdout).toMatch(/SEQ\s+OCCURRED_AT\s+ACTION/);
    expect(human.stdout).toContain('more: --cursor');

    const bundle = join(dir, 'bundle.json');
    const ex = await run([
      'export',
      '--url',
      server.url,
      '--token',
      token,
      '-q',
      'actor.id:ben',
      '--out',
      bundle,
    ]);
    expect(ex.code, ex.stderr).toBe(0);
    const key = (await (await fetch(`${server.url}/v1/logs/shop/key`)).text()).trim();
    const ok = await run(['verify-bundle', bundle, '--key', key]);
    expect(ok.code, ok.stdout + ok.stderr).toBe(0);
    expect(ok.stdout).toContain('bundle intact: 15 entries');

    const b = JSON.parse(readFileSync(bundle, 'utf8')) as {
      entries: { event: { actor: { id: string } } }[];
    };
    b.entries[3]!.event.actor.id = 'mallory';
    writeFileSync(bundle, JSON.stringify(b));
    const bad = await run(['verify-bundle', bundle]);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain('FAILED');
  });

  it('reports a clear error for bad input and an unreachable server', async () => {
    const r = await run(['send', '--url', server.url, '--token', token], {
      input: '{"action":"x.y","actor":{"id":"a"}}\n{"action":"bad","actor":{}}\n',
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('line 2.action');
    const down = await run(['query', '--url', 'http://127.0.0.1:1', '--token', token]);
    expect(down.code).toBe(3);
    expect(down.stderr).toContain('cannot reach');
    const noauth = await run(['query', '--url', server.url, '--token', 'wrong-token']);
    expect(noauth.code).toBe(4);
  });

  it('an independent verifier (node:crypto only) checks checkpoint, proofs and a commitment over HTTP', () => {
    const state = join(dir, 'monitor.json');
    for (let i = 0; i < 2; i++) {
      const r = spawnSync(
        process.execPath,
        [
          join(ROOT, 'examples/verify-independently.mjs'),
          '--url',
          server.url,
          '--tenant',
          'demo',
          '--token',
          ADMIN,
          '--state',
          state,
        ],
        { encoding: 'utf8' },
      );
      expect(r.status, r.stdout + r.stderr).toBe(0);
      expect(r.stdout).toContain('all checks passed');
      expect(r.stdout).not.toContain('FAIL');
    }
  });

  it('verify passes on the live data folder, then fails naming the tenant and seq after tampering', async () => {
    await new Promise((r) => setTimeout(r, 300));
    const good = await run(['verify', '--data', data]);
    expect(good.code, good.stdout + good.stderr).toBe(0);
    expect(good.stdout).toContain('intact');
    const cp = await run(['checkpoint', '--tenant', 'demo', '--data', data]);
    expect(cp.stdout).toMatch(/^localhost\/veritrail\/demo\n\d+\n/);

    await server.stop();
    const db = new Database(join(data, 'veritrail.db'));
    db.exec('DROP TRIGGER events_no_update');
    db.prepare(
      "UPDATE events SET event = replace(event, 'order.', 'ordeR.') WHERE seq = 4 AND tenant_id = (SELECT tenant_id FROM tenants WHERE name = 'shop')",
    ).run();
    db.close();
    const bad = await run(['--json', 'verify', '--data', data]);
    expect(bad.code).toBe(1);
    const report = JSON.parse(bad.stdout) as {
      ok: boolean;
      tenants: { tenant: string; ok: boolean; failure?: { seq: number } }[];
    };
    expect(report.ok).toBe(false);
    expect(report.tenants.find((t) => t.tenant === 'shop')?.failure?.seq).toBe(4);
    server = await serve(['--data', data], { VERITRAIL_ADMIN_TOKEN: ADMIN });
  });
});

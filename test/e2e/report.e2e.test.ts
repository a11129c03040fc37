/** `veritrail report` and `verify-report` on a real data folder, as a user runs them. */
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run, serve } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'veritrail-e2e-report-'));
const data = join(dir, 'data');
const out = join(dir, 'soc2');
const day = (offset: number) =>
  new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

beforeAll(async () => {
  const server = await serve(['--data', data, '--demo'], {
    VERITRAIL_ADMIN_TOKEN: 'e2e-admin-token-abcdefghijklmnop',
    VERITRAIL_CHECKPOINT_INTERVAL_MS: '100',
  });
  await new Promise((r) => setTimeout(r, 300));
  await server.stop();
}, 60_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('veritrail report / verify-report', () => {
  let key: string;

  it('writes the report folder and records the run in _system', async () => {
    const cp = await run(['--json', 'checkpoint', '--tenant', 'demo', '--data', data]);
    key = (JSON.parse(cp.stdout) as { key: string }).key;
    const r = await run([
      ...['--json', 'report', '--framework', 'soc2', '--tenant', 'demo'],
      ...['--from', day(-30), '--to', day(0), '--out', out, '--data', data],
    ]);
    expect(r.code, r.stderr).toBe(0);
    const res = JSON.parse(r.stdout) as { events: number; files: string[]; key: string };
    expect(res.events).toBeGreaterThan(0);
    expect(res.key).toBe(key);
    expect(readdirSync(out).sort()).toEqual(res.files);
    expect(res.files).toEqual(
      expect.arrayContaining(['manifest.json', 'report.json', 'failed-access.csv']),
    );
    const db = new Database(join(data, 'veritrail.db'), { readonly: true });
    const runs = db
      .prepare("SELECT count(*) AS n FROM events WHERE action = 'report.generate'")
      .get() as { n: number };
    db.close();
    expect(runs.n).toBe(1);
  });

  it('refuses a folder that is not empty', async () => {
    const r = await run([
      ...['report', '--framework', 'soc2', '--tenant', 'demo'],
      ...['--from', day(-30), '--to', day(0), '--out', out, '--data', data],
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('not empty');
  });

  it('verify-report passes, then fails naming the file after one byte changed', async () => {
    const good = await run(['verify-report', out, '--key', key]);
    expect(good.code, good.stdout + good.stderr).toBe(0);
    expect(good.stdout).toContain('intact');
    const file = join(out, 'failed-access.csv');
    const bytes = readFileSync(file);
    bytes[bytes.length - 3] = bytes[bytes.length - 3]! ^ 1;
    writeFileSync(file, bytes);
    const bad = await run(['verify-report', out, '--key', key]);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain('failed-access.csv');
  });
});

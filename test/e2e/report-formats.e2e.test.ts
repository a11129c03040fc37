/** `veritrail report --formats`: the HTML and PDF renderings are in the signed manifest. */
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run, serve } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'veritrail-e2e-report-formats-'));
const data = join(dir, 'data');
const day = (offset: number) =>
  new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
const report = (out: string, ...extra: string[]) =>
  run([
    ...['--json', 'report', '--framework', 'pci-dss', '--tenant', 'demo', '--no-verify'],
    ...['--from', day(-30), '--to', day(0), '--out', out, '--data', data, ...extra],
  ]);

beforeAll(async () => {
  const server = await serve(['--data', data, '--demo'], {
    VERITRAIL_ADMIN_TOKEN: 'e2e-admin-token-abcdefghijklmnop',
  });
  await server.stop();
}, 60_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('veritrail report formats', () => {
  const out = join(dir, 'all');

  it('writes report.html and report.pdf by default, both in the manifest', async () => {
    const r = await report(out);
    expect(r.code, r.stderr).toBe(0);
    const files = readdirSync(out).sort();
    expect(files).toEqual(expect.arrayContaining(['report.html', 'report.pdf', 'report.json']));
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as {
      files: { name: string }[];
    };
    expect(manifest.files.map((f) => f.name).sort()).toEqual(
      files.filter((f) => f !== 'manifest.json'),
    );
    expect(readFileSync(join(out, 'report.pdf')).subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toContain('<!doctype html>');
  });

  it('verify-report passes, and fails naming the file when one byte of the HTML or PDF changes', async () => {
    expect((await run(['verify-report', out])).code).toBe(0);
    for (const name of ['report.html', 'report.pdf']) {
      const file = join(out, name);
      const good = readFileSync(file);
      const bad = Buffer.from(good);
      const at = Math.floor(bad.length / 2);
      bad[at] = bad[at]! ^ 1;
      writeFileSync(file, bad);
      const r = await run(['verify-report', out]);
      expect(r.code, name).toBe(1);
      expect(r.stdout).toContain(name);
      writeFileSync(file, good);
      expect((await run(['verify-report', out])).code).toBe(0);
    }
  });

  it('writes only the formats asked for', async () => {
    const some = join(dir, 'some');
    const r = await report(some, '--formats', 'json,html');
    expect(r.code, r.stderr).toBe(0);
    const files = readdirSync(some);
    expect(files.sort()).toEqual(['manifest.json', 'report.html', 'report.json']);
    const noPdf = join(dir, 'no-pdf');
    expect((await report(noPdf, '--no-pdf')).code).toBe(0);
    expect(readdirSync(noPdf)).toContain('report.html');
    expect(readdirSync(noPdf)).not.toContain('report.pdf');
    expect((await run(['verify-report', noPdf])).code).toBe(0);
  });

  it('refuses an unknown format, naming it', async () => {
    const r = await report(join(dir, 'bad'), '--formats', 'json,docx');
    expect(r.code).toBe(2);
    expect(r.stdout + r.stderr).toMatch(/unknown format.*docx/);
  });
});

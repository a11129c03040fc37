/**
 * `veritrail import` as a user runs it: real samples (../shared/samples, see its README for
 * sources) into a real server, read back, and a second import stores nothing new.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sharedData } from '../../src/test-support/shared-data.js';
import { ROOT, run, serve, type Server } from './helpers.js';

const ADMIN = 'import-admin-token-0123456789abcdef';
const dir = mkdtempSync(join(tmpdir(), 'veritrail-import-'));
const DATA = sharedData('samples');
const SAMPLES = DATA.path;
const CLOUDTRAIL = join(SAMPLES, 'cloudtrail', 'aws.execution.ssm-send-command.json');
const K8S = join(SAMPLES, 'k8s-audit', 'create_clusterrolebinding.json');
const FIXTURES = join(ROOT, 'test', 'fixtures', 'import');
let server: Server;

beforeAll(async () => {
  server = await serve(['--data', join(dir, 'data')], { VERITRAIL_ADMIN_TOKEN: ADMIN });
});
afterAll(async () => {
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

interface Report {
  files: { file: string; imported: number; duplicates: number; skipped: number; ignored: number }[];
}

const importFile = async (format: string, file: string) => {
  const r = await run(
    ['--json', 'import', '--format', format, '--tenant', 'acme', '--url', server.url, file],
    { env: { VERITRAIL_TOKEN: ADMIN } },
  );
  expect(r.code, r.stderr + r.stdout).toBe(0);
  return (JSON.parse(r.stdout) as Report).files[0]!;
};

const count = async (q: string) => {
  const res = await fetch(
    `${server.url}/v1/events?tenant=acme&limit=1000&q=${encodeURIComponent(q)}`,
    { headers: { authorization: `Bearer ${ADMIN}` } },
  );
  expect(res.status).toBe(200);
  return ((await res.json()) as { events: unknown[] }).events.length;
};

describe.skipIf(!DATA.present)(DATA.title('veritrail import end to end'), () => {
  it('imports a gzipped CloudTrail file and a k8s audit file, idempotently', async () => {
    const records = (JSON.parse(readFileSync(CLOUDTRAIL, 'utf8')) as unknown[]).length;
    expect(records).toBe(56);
    const gz = join(dir, 'cloudtrail.json.gz');
    writeFileSync(gz, gzipSync(readFileSync(CLOUDTRAIL)));

    expect(await importFile('cloudtrail', gz)).toMatchObject({
      imported: 56,
      duplicates: 0,
      skipped: 0,
    });
    expect(await importFile('k8s-audit', K8S)).toMatchObject({
      imported: 1,
      duplicates: 0,
      skipped: 0,
    });
    expect(await count('action:aws.*')).toBe(56);
    expect(await count('action:k8s.*')).toBe(1);

    // Ids come from eventID / auditID: the same files again store nothing new.
    expect(await importFile('cloudtrail', CLOUDTRAIL)).toMatchObject({
      imported: 0,
      duplicates: 56,
    });
    expect(await importFile('k8s-audit', K8S)).toMatchObject({ imported: 0, duplicates: 1 });
    expect(await count('action:aws.*')).toBe(56);
    expect(await count('action:k8s.*')).toBe(1);
  });

  it('imports every sample of every other format, with nothing skipped, idempotently', async () => {
    const files: [string, string][] = [
      ...readdirSync(join(SAMPLES, 'gcp-audit'))
        .filter((f) => f.endsWith('.json'))
        .map((f): [string, string] => ['gcp-audit', join(SAMPLES, 'gcp-audit', f)]),
      ['pgaudit', join(SAMPLES, 'pgaudit', 'postgresql-2015-08-12_161343.csv')],
      ...(['github', 'okta', 'auditd'] as const).flatMap((format) =>
        readdirSync(join(FIXTURES, format)).map((f): [string, string] => [
          format,
          join(FIXTURES, format, f),
        ]),
      ),
    ];
    for (const [format, file] of files) {
      const first = await importFile(format, file);
      expect(first.skipped, file).toBe(0);
      expect(first.imported, file).toBeGreaterThan(0);
      const again = await importFile(format, file);
      expect(again, file).toMatchObject({ imported: 0, duplicates: first.imported, skipped: 0 });
    }
    // The PostgreSQL log's other lines are counted, not skipped.
    const pg = await importFile(
      'pgaudit',
      join(SAMPLES, 'pgaudit', 'postgresql-2015-08-12_161343.csv'),
    );
    expect(pg.ignored).toBeGreaterThan(0);
    for (const prefix of ['gcp', 'pg', 'github', 'okta', 'auditd'])
      expect(await count(`action:${prefix}.*`), prefix).toBeGreaterThan(0);
  });

  it('prints skips with line numbers and fails when the server refuses a batch', async () => {
    const bad = join(dir, 'bad.jsonl');
    writeFileSync(bad, `${readFileSync(K8S, 'utf8').trim()}\n{not json\n`);
    const human = await run(
      ['import', '--format', 'k8s-audit', '--tenant', 'acme', '--url', server.url, bad],
      { env: { VERITRAIL_TOKEN: ADMIN } },
    );
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toContain('imported 0, duplicates 1, skipped 1');
    expect(human.stdout).toMatch(/line 2: not valid JSON/);

    const refused = await run(
      ['import', '--format', 'k8s-audit', '--tenant', 'acme', '--url', server.url, K8S],
      { env: { VERITRAIL_TOKEN: 'wrong-token-0123456789abcdefghij' } },
    );
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('the server refused events 1-1');
  });
});

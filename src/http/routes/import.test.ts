/**
 * POST /v1/import and the Kubernetes audit webhook over HTTP: real samples in, read back by
 * query; re-sending stores nothing twice; every kind of bad body is a clear 4xx and the server
 * keeps serving.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sharedData } from '../../test-support/shared-data.js';
import { ADMIN, auth, testApp, type TestApp } from '../test-support/test-app.js';

const SAMPLES = sharedData('samples');
const sample = (path: string) => readFileSync(join(SAMPLES.path, path));

let t: TestApp;
beforeAll(async () => {
  t = await testApp();
});
afterAll(() => t.close());

interface Report {
  format: string;
  tenant: string;
  imported: number;
  duplicates: number;
  skipped: number;
  ignored: number;
  skips: { line: number | null; index: number | null; reason: string }[];
}
interface ErrorReply {
  error: { code: string; message: string; details?: { path: string; message: string }[] };
}

const post = (
  url: string,
  payload: string | Buffer,
  headers: Record<string, string> = {},
  token = ADMIN,
) =>
  t.app.inject({
    method: 'POST',
    url,
    headers: { ...auth(token), 'content-type': 'application/octet-stream', ...headers },
    payload,
  });

const search = async (tenant: string, q: string) =>
  (
    await t.app.inject({
      method: 'GET',
      url: `/v1/events?tenant=${tenant}&q=${encodeURIComponent(q)}&limit=1000`,
      headers: auth(ADMIN),
    })
  ).json<{ events: Record<string, unknown>[] }>().events;

const healthy = async () =>
  expect((await t.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);

const CLOUDTRAIL = 'cloudtrail/aws.persistence.iam-create-admin-user.json';

describe('POST /v1/import', () => {
  it.skipIf(!SAMPLES.present)(
    SAMPLES.title('imports a real CloudTrail file, finds it by query, and stores nothing twice'),
    async () => {
      const body = sample(CLOUDTRAIL);
      const records = (JSON.parse(body.toString()) as unknown[]).length;
      const r = await post('/v1/import?format=cloudtrail&tenant=imp-ct', body, {
        'content-type': 'application/json',
      });
      expect(r.statusCode, r.body).toBe(200);
      const report = r.json<Report>();
      expect(report).toMatchObject({
        format: 'cloudtrail',
        tenant: 'imp-ct',
        imported: records,
        duplicates: 0,
        skipped: 0,
      });
      const found = await search('imp-ct', 'action:aws.iam.*');
      expect(found.length).toBeGreaterThan(0);
      expect(found.every((e) => (e.action as string).startsWith('aws.iam.'))).toBe(true);

      const again = (await post('/v1/import?format=cloudtrail&tenant=imp-ct', body)).json<Report>();
      expect(again).toMatchObject({ imported: 0, duplicates: records });
    },
  );

  it.skipIf(!SAMPLES.present)(
    SAMPLES.title('accepts gzip, by Content-Encoding or as a .gz file sent as it is'),
    async () => {
      const body = gzipSync(sample(CLOUDTRAIL));
      const a = await post('/v1/import?format=cloudtrail&tenant=imp-gz', body, {
        'content-encoding': 'gzip',
      });
      expect(a.statusCode, a.body).toBe(200);
      expect(a.json<Report>().imported).toBeGreaterThan(0);
      const b = await post('/v1/import?format=cloudtrail&tenant=imp-gz', body);
      expect(b.json<Report>()).toMatchObject({
        imported: 0,
        duplicates: a.json<Report>().imported,
      });
    },
  );

  it('reports skipped lines with their numbers and stores the rest', async () => {
    const good = (n: number) =>
      JSON.stringify({ id: `ev-${n}`, action: 'user.login', actor: { id: `u${n}` } });
    const body = [good(1), '{"truncated": ', good(2), '[1,2]', '\u0001\u0002binary'].join('\n');
    const r = await post('/v1/import?format=jsonl&tenant=imp-skip', body);
    expect(r.statusCode, r.body).toBe(200);
    const report = r.json<Report>();
    expect(report).toMatchObject({ imported: 2, skipped: 3 });
    expect(report.skips.map((s) => s.line)).toEqual([2, 4, 5]);
    expect(report.skips[0]!.reason).toMatch(/not valid JSON/);
    expect((await search('imp-skip', '*')).length).toBe(2);
  });

  it('skips a 10 MB line with a reason and keeps the other lines', async () => {
    const huge = JSON.stringify({
      action: 'user.login',
      actor: { id: 'big' },
      metadata: { blob: 'x'.repeat(10 * 1024 * 1024) },
    });
    const ok = JSON.stringify({ id: 'after-huge', action: 'user.login', actor: { id: 'small' } });
    const r = await post('/v1/import?format=jsonl&tenant=imp-big', `${huge}\n${ok}\n`);
    expect(r.statusCode, r.body.slice(0, 500)).toBe(200);
    const report = r.json<Report>();
    expect(report).toMatchObject({ imported: 1, skipped: 1 });
    expect(report.skips[0]).toMatchObject({ line: 1 });
    await healthy();
  });

  it.skipIf(!SAMPLES.present)(
    SAMPLES.title(
      'refuses input with nothing importable: truncated JSON, wrong types, binary garbage',
    ),
    async () => {
      const cases: [string, string | Buffer, RegExp][] = [
        ['cloudtrail', sample(CLOUDTRAIL).subarray(0, 500), /not valid JSON/],
        ['cloudtrail', '{"Records": 42}', /must be an array/],
        ['k8s-audit', '{"kind":"Event","verb":7,"auditID":[]}', /needs string verb/],
        ['jsonl', Buffer.from([0xff, 0xfe, 0x00, 0x9c, 0x80, 0x0a, 0x13, 0x37]), /not valid JSON/],
      ];
      for (const [format, body, reason] of cases) {
        const r = await post(`/v1/import?format=${format}&tenant=imp-bad`, body);
        expect(r.statusCode, `${format}: ${r.body}`).toBe(400);
        const e = r.json<ErrorReply>().error;
        expect(e.code).toBe('validation_failed');
        expect(e.message).toMatch(/nothing to import/);
        expect(e.details?.[0]?.message, format).toMatch(reason);
      }
      expect(await search('imp-bad', '*')).toEqual([]);
      await healthy();
    },
  );

  it('validates the request: format, tenant, empty body, encodings, decompressed size', async () => {
    const expectError = (r: Awaited<ReturnType<typeof post>>, status: number, path: RegExp) => {
      expect(r.statusCode, r.body).toBe(status);
      const e = r.json<ErrorReply>().error;
      expect(
        e.details?.some((d) => path.test(d.path)),
        r.body,
      ).toBe(true);
    };
    expectError(await post('/v1/import?tenant=x', '{}'), 400, /format/);
    expectError(await post('/v1/import?format=evtx', '{}'), 400, /format/);
    expectError(await post('/v1/import?format=jsonl&tenant=Bad!', '{}'), 400, /tenant/);
    expectError(await post('/v1/import?format=jsonl', ''), 400, /\(body\)/);
    expectError(await post('/v1/import?format=jsonl', '  \n \n'), 400, /\(body\)/);
    expectError(
      await post('/v1/import?format=jsonl', 'abc', { 'content-encoding': 'br' }),
      415,
      /content-encoding/,
    );
    expectError(
      await post('/v1/import?format=jsonl', Buffer.from([0x1f, 0x8b, 1, 2, 3, 4])),
      400,
      /\(body\)/,
    );
    // 100 MB of zeros is about 100 kB of gzip: refused by its decompressed size.
    const bomb = gzipSync(Buffer.alloc(100 * 1024 * 1024));
    expectError(await post('/v1/import?format=jsonl', bomb), 413, /\(body\)/);
    await healthy();
  });

  it('keeps tenants apart and needs a token', async () => {
    const key = (await t.services.keys.create({ tenant: 'acme', name: 'i', scopes: ['ingest'] }))
      .token;
    const line = JSON.stringify({ id: 'k1', action: 'user.login', actor: { id: 'a' } });
    expect((await post('/v1/import?format=jsonl&tenant=globex', line, {}, key)).statusCode).toBe(
      403,
    );
    const own = await post('/v1/import?format=jsonl', line, {}, key);
    expect(own.statusCode, own.body).toBe(200);
    expect(own.json<Report>()).toMatchObject({ tenant: 'acme', imported: 1 });
    // An event naming another tenant inside the file does not cross over either.
    const other = JSON.stringify({ tenant: 'globex', action: 'user.login', actor: { id: 'a' } });
    expect((await post('/v1/import?format=jsonl', other, {}, key)).statusCode).toBe(403);
    const reader = (await t.services.keys.create({ tenant: 'acme', name: 'r', scopes: ['read'] }))
      .token;
    expect((await post('/v1/import?format=jsonl', line, {}, reader)).statusCode).toBe(403);
    const anon = await t.app.inject({
      method: 'POST',
      url: '/v1/import?format=jsonl',
      payload: line,
    });
    expect(anon.statusCode).toBe(401);
  });
});

describe('POST /v1/receivers/k8s-audit', () => {
  it.skipIf(!SAMPLES.present)(
    SAMPLES.title('stores an EventList sent by the API server and finds its events'),
    async () => {
      const items = [
        'k8s-audit/create_clusterrolebinding.json',
        'k8s-audit/create_deployment.json',
        'k8s-audit/attach_pod.json',
      ].flatMap((f) =>
        sample(f)
          .toString()
          .split('\n')
          .filter((l) => l.trim() !== '')
          .map((l) => JSON.parse(l) as unknown),
      );
      const list = JSON.stringify({ kind: 'EventList', apiVersion: 'audit.k8s.io/v1', items });
      const r = await post('/v1/receivers/k8s-audit?tenant=k8s', list, {
        'content-type': 'application/json',
      });
      expect(r.statusCode, r.body).toBe(200);
      expect(r.json<Report>()).toMatchObject({ imported: items.length, skipped: 0 });
      const bindings = await search('k8s', 'action:k8s.clusterrolebindings.*');
      expect(bindings.length).toBeGreaterThan(0);
      expect(bindings[0]).toMatchObject({
        category: 'access_control',
        observer: { service: 'kube-apiserver' },
      });
      // The API server retries a batch it believes failed: nothing is stored twice.
      const again = await post('/v1/receivers/k8s-audit?tenant=k8s', list, {
        'content-type': 'application/json',
      });
      expect(again.json<Report>()).toMatchObject({ imported: 0, duplicates: items.length });
    },
  );

  it('refuses a body that is not an EventList with a clear error', async () => {
    const r = await post('/v1/receivers/k8s-audit', '{"kind":"EventList","items":{}}');
    expect(r.statusCode).toBe(400);
    expect(r.json<ErrorReply>().error.details?.[0]?.message).toMatch(/"items" must be an array/);
  });
});

import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  decodeExportLogsResponse,
  decodeStatus,
  ExportLogsServiceRequest,
} from '../../receivers/otlp-proto.js';
import { ADMIN, testApp, type TestApp } from '../test-support/test-app.js';

let t: TestApp;
let acmeIngest: string;
let acmeRead: string;
beforeAll(async () => {
  t = await testApp({ bodyLimit: 64 * 1024 });
  acmeIngest = (await t.services.keys.create({ tenant: 'acme', name: 'otel', scopes: ['ingest'] }))
    .token;
  acmeRead = (await t.services.keys.create({ tenant: 'acme', name: 'r', scopes: ['read'] })).token;
});
afterAll(() => t.close());

const kv = (key: string, stringValue: string) => ({ key, value: { stringValue } });
const request = (records: object[], resource: object[] = [kv('service.name', 'billing-api')]) => ({
  resourceLogs: [{ resource: { attributes: resource }, scopeLogs: [{ logRecords: records }] }],
});
const audit = (action: string, actor = 'u-1', extra: object[] = []) => ({
  timeUnixNano: '1767225600000000000',
  attributes: [kv('audit.action', action), kv('audit.actor.id', actor), ...extra],
});

const post = (
  payload: string | Buffer,
  opts: { type?: string; token?: string; query?: string; encoding?: string } = {},
) =>
  t.app.inject({
    method: 'POST',
    url: `/otlp/v1/logs${opts.query ?? ''}`,
    headers: {
      authorization: `Bearer ${opts.token ?? ADMIN}`,
      ...(opts.type !== '' ? { 'content-type': opts.type ?? 'application/json' } : {}),
      ...(opts.encoding ? { 'content-encoding': opts.encoding } : {}),
    },
    payload,
  });

const protobuf = (body: object) =>
  Buffer.from(ExportLogsServiceRequest.encode(ExportLogsServiceRequest.fromObject(body)).finish());

const search = async (tenant: string, q: string) => {
  const r = await t.app.inject({
    method: 'GET',
    url: `/v1/events?tenant=${tenant}&q=${encodeURIComponent(q)}`,
    headers: { authorization: `Bearer ${ADMIN}` },
  });
  return r.json<{ events: { action: string; observer?: { service: string } }[] }>().events;
};

describe('POST /otlp/v1/logs', () => {
  it('stores audit records from OTLP/JSON and reports the others as a partial success', async () => {
    const body = request([audit('doc.read'), { body: { stringValue: 'GET / 200' } }]);
    const r = await post(JSON.stringify(body), { token: acmeIngest });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.headers['content-type']).toMatch(/^application\/json/);
    const res = r.json<{ partialSuccess: { rejectedLogRecords: number; errorMessage: string } }>();
    expect(res.partialSuccess.rejectedLogRecords).toBe(1);
    expect(res.partialSuccess.errorMessage).toContain(
      '1 of 2 log records rejected: resourceLogs.0.scopeLogs.0.logRecords.1: not an audit event',
    );
    expect(await search('acme', 'action:doc.read')).toMatchObject([
      { action: 'doc.read', observer: { service: 'billing-api' } },
    ]);
  });

  it('answers a fully stored request with {} and stores a resent request once', async () => {
    const body = JSON.stringify(request([audit('doc.write')]));
    expect((await post(body)).json()).toEqual({});
    expect((await post(body)).json()).toEqual({});
    expect(await search('default', 'action:doc.write')).toHaveLength(1);
  });

  it('accepts gzipped protobuf and answers in protobuf', async () => {
    const bytes = protobuf(request([audit('doc.delete'), { body: { stringValue: 'x' } }]));
    const r = await post(gzipSync(bytes), { type: 'application/x-protobuf', encoding: 'gzip' });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.headers['content-type']).toBe('application/x-protobuf');
    expect(decodeExportLogsResponse(r.rawPayload).partialSuccess).toMatchObject({
      rejectedLogRecords: '1',
    });
    expect(await search('default', 'action:doc.delete')).toHaveLength(1);
  });

  it('answers a full protobuf success with an empty message', async () => {
    const r = await post(protobuf(request([audit('doc.list')])), {
      type: 'application/x-protobuf',
    });
    expect(r.statusCode).toBe(200);
    expect(r.rawPayload).toHaveLength(0);
  });

  it('puts records in the tenant parameter, or the resource attribute veritrail.tenant', async () => {
    await post(JSON.stringify(request([audit('tenant.param')])), { query: '?tenant=globex' });
    expect(await search('globex', 'action:tenant.param')).toHaveLength(1);
    await post(
      JSON.stringify(
        request(
          [audit('tenant.attr')],
          [kv('service.name', 's'), kv('veritrail.tenant', 'initech')],
        ),
      ),
    );
    expect(await search('initech', 'action:tenant.attr')).toHaveLength(1);
  });

  it('rejects records for a tenant the key may not write, and 403s a foreign tenant parameter', async () => {
    const body = request([audit('x.y')], [kv('veritrail.tenant', 'globex')]);
    const r = await post(JSON.stringify(body), { token: acmeIngest });
    expect(r.json()).toMatchObject({ partialSuccess: { rejectedLogRecords: 1 } });
    expect(JSON.stringify(r.json())).toContain('bound to tenant');
    const forbidden = await post(JSON.stringify(request([audit('x.y')])), {
      token: acmeIngest,
      query: '?tenant=globex',
    });
    expect(forbidden.statusCode).toBe(403);
    expect(forbidden.json()).toMatchObject({ code: 7, error: { code: 'forbidden' } });
    const noScope = await post(JSON.stringify(request([audit('x.y')])), { token: acmeRead });
    expect(noScope.statusCode).toBe(403);
    expect(noScope.json()).toMatchObject({ message: 'this API key lacks the "ingest" scope' });
  });

  it('401s without a valid token, in the request encoding', async () => {
    const r = await post(protobuf(request([])), {
      token: 'nope',
      type: 'application/x-protobuf',
    });
    expect(r.statusCode).toBe(401);
    expect(decodeStatus(r.rawPayload)).toMatchObject({ code: 16 });
  });

  it.each([
    [
      'truncated protobuf',
      protobuf(request([audit('doc.read')])).subarray(0, 20),
      'application/x-protobuf',
      'not a protobuf',
    ],
    [
      'JSON of the wrong types',
      JSON.stringify({ resourceLogs: [{ scopeLogs: 'x' }] }),
      'application/json',
      'resourceLogs.0.scopeLogs: must be an array',
    ],
    ['text that is not JSON', '{"resourceLogs":', 'application/json', 'not valid JSON'],
    [
      'binary garbage',
      Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f, 0x01, 0x02]),
      'application/x-protobuf',
      'not a protobuf',
    ],
    ['a body that is not gzip', Buffer.from('hello'), 'application/json', 'not valid gzip', 'gzip'],
  ])('answers %s with a 400 Status', async (_name, payload, type, message, encoding?: string) => {
    const r = await post(payload, { type, ...(encoding ? { encoding } : {}) });
    expect(r.statusCode, r.body).toBe(400);
    const status =
      type === 'application/x-protobuf'
        ? decodeStatus(r.rawPayload)
        : r.json<{ code: number; message: string }>();
    expect(status.code).toBe(3);
    expect(status.message).toContain(message);
  });

  it('429s with Retry-After past the rate limit, a retryable Status', async () => {
    const limited = await testApp({ rateLimitPerMinute: 1 });
    try {
      const send = () =>
        limited.app.inject({
          method: 'POST',
          url: '/otlp/v1/logs',
          headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/x-protobuf' },
          payload: protobuf(request([])),
        });
      expect((await send()).statusCode).toBe(200);
      const r = await send();
      expect(r.statusCode).toBe(429);
      expect(Number(r.headers['retry-after'])).toBeGreaterThan(0);
      expect(decodeStatus(r.rawPayload)).toMatchObject({ code: 8 });
    } finally {
      await limited.close();
    }
  });

  it('413s a body over the limit, compressed or once gunzipped', async () => {
    const big = Buffer.alloc(70 * 1024, 0x20);
    expect((await post(big)).statusCode).toBe(413);
    const bomb = gzipSync(Buffer.alloc(10 * 1024 * 1024, 0x20));
    expect(bomb.length).toBeLessThan(64 * 1024);
    const r = await post(bomb, { encoding: 'gzip' });
    expect(r.statusCode).toBe(413);
    expect(r.json()).toMatchObject({ code: 8, error: { code: 'payload_too_large' } });
  });

  it('415s other content types and encodings', async () => {
    for (const r of [
      await post('x', { type: 'text/plain' }),
      await post('{}', { encoding: 'br' }),
      await post('{}', { type: '' }),
    ]) {
      expect(r.statusCode, r.body).toBe(415);
      expect(r.json()).toMatchObject({ code: 3, error: { code: 'unsupported_media_type' } });
    }
  });

  it('leaves the JSON parsing of the other routes alone', async () => {
    const r = await t.app.inject({
      method: 'POST',
      url: '/v1/events',
      headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/x-protobuf' },
      payload: 'x',
    });
    expect(r.statusCode).toBe(415);
    expect(r.json()).toMatchObject({ error: { code: 'unsupported_media_type' } });
  });

  it('counts received records by outcome', async () => {
    const text = await t.services.metrics.text();
    expect(text).toMatch(
      /veritrail_received_records_total\{receiver="otlp",outcome="appended"\} [1-9]/,
    );
    expect(text).toMatch(
      /veritrail_received_records_total\{receiver="otlp",outcome="skipped"\} [1-9]/,
    );
    expect(text).toMatch(
      /veritrail_received_records_total\{receiver="otlp",outcome="duplicate"\} [1-9]/,
    );
  });
});

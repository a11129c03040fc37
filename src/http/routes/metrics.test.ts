import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, auth, testApp, type TestApp } from '../test-support/test-app.js';

const ev = { action: 'user.login', actor: { id: 'alice' }, outcome: 'success' };

describe('GET /metrics (default: the admin token only)', () => {
  let t: TestApp;
  let ingestKey: string;
  let readKey: string;
  let acmeAdmin: string;
  beforeAll(async () => {
    t = await testApp();
    const mk = async (scopes: string[]) =>
      (await t.services.keys.create({ tenant: 'acme', name: 't', scopes })).token;
    ingestKey = await mk(['ingest']);
    readKey = await mk(['read']);
    acmeAdmin = await mk(['admin']);
  });
  afterAll(() => t.close());

  const scrape = (headers: Record<string, string> = {}) =>
    t.app.inject({ method: 'GET', url: '/metrics', headers });

  it('answers 401 without credentials', async () => {
    const r = await scrape();
    expect(r.statusCode).toBe(401);
    expect(r.json<{ error: { code: string } }>().error.code).toBe('unauthenticated');
    expect((await scrape(auth('not-a-known-token'))).statusCode).toBe(401);
  });

  it('answers 403 for every API key, admin scope included: metrics name every tenant', async () => {
    for (const key of [ingestKey, readKey, acmeAdmin]) {
      const r = await scrape(auth(key));
      expect(r.statusCode).toBe(403);
      expect(r.json<{ error: { code: string; message: string } }>().error).toMatchObject({
        code: 'forbidden',
        message: expect.stringMatching(/admin token/) as unknown,
      });
    }
  });

  it('serves the text exposition format to the admin token', async () => {
    const posted = await t.app.inject({
      method: 'POST',
      url: '/v1/events',
      headers: auth(ingestKey),
      payload: { events: [ev, ev] },
    });
    expect(posted.statusCode).toBe(201);
    const bad = await t.app.inject({
      method: 'POST',
      url: '/v1/events',
      headers: auth(ingestKey),
      payload: { action: 'nodot' },
    });
    expect(bad.statusCode).toBe(400);
    for (const token of [ADMIN]) {
      const r = await scrape(auth(token));
      expect(r.statusCode).toBe(200);
      expect(r.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
      expect(r.body).toContain('# TYPE veritrail_events_appended_total counter');
      expect(r.body).toContain('veritrail_events_appended_total{tenant="acme"} 2');
      expect(r.body).toContain('veritrail_ingest_requests_total{outcome="ok"} 1');
      expect(r.body).toContain('veritrail_ingest_requests_total{outcome="rejected"} 1');
      expect(r.body).toContain('veritrail_log_size{tenant="acme"} 2');
      expect(r.body).toMatch(/^veritrail_append_seconds_count 1$/m);
    }
  });

  it('is not audited: scraping leaves the _system log as it was', async () => {
    const before = await t.services.store.events.size('_system');
    expect((await scrape(auth(ADMIN))).statusCode).toBe(200);
    expect(await t.services.store.events.size('_system')).toBe(before);
  });

  it('is in the OpenAPI document, with bearer security', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/openapi.json' })).json<{
      paths: Record<string, { get?: { security?: unknown[]; tags?: string[] } }>;
    }>();
    expect(doc.paths['/metrics']?.get).toMatchObject({
      tags: ['meta'],
      security: [{ bearer: [] }],
    });
  });
});

describe('GET /metrics with metricsPublic', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await testApp({ metricsPublic: true });
  });
  afterAll(() => t.close());

  it('answers 200 without credentials', async () => {
    const r = await t.app.inject({ method: 'GET', url: '/metrics' });
    expect(r.statusCode).toBe(200);
    expect(r.body).toContain('# TYPE veritrail_ingest_requests_total counter');
    const doc = (await t.app.inject({ method: 'GET', url: '/openapi.json' })).json<{
      paths: Record<string, { get?: { security?: unknown[] } }>;
    }>();
    expect(doc.paths['/metrics']?.get?.security).toEqual([]);
  });
});

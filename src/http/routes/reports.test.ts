import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyReport } from '../../core/report/index.js';
import { ADMIN, testApp, type TestApp } from '../test-support/test-app.js';

const auth = (token: string) => ({ authorization: `Bearer ${token}` });
let t: TestApp;
let acmeAdmin: string;
let acmeRead: string;

beforeAll(async () => {
  t = await testApp({ rateLimitPerMinute: 0 });
  acmeAdmin = (await t.services.keys.create({ tenant: 'acme', name: 'a', scopes: ['admin'] }))
    .token;
  acmeRead = (await t.services.keys.create({ tenant: 'acme', name: 'r', scopes: ['read'] })).token;
  const now = Date.now();
  const events = [0, 1, 2].map((i) => ({
    tenant: 'acme',
    action: 'user.login',
    category: 'authentication',
    outcome: i === 0 ? 'success' : 'failure',
    actor: { id: `u${i}` },
    observer: { service: 'web' },
    occurred_at: new Date(now - (i + 1) * 60_000).toISOString(),
  }));
  const res = await t.app.inject({
    method: 'POST',
    url: '/v1/events',
    headers: auth(ADMIN),
    payload: { events },
  });
  expect(res.statusCode).toBeLessThan(300);
});

afterAll(() => t.close());

const today = () => new Date().toISOString().slice(0, 10);
/** From yesterday: the events are minutes old, maybe from before midnight. */
const yesterday = () => new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);

describe('POST /v1/reports', () => {
  it('returns the report, its files and a manifest that verifies with the log key', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/reports',
      headers: auth(acmeAdmin),
      payload: { framework: 'hipaa', from: yesterday(), to: today() },
    });
    expect(res.statusCode).toBe(200);
    const body = res.json<{
      report: { tenant: string; sections: { id: string; count: number }[] };
      files: Record<string, string>;
      manifest: { signature: { key: string } };
    }>();
    expect(body.report.tenant).toBe('acme');
    expect(body.report.sections.find((x) => x.id === 'failed_access')?.count).toBe(2);
    const key = (
      await t.app.inject({ url: '/v1/logs/acme/key', headers: auth(ADMIN) })
    ).body.trim();
    const files = new Map(Object.entries(body.files).map(([n, c]) => [n, Buffer.from(c)]));
    expect(verifyReport(files, key)).toMatchObject({ ok: true });
  });

  it('needs the admin scope on the tenant', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/reports',
      headers: auth(acmeRead),
      payload: { framework: 'soc2', from: today(), to: today() },
    });
    expect(res.statusCode).toBe(403);
  });

  it('refuses an unknown framework with a 400', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/reports',
      headers: auth(ADMIN),
      payload: { framework: 'gdpr', tenant: 'acme', from: today(), to: today() },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json<{ error: { code: string } }>().error.code).toBe('validation_failed');
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auth, testApp, type TestApp } from '../test-support/test-app.js';

let t: TestApp;
const tokens: Record<string, string> = {};

beforeAll(async () => {
  t = await testApp();
  for (const [name, tenant, scopes] of [
    ['acmeAdmin', 'acme', ['admin']],
    ['acmeRead', 'acme', ['read', 'ingest']],
    ['globexRead', 'globex', ['read']],
  ] as const)
    tokens[name] = (await t.services.keys.create({ tenant, name, scopes })).token;
  await t.services.ingest.ingest(
    [{ tenant: 'acme', action: 'user.login', actor: { id: 'a' }, observer: { service: 'web' } }],
    { kind: 'admin' },
  );
  await t.services.sourceHealthJob.tick();
});
afterAll(() => t.close());

interface Answer {
  sources?: { service: string; status: string; expected_every: string | null }[];
  source?: { service: string; expected_every: string | null };
  error?: { code: string; details?: { path: string }[] };
}

const call = async (
  method: 'GET' | 'PUT' | 'POST',
  url: string,
  token: string,
  payload?: object,
) => {
  const r = await t.app.inject({
    method,
    url,
    headers: auth(token),
    ...(payload === undefined ? {} : { payload }),
  });
  return { statusCode: r.statusCode, body: r.json<Answer>() };
};

describe('/v1/sources', () => {
  it('lists the sources of the key’s tenant and sets a cadence with admin scope', async () => {
    const list = await call('GET', '/v1/sources', tokens.acmeRead!);
    expect(list.statusCode).toBe(200);
    expect(list.body.sources?.map((s) => [s.service, s.status])).toEqual([['web', 'unmonitored']]);
    const put = await call('PUT', '/v1/sources/web', tokens.acmeAdmin!, { expected_every: '1h' });
    expect(put.statusCode).toBe(200);
    expect(put.body.source).toMatchObject({ service: 'web', expected_every: '1h' });
    const after = await call('GET', '/v1/sources?tenant=acme', tokens.acmeAdmin!);
    expect(after.body.sources?.[0]?.status).toBe('ok');
  });

  it('refuses a bad cadence naming the field, a read key, and another tenant', async () => {
    const bad = await call('PUT', '/v1/sources/web', tokens.acmeAdmin!, { expected_every: '5x' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body.error?.details?.map((d) => d.path)).toEqual(['expected_every']);
    const ro = await call('PUT', '/v1/sources/web', tokens.acmeRead!, { expected_every: '1h' });
    expect(ro.statusCode).toBe(403);
    const other = await call('GET', '/v1/sources?tenant=acme', tokens.globexRead!);
    expect(other.statusCode).toBe(403);
  });

  it('refuses review.* actions from producers: only Veritrail writes sign-offs', async () => {
    const r = await call('POST', '/v1/events', tokens.acmeRead!, {
      action: 'review.signed_off',
      actor: { id: 'mallory' },
    });
    expect(r.statusCode).toBe(400);
    expect(JSON.stringify(r.body)).toContain('"review.*\\" actions are written only by Veritrail');
  });
});

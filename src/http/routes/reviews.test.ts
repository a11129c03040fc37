import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auth, testApp, type TestApp } from '../test-support/test-app.js';

let t: TestApp;
const tokens: Record<string, string> = {};

beforeAll(async () => {
  t = await testApp();
  for (const [name, tenant, scopes] of [
    ['acmeAdmin', 'acme', ['admin']],
    ['acmeRead', 'acme', ['read']],
    ['acmeIngest', 'acme', ['ingest']],
    ['globexAdmin', 'globex', ['admin']],
  ] as const)
    tokens[name] = (await t.services.keys.create({ tenant, name, scopes })).token;
});
afterAll(() => t.close());

type Body = Record<string, unknown> & {
  error?: { code: string; details?: { path: string }[] };
};

const call = async (method: 'GET' | 'POST', url: string, token: string, payload?: object) => {
  const r = await t.app.inject({
    method,
    url,
    headers: auth(token),
    ...(payload === undefined ? {} : { payload }),
  });
  return { statusCode: r.statusCode, body: r.json<Body>() };
};

describe('/v1/review-tasks and /v1/reviews', () => {
  it('creates a task, opens its review, shows the packet and takes one sign-off', async () => {
    const created = await call('POST', '/v1/review-tasks', tokens.acmeAdmin!, {
      name: 'daily',
      period: '1d',
      assignee: 'read',
      starts: '2020-01-01',
    });
    expect(created.statusCode).toBe(201);
    const ro = await call('POST', '/v1/review-tasks', tokens.acmeRead!, {
      name: 'x',
      period: '1d',
      assignee: 'read',
    });
    expect(ro.statusCode).toBe(403);
    const tasks = await call('GET', '/v1/review-tasks', tokens.acmeRead!);
    expect((tasks.body.tasks as unknown[]).length).toBe(1);

    await t.services.reviewJob.tick();
    const list = await call('GET', '/v1/reviews?status=open', tokens.acmeRead!);
    expect(list.statusCode).toBe(200);
    const reviews = list.body.reviews as { id: string; from: string }[];
    expect(reviews.length).toBeGreaterThan(0);
    const id = reviews.at(-1)!.id;
    expect(reviews.at(-1)!.from).toBe('2020-01-01T00:00:00.000Z');

    const shown = await call('GET', `/v1/reviews/${id}`, tokens.acmeRead!);
    expect(shown.body.review).toMatchObject({ id, packet: { events: 0, alerts: 0 } });
    expect((await call('GET', `/v1/reviews/${id}`, tokens.globexAdmin!)).statusCode).toBe(404);

    const bad = await call('POST', `/v1/reviews/${id}/sign-off`, tokens.acmeRead!, {
      decision: 'ok',
      note: 'x',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.body.error?.details?.map((d) => d.path)).toEqual(['decision']);
    const ingestOnly = await call('POST', `/v1/reviews/${id}/sign-off`, tokens.acmeIngest!, {
      decision: 'approved',
      note: 'x',
    });
    expect(ingestOnly.statusCode).toBe(403);
    const ok = await call('POST', `/v1/reviews/${id}/sign-off`, tokens.acmeRead!, {
      decision: 'approved',
      note: 'nothing unusual',
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.body.review).toMatchObject({
      status: 'signed_off',
      sign_off: { decision: 'approved' },
    });
    const again = await call('POST', `/v1/reviews/${id}/sign-off`, tokens.acmeRead!, {
      decision: 'approved',
      note: 'again',
    });
    expect(again.statusCode).toBe(409);
  });
});

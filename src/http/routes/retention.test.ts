import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, auth, testApp, type TestApp } from '../test-support/test-app.js';

let t: TestApp;
const tokens: Record<string, string> = {};
const DAY = 86_400_000;

beforeAll(async () => {
  t = await testApp();
  for (const [name, tenant, scopes] of [
    ['acmeAdmin', 'acme', ['admin']],
    ['acmeRead', 'acme', ['read']],
    ['globexAdmin', 'globex', ['admin']],
  ] as const)
    tokens[name] = (await t.services.keys.create({ tenant, name, scopes })).token;
  const old = (days: number) => new Date(Date.now() - days * DAY).toISOString();
  await t.services.ingest.ingest(
    [
      { tenant: 'acme', action: 'user.login', actor: { id: 'alice' }, occurred_at: old(3000) },
      { tenant: 'acme', action: 'user.login', actor: { id: 'bob' }, occurred_at: old(3000) },
      { tenant: 'acme', action: 'user.login', actor: { id: 'alice' }, occurred_at: old(1) },
    ],
    { kind: 'admin' },
  );
});
afterAll(() => t.close());

/** The fields the answers carry (each test reads the ones its route returns). */
interface Answer {
  policy?: Record<string, unknown>;
  policies?: { name: string }[];
  hold?: { id: string; active: boolean; created_by: string; release_reason: string | null };
  holds?: unknown[];
  error?: { code: string; message: string; details: { path: string; message: string }[] };
}

const call = async (
  method: 'GET' | 'PUT' | 'POST' | 'DELETE',
  url: string,
  token: string,
  payload?: unknown,
) => {
  const r = await t.app.inject({
    method,
    url,
    headers: auth(token),
    ...(payload === undefined ? {} : { payload: payload as object }),
  });
  return { statusCode: r.statusCode, body: r.body === '' ? {} : r.json<Answer>() };
};

describe('/v1/retention-policies and /v1/legal-holds', () => {
  it('creates, lists, refuses conflicts and bad input with clear errors, deletes', async () => {
    const k = tokens.acmeAdmin!;
    const put = await call('PUT', '/v1/retention-policies/all', k, {
      scope: 'action:user.*',
      min: '365d',
      max: '2555d',
    });
    expect(put.statusCode).toBe(200);
    expect(put.body.policy).toMatchObject({
      tenant: 'acme',
      name: 'all',
      scope: 'action:user.*',
      min: '365d',
      max: '2555d',
    });

    const post = await call('POST', '/v1/retention-policies', k, {
      name: 'debug',
      scope: 'action:debug.trace',
      max: '30d',
    });
    expect(post.statusCode).toBe(200);

    const conflict = await call('PUT', '/v1/retention-policies/short', k, { max: '30d' });
    expect(conflict.statusCode).toBe(409);
    expect(conflict.body.error!.code).toBe('conflict');
    expect(conflict.body.error!.message).toMatch(/policy "short".*policy "all"/);

    const bad = await call('PUT', '/v1/retention-policies/x', k, { max: 30, colour: 'red' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body.error!.details.map((d) => d.path)).toEqual(['colour']);
    const bad2 = await call('PUT', '/v1/retention-policies/x', k, { max: 30 });
    expect(bad2.statusCode).toBe(400);
    expect(bad2.body.error!.details[0]).toMatchObject({ path: 'max' });

    const list = await call('GET', '/v1/retention-policies', k);
    expect(list.body.policies!.map((p) => p.name)).toEqual(['all', 'debug']);
    expect((await call('GET', '/v1/retention-policies', tokens.acmeRead!)).statusCode).toBe(403);
    expect(
      (await call('GET', '/v1/retention-policies?tenant=acme', tokens.globexAdmin!)).statusCode,
    ).toBe(403);

    expect((await call('DELETE', '/v1/retention-policies/debug', k)).statusCode).toBe(204);
    expect((await call('DELETE', '/v1/retention-policies/debug', k)).statusCode).toBe(404);
  });

  it('holds block the purge of their scope; release is once; purge and dry run report', async () => {
    const k = tokens.acmeAdmin!;
    await call('PUT', '/v1/retention-policies/all', k, { min: '365d', max: '2555d' });
    const h = await call('POST', '/v1/legal-holds', k, { scope: 'actor.id:bob', reason: 'case 9' });
    expect(h.statusCode).toBe(201);
    const hold = h.body.hold!;
    expect(hold.active).toBe(true);
    expect(hold.created_by).toMatch(/^key:/);
    expect(
      (await call('POST', '/v1/legal-holds', k, { scope: 'x:>1' })).body.error!.details.map(
        (d: { path: string }) => d.path,
      ),
    ).toEqual(['scope', 'reason']);

    const dry = await call('POST', '/v1/retention/purge?dry_run=true', k);
    expect(dry.body).toMatchObject({ tenant: 'acme', dry_run: true, purged: 1 });
    const real = await call('POST', '/v1/retention/purge', k);
    expect(real.body).toMatchObject({
      dry_run: false,
      purged: 1,
      policies: [{ policy: 'all', seq_ranges: '0' }],
    });

    expect(
      (
        await call('POST', `/v1/legal-holds/${hold.id}/release`, tokens.globexAdmin!, {
          reason: 'x',
        })
      ).statusCode,
    ).toBe(404);
    const rel = await call('POST', `/v1/legal-holds/${hold.id}/release`, k, { reason: 'closed' });
    expect(rel.body.hold).toMatchObject({ active: false, release_reason: 'closed' });
    expect(
      (await call('POST', `/v1/legal-holds/${hold.id}/release`, k, { reason: 'again' })).statusCode,
    ).toBe(409);
    const holds = await call('GET', '/v1/legal-holds', k);
    expect(holds.body.holds).toHaveLength(1);
    const after = await call('POST', '/v1/retention/purge?tenant=acme', ADMIN);
    expect(after.body).toMatchObject({ purged: 1, policies: [{ seq_ranges: '1' }] });
  });
});

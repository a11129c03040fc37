import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServices, type Services } from '../../app/services.js';
import { fakeDetector } from '../../app/test-support/fake-detector.js';
import { testSigner } from '../../app/test-support/signer.js';
import { openSqliteStore } from '../../storage/sqlite/sqlite-store.js';
import { buildApp } from '../app.js';

const ADMIN = 'test-admin-token-0123456789';
const auth = (token: string) => ({ authorization: `Bearer ${token}` });
const T0 = Date.parse('2026-03-02T10:00:00Z');
const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();

let dir: string;
let s: Services;
let app: FastifyInstance;
const tokens: Record<string, string> = {};

interface AlertJson {
  id: string;
  tenant: string;
  status: string;
  severity: string;
  rule_id: string;
  group_key: string;
  history: { status: string; by: string; note: string | null }[];
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'veritrail-alerts-http-'));
  s = createServices({
    store: openSqliteStore({ dataDir: dir, writerThread: false }),
    signer: testSigner(),
    adminToken: ADMIN,
    detector: fakeDetector(),
    ruleErrors: [{ file: 'rules/bad.yml', line: 3, message: 'unknown modifier |foo' }],
  });
  app = await buildApp({ services: s, rateLimitPerMinute: 0 });
  for (const [name, tenant, scopes] of [
    ['acmeRead', 'acme', ['read']],
    ['acmeAdmin', 'acme', ['admin']],
    ['globexRead', 'globex', ['read']],
    ['acmeIngest', 'acme', ['ingest']],
  ] as const)
    tokens[name] = (await s.keys.create({ tenant, name, scopes })).token;
  // acme: alice (high, brute) x2 groups, bob (high), 2 admin findings (low); globex: one.
  const admin = { kind: 'admin' } as const;
  await s.ingest.ingest(
    [
      { tenant: 'acme', action: 'user.login_failed', actor: { id: 'alice' }, occurred_at: at(0) },
      { tenant: 'acme', action: 'user.login_failed', actor: { id: 'bob' }, occurred_at: at(1) },
      { tenant: 'acme', action: 'admin.change', actor: { id: 'root' }, occurred_at: at(2) },
      { tenant: 'acme', action: 'admin.change', actor: { id: 'root' }, occurred_at: at(3) },
      { tenant: 'acme', action: 'user.login_failed', actor: { id: 'alice' }, occurred_at: at(500) },
      { tenant: 'globex', action: 'user.login_failed', actor: { id: 'gina' }, occurred_at: at(0) },
    ],
    admin,
  );
  while ((await s.detection!.step()) > 0);
});

afterAll(async () => {
  await app.close();
  await s.close();
  rmSync(dir, { recursive: true, force: true });
});

interface ErrorJson {
  error: { code: string; message: string; details: { path: string }[] };
}
const errorOf = (r: { json: <T>() => T }) => r.json<ErrorJson>().error;

const get = (url: string, token = ADMIN) =>
  app.inject({ method: 'GET', url, headers: auth(token) });
const patch = (id: string, payload: unknown, token = ADMIN) =>
  app.inject({
    method: 'PATCH',
    url: `/v1/alerts/${id}`,
    headers: auth(token),
    payload: payload as object,
  });
const list = async (query: string, token = ADMIN) => {
  const r = await get(`/v1/alerts?${query}`, token);
  expect(r.statusCode).toBe(200);
  return r.json<{ alerts: AlertJson[]; next_cursor: string | null }>();
};

describe('alerts API', () => {
  it('lists a tenant newest first with filters', async () => {
    const all = await list('tenant=acme');
    expect(all.alerts).toHaveLength(5);
    expect(all.alerts.every((a) => a.tenant === 'acme')).toBe(true);
    const ids = all.alerts.map((a) => a.id);
    expect([...ids].sort().reverse()).toEqual(ids);
    expect((await list('tenant=acme&severity=low')).alerts.map((a) => a.rule_id)).toEqual([
      'admin',
      'admin',
    ]);
    expect((await list('tenant=acme&rule=brute')).alerts).toHaveLength(3);
    expect((await list(`tenant=acme&since=${at(400)}`)).alerts).toHaveLength(1);
    expect((await list('tenant=acme&status=resolved')).alerts).toHaveLength(0);
  });

  it('pages with an opaque cursor', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { alerts: AlertJson[]; next_cursor: string | null } = await list(
        `tenant=acme&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      );
      seen.push(...page.alerts.map((a) => a.id));
      cursor = page.next_cursor;
    } while (cursor);
    expect(seen).toEqual((await list('tenant=acme')).alerts.map((a) => a.id));
    const bad = await get('/v1/alerts?tenant=acme&cursor=bm9wZQ');
    expect(bad.statusCode).toBe(400);
    expect(errorOf(bad).message).toMatch(/cursor/);
  });

  it('rejects bad filters with a clear error', async () => {
    for (const [q, field] of [
      ['status=closed', 'status'],
      ['severity=urgent', 'severity'],
      ['limit=0', 'limit'],
      ['since=yesterday', 'since'],
      ['colour=red', 'colour'],
    ]) {
      const r = await get(`/v1/alerts?tenant=acme&${q}`);
      expect(r.statusCode, q).toBe(400);
      expect(errorOf(r).message, q).toContain(field);
    }
  });

  it('never shows a key another tenant’s alerts', async () => {
    const own = await list('', tokens.globexRead);
    expect(own.alerts.map((a) => a.tenant)).toEqual(['globex']);
    expect((await get('/v1/alerts?tenant=acme', tokens.globexRead)).statusCode).toBe(403);
    const acmeId = (await list('tenant=acme')).alerts[0]!.id;
    const r = await get(`/v1/alerts/${acmeId}`, tokens.globexRead);
    expect(r.statusCode).toBe(404);
    expect((await patch(acmeId, { status: 'resolved' }, tokens.globexRead)).statusCode).toBe(404);
    expect((await get(`/v1/alerts/${acmeId}`, tokens.acmeRead)).statusCode).toBe(200);
    expect((await get('/v1/alerts/al_00000000000000000000000000000000')).statusCode).toBe(404);
    expect((await get('/v1/alerts?tenant=acme', tokens.acmeIngest)).statusCode).toBe(403);
  });

  it('acknowledges, resolves and reopens, each an alert.* event in the tenant log', async () => {
    const id = (await list('tenant=acme&rule=admin')).alerts[0]!.id;
    expect((await patch(id, { status: 'acknowledged' }, tokens.acmeRead)).statusCode).toBe(403);
    const ack = await patch(id, { status: 'acknowledged', note: 'on it' }, tokens.acmeAdmin);
    expect(ack.statusCode).toBe(200);
    expect(ack.json<{ alert: AlertJson }>().alert.status).toBe('acknowledged');
    const again = await patch(id, { status: 'acknowledged' }, tokens.acmeAdmin);
    expect(again.statusCode).toBe(409);
    expect(errorOf(again)).toMatchObject({
      code: 'conflict',
      message: `alert ${id} is already acknowledged`,
    });
    expect((await patch(id, { status: 'resolved', note: 'fine' })).statusCode).toBe(200);
    const back = await patch(id, { status: 'acknowledged' });
    expect(back.statusCode).toBe(409);
    expect(errorOf(back).message).toMatch(/reopen it/);
    const reopened = await patch(id, { status: 'open', note: 'again' });
    expect(reopened.statusCode).toBe(200);
    const one = (await get(`/v1/alerts/${id}`)).json<{ alert: AlertJson }>().alert;
    expect(one.history.map((h) => [h.status, h.by, h.note])).toEqual([
      ['open', 'rule:admin', null],
      ['acknowledged', `key:${tokens.acmeAdmin!.split('_')[1]}`, 'on it'],
      ['resolved', 'admin-token', 'fine'],
      ['open', 'admin-token', 'again'],
    ]);
    const events = await s.search.search(
      { kind: 'admin' },
      { tenant: 'acme', q: `targets.id:${JSON.stringify(id)}`, limit: 10 },
    );
    expect(events.events.map((e) => [e.action, e.reason ?? null]).reverse()).toEqual([
      ['alert.raised', 'admin.change'],
      ['alert.acknowledged', 'on it'],
      ['alert.resolved', 'fine'],
      ['alert.reopened', 'again'],
    ]);
  });

  it('validates the PATCH body', async () => {
    const id = (await list('tenant=acme&rule=brute')).alerts[0]!.id;
    for (const [body, field] of [
      [{ status: 'closed' }, 'status'],
      [{}, 'status'],
      [{ status: 'resolved', note: 5 }, 'note'],
      [{ status: 'resolved', note: 'x'.repeat(1001) }, 'note'],
      [{ status: 'resolved', colour: 'red' }, 'colour'],
      [[1], '(body)'],
    ] as const) {
      const r = await patch(id, body);
      expect(r.statusCode, JSON.stringify(body)).toBe(400);
      expect(errorOf(r).details[0]?.path).toBe(field);
    }
  });

  it('audits reads of alerts in _system, like searches', async () => {
    const id = (await list('tenant=globex', tokens.globexRead)).alerts[0]!.id;
    await get(`/v1/alerts/${id}`, tokens.globexRead);
    const audit = await s.search.search(
      { kind: 'admin' },
      { tenant: '_system', q: 'targets.id:globex AND action:audit.alert*', limit: 10 },
    );
    const keyId = tokens.globexRead!.split('_')[1];
    expect(
      audit.events
        .map((e) => [e.action, e.actor.id])
        .slice(0, 2)
        .reverse(),
    ).toEqual([
      ['audit.alerts', `key:${keyId}`],
      ['audit.alert_read', `key:${keyId}`],
    ]);
    expect(audit.events[0]!.metadata).toEqual({ id });
  });

  it('lists the rules and load errors for any authenticated caller', async () => {
    const r = await get('/v1/rules', tokens.globexRead);
    expect(r.statusCode).toBe(200);
    const body = r.json<{ rules: { id: string; suppress_ms: number }[]; errors: unknown[] }>();
    expect(body.rules.map((x) => [x.id, x.suppress_ms])).toEqual([
      ['brute', 3_600_000],
      ['admin', 0],
    ]);
    expect(body.errors).toEqual([
      { file: 'rules/bad.yml', line: 3, message: 'unknown modifier |foo' },
    ]);
    expect((await app.inject({ method: 'GET', url: '/v1/rules' })).statusCode).toBe(401);
  });
});

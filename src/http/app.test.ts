import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyInclusion, verifyConsistency } from '../core/merkle/index.js';
import { parseCheckpoint, verifyNote } from '../core/checkpoint/index.js';
import { ADMIN, auth, testApp, type TestApp } from './test-support/test-app.js';

let t: TestApp;
let ingestKey: string;
let readKey: string;
let otherKey: string;
let acmeAdmin: string;

const ev = (over: Record<string, unknown> = {}) => ({
  action: 'user.login',
  actor: { id: 'alice' },
  outcome: 'success',
  ...over,
});

beforeAll(async () => {
  t = await testApp({ bodyLimit: 256 * 1024 });
  const mk = async (tenant: string, scopes: string[]) =>
    (await t.services.keys.create({ tenant, name: 't', scopes })).token;
  ingestKey = await mk('acme', ['ingest']);
  readKey = await mk('acme', ['read']);
  acmeAdmin = await mk('acme', ['admin']);
  otherKey = await mk('globex', ['ingest', 'read']);
});
afterAll(() => t.close());

const post = (body: unknown, token = ingestKey, headers: Record<string, string> = {}) =>
  t.app.inject({
    method: 'POST',
    url: '/v1/events',
    headers: { ...auth(token), ...headers },
    payload: body as object,
  });
const get = (url: string, token = readKey) =>
  t.app.inject({ method: 'GET', url, headers: auth(token) });

describe('POST /v1/events', () => {
  it('appends one event and a batch, returning positions and leaf hashes', async () => {
    const one = await post(ev());
    expect(one.statusCode).toBe(201);
    const body = one.json<{
      events: { id: string; tenant: string; seq: number; leaf_hash: string }[];
    }>();
    expect(body.events[0]).toMatchObject({ tenant: 'acme', seq: 0 });
    expect(body.events[0]!.leaf_hash).toMatch(/^[0-9a-f]{64}$/);
    const batch = await post({
      events: [ev({ actor: { id: 'bob' } }), ev({ outcome: 'failure' })],
    });
    expect(batch.json<{ events: { seq: number }[] }>().events.map((e) => e.seq)).toEqual([1, 2]);
  });

  it('is idempotent on the producer id', async () => {
    const first = await post(ev({ id: 'order-77' }));
    const again = await post(ev({ id: 'order-77', outcome: 'failure' }));
    expect(again.statusCode).toBe(201);
    const [a, b] = [
      first.json<{ events: { seq: number }[] }>().events[0]!,
      again.json<{ events: { seq: number; duplicate?: boolean }[] }>().events[0]!,
    ];
    expect(b).toMatchObject({ seq: a.seq, duplicate: true });
  });

  it('names every bad field with a 400 and stores nothing of the batch', async () => {
    const before = (await t.services.store.events.head('acme')).size;
    const r = await post({
      events: [
        ev(),
        { action: 'nodot', actor: {}, outcome: 'maybe', extra: 1 },
        ev({ source: { ip: '300.1.1.1' } }),
      ],
    });
    expect(r.statusCode).toBe(400);
    const e = r.json<{
      error: { code: string; message: string; details: { path: string; message: string }[] };
    }>().error;
    expect(e.code).toBe('validation_failed');
    const paths = e.details.map((d) => d.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'events.1.action',
        'events.1.actor.id',
        'events.1.outcome',
        'events.1.extra',
        'events.2.source.ip',
      ]),
    );
    expect(e.message).toContain('2 of 3 events are invalid');
    expect((await t.services.store.events.head('acme')).size).toBe(before);
  });

  it('refuses strings that are not well-formed Unicode (RFC 8785 cannot canonicalize them)', async () => {
    const r = await t.app.inject({
      method: 'POST',
      url: '/v1/events',
      headers: { ...auth(ingestKey), 'content-type': 'application/json' },
      payload: '{"action":"a.b","actor":{"id":"x","name":"\\ud800"}}',
    });
    expect(r.statusCode).toBe(400);
    expect(
      r.json<{ error: { details: { message: string }[] } }>().error.details[0]!.message,
    ).toContain('lone surrogate');
  });

  it('paths of a single event have no prefix', async () => {
    const r = await post({ action: 'user.login', actor: { id: 'a b' } });
    expect(r.json<{ error: { details: { path: string }[] } }>().error.details[0]!.path).toBe(
      'actor.id',
    );
  });

  it('takes a bare JSON array as a batch (what log shippers send), in order', async () => {
    const ok = await post([
      { action: 'user.login', actor: { id: 'a' } },
      { action: 'user.logout', actor: { id: 'a' } },
    ]);
    expect(ok.statusCode, ok.body).toBe(201);
    const [a, b] = ok.json<{ events: { seq: number }[] }>().events.map((e) => e.seq);
    expect(b).toBe(a! + 1);
    const bad = await post([
      { action: 'user.login', actor: { id: 'a' } },
      { action: 'user.login', actor: {} },
    ]);
    expect(bad.statusCode).toBe(400);
    expect(
      bad.json<{ error: { details: { path: string }[] } }>().error.details.map((d) => d.path),
    ).toEqual(['1.actor.id']);
    expect((await post([])).statusCode).toBe(400);
  });

  it('refuses alert.* and retention.* actions from producers: only Veritrail writes them', async () => {
    const forged = await post({ action: 'retention.purge', actor: { id: 'mallory' } });
    expect(forged.statusCode).toBe(400);
    const r = await post({ action: 'alert.raised', actor: { id: 'mallory' } });
    expect(r.statusCode).toBe(400);
    expect(
      r.json<{ error: { details: { path: string; message: string }[] } }>().error.details,
    ).toEqual([{ path: 'action', message: expect.stringContaining('written only by') as string }]);
    const batch = await post({
      events: [
        { action: 'alerting.configure', actor: { id: 'a' } },
        { action: 'alert.resolved', actor: { id: 'a' } },
      ],
    });
    expect(batch.statusCode).toBe(400);
    expect(
      batch.json<{ error: { details: { path: string }[] } }>().error.details.map((d) => d.path),
    ).toEqual(['events.1.action']);
  });

  it('refuses received_at from producers, bad timestamps and oversized metadata', async () => {
    for (const bad of [
      ev({ received_at: '2026-01-01T00:00:00Z' }),
      ev({ occurred_at: '2026-02-30T00:00:00Z' }),
      ev({ metadata: { a: 'x'.repeat(20000) } }),
      ev({
        metadata: { a: { b: { c: { d: { e: { f: { g: { h: { i: { j: { k: 1 } } } } } } } } } } },
      }),
    ]) {
      const r = await post(bad);
      expect(r.statusCode, JSON.stringify(bad).slice(0, 80)).toBe(400);
    }
  });

  it('gives 413 for too many events or too large a body, 400 for bad JSON, 415 for other media types', async () => {
    const many = await post({
      events: Array.from({ length: 1001 }, () => ({ action: 'a.b', actor: { id: 'x' } })),
    });
    expect(many.statusCode).toBe(413);
    expect(many.json<{ error: { code: string } }>().error.code).toBe('payload_too_large');
    const big = await post({ events: [ev({ reason: 'x'.repeat(300 * 1024) })] });
    expect(big.statusCode).toBe(413);
    const badJson = await t.app.inject({
      method: 'POST',
      url: '/v1/events',
      headers: { ...auth(ingestKey), 'content-type': 'application/json' },
      payload: '{"action": ',
    });
    expect(badJson.statusCode).toBe(400);
    expect(badJson.json<{ error: { code: string } }>().error.code).toBe('validation_failed');
    const text = await t.app.inject({
      method: 'POST',
      url: '/v1/events',
      headers: { ...auth(ingestKey), 'content-type': 'application/xml' },
      payload: '<a/>',
    });
    expect(text.statusCode).toBe(415);
    const empty = await post({ events: [] });
    expect(empty.statusCode).toBe(400);
  });

  it('enforces authentication, tenant binding and scopes', async () => {
    expect(
      (await t.app.inject({ method: 'POST', url: '/v1/events', payload: ev() })).statusCode,
    ).toBe(401);
    expect((await post(ev(), 'vt_aaaaaaaaaaaa_' + 'A'.repeat(43))).statusCode).toBe(401);
    const cross = await post(ev({ tenant: 'globex' }));
    expect(cross.statusCode).toBe(403);
    expect(cross.json<{ error: { code: string } }>().error.code).toBe('forbidden');
    expect((await post(ev(), readKey)).statusCode).toBe(403);
    const system = await post(ev({ tenant: '_system' }), ADMIN);
    expect(system.statusCode).toBe(400);
    expect(system.json<{ error: { details: { path: string }[] } }>().error.details[0]!.path).toBe(
      'tenant',
    );
  });
});

describe('reading', () => {
  it('searches newest first with a cursor, isolates tenants, and audits the search', async () => {
    await post({
      events: Array.from({ length: 12 }, (_, i) =>
        ev({ actor: { id: i % 2 ? 'carol' : 'dave' }, action: 'invoice.read' }),
      ),
    });
    await post(ev({ actor: { id: 'carol' } }), otherKey);
    const first = await get('/v1/events?tenant=acme&q=actor.id:carol&limit=4');
    expect(first.statusCode).toBe(200);
    const p1 = first.json<{
      events: { seq: number; actor: { id: string }; tenant: string }[];
      next_cursor: string;
    }>();
    expect(p1.events).toHaveLength(4);
    expect(p1.events.every((e) => e.actor.id === 'carol' && e.tenant === 'acme')).toBe(true);
    const seqs = p1.events.map((e) => e.seq);
    expect([...seqs].sort((a, b) => b - a)).toEqual(seqs);
    const p2 = (
      await get(`/v1/events?tenant=acme&q=actor.id:carol&limit=4&cursor=${p1.next_cursor}`)
    ).json<{ events: { seq: number }[]; next_cursor: string | null }>();
    expect(p2.events.map((e) => e.seq)).toEqual([seqs[3]! - 2, seqs[3]! - 4]);
    expect(p2.next_cursor).toBeNull();
    expect((await get('/v1/events?tenant=globex')).statusCode).toBe(403);
    const audit = (await get('/v1/events?tenant=_system&q=action:audit.search', ADMIN)).json<{
      events: { actor: { id: string }; metadata: { q: string }; targets: { id: string }[] }[];
    }>();
    expect(
      audit.events.some((e) => e.metadata.q === 'actor.id:carol' && e.targets[0]!.id === 'acme'),
    ).toBe(true);
  });

  it('lets a tenant admin read only the _system entries naming that tenant', async () => {
    await get('/v1/events?tenant=globex', otherKey);
    const r = (await get('/v1/events?tenant=_system&limit=1000', acmeAdmin)).json<{
      events: { targets: { id: string }[] }[];
    }>();
    expect(r.events.length).toBeGreaterThan(0);
    expect(r.events.every((e) => e.targets[0]!.id === 'acme')).toBe(true);
    expect((await get('/v1/events?tenant=_system', readKey)).statusCode).toBe(403);
  });

  it('rejects bad queries and parameters with the field named', async () => {
    for (const [url, path] of [
      ['/v1/events?q=nosuch.field:x', 'q'],
      ['/v1/events?limit=0', 'limit'],
      ['/v1/events?since=yesterday', 'since'],
      ['/v1/events?cursor=garbage', 'cursor'],
      ['/v1/events?bogus=1', 'bogus'],
    ] as const) {
      const r = await get(url);
      expect(r.statusCode, url).toBe(400);
      expect(r.json<{ error: { details: { path: string }[] } }>().error.details[0]!.path, url).toBe(
        path,
      );
    }
  });

  it('reads one event with its salt and leaf; 404 for unknown ids', async () => {
    const page = (await get('/v1/events?limit=1')).json<{
      events: { id: string; seq: number }[];
    }>();
    const r = await get(`/v1/events/${page.events[0]!.id}`);
    expect(r.statusCode).toBe(200);
    const b = r.json<{ seq: number; salt: string; leaf_hash: string; event: { id: string } }>();
    expect(b.seq).toBe(page.events[0]!.seq);
    expect(b.salt).toMatch(/^[0-9a-f]{64}$/);
    const missing = await get('/v1/events/nope');
    expect(missing.statusCode).toBe(404);
    expect(missing.json<{ error: { code: string } }>().error.code).toBe('not_found');
  });
});

describe('log API', () => {
  it('serves a signed checkpoint, the key, and proofs that verify', async () => {
    await t.services.checkpointJob.flush();
    await t.services.ledger.sign('acme');
    const key = (await t.app.inject({ method: 'GET', url: '/v1/logs/acme/key' })).body.trim();
    expect(key).toMatch(/^localhost\/veritrail\/acme\+[0-9a-f]{8}\+/);
    const note = (await get('/v1/logs/acme/checkpoint')).body;
    const signed = verifyNote(note, key);
    expect(signed.ok).toBe(true);
    const cp = parseCheckpoint(signed.ok ? signed.value.body : '');
    if (!cp.ok) throw new Error('bad checkpoint');
    const { size, root } = cp.value;
    const inc = (await get(`/v1/logs/acme/proof/inclusion?index=1&size=${size}`)).json<{
      leaf_hash: string;
      proof: string[];
    }>();
    expect(
      verifyInclusion({
        leafHash: Buffer.from(inc.leaf_hash, 'hex'),
        index: 1,
        size,
        proof: inc.proof.map((h) => Buffer.from(h, 'hex')),
        root,
      }).ok,
    ).toBe(true);
    const entries = (await get(`/v1/logs/acme/entries?start=0&end=${size}`)).json<{
      entries: { index: number; leaf_input: string }[];
    }>();
    expect(entries.entries).toHaveLength(size);
    const con = (await get(`/v1/logs/acme/proof/consistency?from=1&to=${size}`)).json<{
      proof: string[];
    }>();
    const inc0 = (await get('/v1/logs/acme/proof/inclusion?index=0&size=1')).json<{
      leaf_hash: string;
    }>();
    expect(
      verifyConsistency({
        from: 1,
        to: size,
        proof: con.proof.map((h) => Buffer.from(h, 'hex')),
        fromRoot: Buffer.from(inc0.leaf_hash, 'hex'),
        toRoot: root,
      }).ok,
    ).toBe(true);
  });

  it('rejects out-of-range proofs and oversize entry ranges', async () => {
    for (const url of [
      '/v1/logs/acme/proof/inclusion?index=5&size=2',
      '/v1/logs/acme/proof/inclusion?index=0&size=999999',
      '/v1/logs/acme/proof/consistency?from=0&to=1',
      '/v1/logs/acme/entries?start=0&end=5000',
      '/v1/logs/acme/proof/inclusion?index=-1&size=2',
      '/v1/logs/acme/proof/inclusion?size=2',
    ]) {
      const r = await get(url);
      expect(r.statusCode, url).toBe(400);
      expect(r.json<{ error: { code: string } }>().error.code).toBe('validation_failed');
    }
    expect((await get('/v1/logs/BAD!/checkpoint')).statusCode).toBe(400);
    expect((await get('/v1/logs/globex/checkpoint')).statusCode).toBe(403);
  });
});

describe('meta', () => {
  it('serves health and an OpenAPI document listing the routes', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/healthz' })).json()).toEqual({
      status: 'ok',
      jobs: 'leader',
    });
    const doc = (await t.app.inject({ method: 'GET', url: '/openapi.json' })).json<{
      paths: Record<string, unknown>;
    }>();
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/v1/events',
        '/v1/events/{id}',
        '/v1/logs/{tenant}/checkpoint',
        '/v1/logs/{tenant}/proof/inclusion',
        '/v1/logs/{tenant}/proof/consistency',
        '/v1/logs/{tenant}/entries',
      ]),
    );
  });
  it('reports 503 unavailable on /healthz when events cannot be appended', async () => {
    const store = t.services.store as { unhealthy: () => string | undefined };
    const original = store.unhealthy;
    store.unhealthy = () => 'writer thread failed: disk I/O error';
    try {
      const r = await t.app.inject({ method: 'GET', url: '/healthz' });
      expect(r.statusCode).toBe(503);
      expect(r.json()).toEqual({
        error: { code: 'unavailable', message: 'writer thread failed: disk I/O error' },
      });
    } finally {
      store.unhealthy = original;
    }
  });

  it('answers unknown routes with the error body', async () => {
    const r = await get('/v2/nothing');
    expect(r.statusCode).toBe(404);
    expect(r.json()).toEqual({ error: { code: 'not_found', message: 'no route GET /v2/nothing' } });
  });
});

describe('rate limiting', () => {
  it('answers 429 with the error body past the per-credential limit, per credential', async () => {
    const { testApp: make } = await import('./test-support/test-app.js');
    const small = await make({ rateLimitPerMinute: 3 });
    try {
      const hit = () =>
        small.app.inject({
          method: 'GET',
          url: '/v1/logs/acme/key',
          headers: auth('some-token-value'),
        });
      const codes = [];
      for (let i = 0; i < 4; i++) codes.push((await hit()).statusCode);
      expect(codes).toEqual([200, 200, 200, 429]);
      const r = await hit();
      expect(r.json<{ error: { code: string } }>().error.code).toBe('rate_limited');
      expect(r.headers['retry-after']).toBeDefined();
      // Failed logins count too: guessing tokens is throttled like anything else.
      const guess = () =>
        small.app.inject({ method: 'GET', url: '/v1/events', headers: auth('wrong-guess-0001') });
      const guesses = [];
      for (let i = 0; i < 4; i++) guesses.push((await guess()).statusCode);
      expect(guesses).toEqual([401, 401, 401, 429]);
      // Another credential has its own budget; health checks are never limited.
      expect(
        (
          await small.app.inject({
            method: 'GET',
            url: '/v1/logs/acme/key',
            headers: auth('other-token-value'),
          })
        ).statusCode,
      ).toBe(200);
      for (let i = 0; i < 5; i++)
        expect((await small.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    } finally {
      await small.close();
    }
  });
});

describe('every error path answers with the documented body', () => {
  it('{"error":{"code","message","details"?}} with a known code, for bad input on every route', async () => {
    const { ERROR_CODES } = await import('../core/errors.js');
    const { statusOf } = await import('./errors.js');
    const json = { 'content-type': 'application/json' };
    const cases: {
      method: 'GET' | 'POST' | 'DELETE';
      url: string;
      headers?: Record<string, string>;
      payload?: string;
    }[] = [
      { method: 'POST', url: '/v1/events', payload: '{}' },
      {
        method: 'POST',
        url: '/v1/events',
        headers: { ...auth(ingestKey), ...json },
        payload: '[1,2]',
      },
      {
        method: 'POST',
        url: '/v1/events',
        headers: { ...auth(ingestKey), ...json },
        payload: '{"events":"x"}',
      },
      {
        method: 'POST',
        url: '/v1/events',
        headers: { ...auth(ingestKey), ...json },
        payload: 'null',
      },
      { method: 'POST', url: '/v1/events', headers: { ...auth(ingestKey), ...json }, payload: '' },
      {
        method: 'POST',
        url: '/v1/events',
        headers: { ...auth(ingestKey), ...json },
        payload: '\u0000\u0001binary',
      },
      { method: 'GET', url: '/v1/events?limit=abc', headers: auth(readKey) },
      { method: 'GET', url: '/v1/events?tenant=../etc', headers: auth(readKey) },
      { method: 'GET', url: '/v1/events?q=(unclosed', headers: auth(readKey) },
      { method: 'GET', url: `/v1/events/${'x'.repeat(600)}`, headers: auth(readKey) },
      { method: 'GET', url: '/v1/events/%E0%A4%A', headers: auth(readKey) },
      { method: 'GET', url: '/v1/export?limit=0', headers: auth(readKey) },
      { method: 'GET', url: '/v1/export?tenant=nobody', headers: auth(ADMIN) },
      { method: 'GET', url: '/v1/logs/nobody/checkpoint', headers: auth(ADMIN) },
      { method: 'GET', url: '/v1/logs/acme/entries?start=x&end=1', headers: auth(readKey) },
      { method: 'GET', url: '/v1/logs/acme/proof/consistency?from=2', headers: auth(readKey) },
      {
        method: 'POST',
        url: '/v1/keys',
        headers: { ...auth(ADMIN), ...json },
        payload: '{"tenant":"acme","name":"x","scopes":["root"]}',
      },
      {
        method: 'POST',
        url: '/v1/keys',
        headers: { ...auth(readKey), ...json },
        payload: '{"tenant":"acme","name":"x","scopes":["read"]}',
      },
      { method: 'GET', url: '/v1/keys?tenant=globex', headers: auth(acmeAdmin) },
      { method: 'DELETE', url: '/v1/keys/nope', headers: auth(ADMIN) },
      { method: 'GET', url: '/v1/keys', headers: { authorization: 'Basic abc' } },
      { method: 'GET', url: '/metrics' },
      { method: 'GET', url: '/metrics', headers: auth(ingestKey) },
    ];
    for (const c of cases) {
      const r = await t.app.inject({
        method: c.method,
        url: c.url,
        headers: c.headers ?? {},
        ...(c.payload === undefined ? {} : { payload: c.payload }),
      });
      const what = `${c.method} ${c.url} ${c.payload ?? ''}`;
      expect(r.statusCode, what).toBeGreaterThanOrEqual(400);
      const body = r.json<{
        error: {
          code: (typeof ERROR_CODES)[number];
          message: string;
          details?: { path: string; message: string }[];
        };
      }>();
      expect(Object.keys(body), what).toEqual(['error']);
      expect(ERROR_CODES, what).toContain(body.error.code);
      expect(statusOf(body.error.code), what).toBe(r.statusCode);
      expect(typeof body.error.message, what).toBe('string');
      for (const d of body.error.details ?? [])
        expect(Object.keys(d).sort(), what).toEqual(['message', 'path']);
    }
  });
});

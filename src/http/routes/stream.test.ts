/**
 * Live streams over a real listening server and a real SSE client (the `eventsource` package,
 * which reconnects by itself with Last-Event-ID), as ARCHITECTURE §5 and the API promise.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventSource } from 'eventsource';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { createServices, type Services } from '../../app/services.js';
import { loadOrCreateSigner } from '../../storage/signing-key-file.js';
import { openSqliteStore } from '../../storage/sqlite/sqlite-store.js';
import { buildApp } from '../app.js';
import { ADMIN } from '../test-support/test-app.js';

interface Live {
  url: string;
  app: FastifyInstance;
  services: Services;
  sockets: Set<Socket>;
  close(): Promise<void>;
}

const opened: Live[] = [];
afterEach(async () => {
  for (const l of opened.splice(0)) await l.close();
});

async function live(route: { bufferBytes?: number; stallMs?: number } = {}): Promise<Live> {
  const dir = mkdtempSync(join(tmpdir(), 'veritrail-stream-'));
  const services = createServices({
    store: openSqliteStore({ dataDir: dir, writerThread: false }),
    signer: loadOrCreateSigner(dir),
    adminToken: ADMIN,
    stream: { heartbeatMs: 100, pollMs: 200 },
  });
  const app = await buildApp({ services, rateLimitPerMinute: 0, stream: route });
  const sockets = new Set<Socket>();
  app.server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  const l: Live = {
    url: `http://127.0.0.1:${port}`,
    app,
    services,
    sockets,
    async close() {
      await app.close();
      await services.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  opened.push(l);
  return l;
}

const headers = { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' };

/** Appends through the app in process: no socket, so cutting sockets cuts only streams. */
async function send(l: Live, events: Record<string, unknown>[]): Promise<number[]> {
  const res = await l.app.inject({
    method: 'POST',
    url: '/v1/events',
    headers,
    payload: { events },
  });
  expect(res.statusCode).toBe(201);
  return res.json<{ events: { seq: number }[] }>().events.map((e) => e.seq);
}

const ev = (i: number, extra: Record<string, unknown> = {}) => ({
  tenant: 'acme',
  id: `e${i}`,
  action: i % 2 === 0 ? 'user.login' : 'invoice.read',
  actor: { id: `u${i % 5}` },
  ...extra,
});

function client(l: Live, query: string, token = ADMIN) {
  const got: { id: string; seq: number; data: { id: string; seq: number } }[] = [];
  const errors: { code?: number | undefined; message?: string | undefined }[] = [];
  const es = new EventSource(`${l.url}/v1/stream?${query}`, {
    fetch: (input, init) =>
      fetch(input, { ...init, headers: { ...init.headers, authorization: `Bearer ${token}` } }),
  });
  es.addEventListener('message', (m) => {
    const data = JSON.parse(m.data as string) as { id: string; seq: number };
    got.push({ id: m.lastEventId, seq: data.seq, data });
  });
  es.addEventListener('error', (e) => errors.push({ code: e.code, message: e.message }));
  const opened = new Promise<void>((resolve) => es.addEventListener('open', () => resolve()));
  return { es, got, errors, opened };
}

async function until(check: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('GET /v1/stream', () => {
  it('sends matching events live, in log order, each with its seq as id', async () => {
    const l = await live();
    await send(l, [ev(0), ev(1)]); // before the client: not sent without after=
    const c = client(l, `tenant=acme&q=${encodeURIComponent('action:user.*')}`);
    await c.opened;
    const seqs = await send(
      l,
      Array.from({ length: 20 }, (_, i) => ev(10 + i)),
    );
    const want = seqs.filter((_, i) => (10 + i) % 2 === 0);
    await until(() => c.got.length === want.length);
    expect(c.got.map((g) => g.seq)).toEqual(want);
    expect(c.got.map((g) => g.id)).toEqual(want.map(String));
    expect(c.got.every((g) => g.data.id.startsWith('e'))).toBe(true);
    c.es.close();
  });

  it('replays from the store after ?after=, then goes live', async () => {
    const l = await live();
    await send(
      l,
      Array.from({ length: 30 }, (_, i) => ev(i)),
    );
    const c = client(l, 'tenant=acme&after=9');
    await until(() => c.got.length === 20);
    await send(l, [ev(100)]);
    await until(() => c.got.length === 21);
    expect(c.got.map((g) => g.seq)).toEqual(Array.from({ length: 21 }, (_, i) => 10 + i));
    c.es.close();
  });

  it('a client whose connection is cut at random points ends with every event once, in order', async () => {
    const l = await live();
    const c = client(l, 'tenant=acme&after=-1');
    await c.opened;
    const total = 3000;
    let cuts = 0;
    const producer = (async () => {
      for (let b = 0; b < total / 100; b++) {
        await send(
          l,
          Array.from({ length: 100 }, (_, i) => ev(b * 100 + i)),
        );
        if (Math.random() < 0.3) {
          // Cut every open connection: the stream's socket among them.
          for (const s of l.sockets) s.destroy();
          cuts++;
        }
      }
    })();
    await producer;
    await until(() => c.got.length >= total, 30_000);
    await new Promise((r) => setTimeout(r, 300)); // anything extra would arrive by now
    expect(cuts).toBeGreaterThan(0);
    expect(c.got.map((g) => g.seq)).toEqual(Array.from({ length: total }, (_, i) => i));
    c.es.close();
  });

  it('while nothing matches, position frames move the client on', async () => {
    const l = await live();
    await send(l, [ev(0)]);
    const ac = new AbortController();
    const res = await fetch(`${l.url}/v1/stream?tenant=acme&q=actor.id:nobody`, {
      headers,
      signal: ac.signal,
    });
    expect(res.headers.get('content-type')).toMatch(/text\/event-stream/);
    await send(l, [ev(1), ev(2)]);
    const reader = res.body!.getReader() as ReadableStreamDefaultReader<Uint8Array>;
    let text = '';
    while (!/id: 2\n/.test(text)) text += new TextDecoder().decode((await reader.read()).value);
    // Only position events: the first says where the stream starts, then the log's progress.
    expect(text).toMatch(/^retry: 1000\nid: 0\nevent: position\ndata: \{"seq":0\}\n\n/);
    expect(text).not.toMatch(/^data: \{"(?!seq)/m);
    expect(text).toMatch(/id: 2\nevent: position\ndata: \{"seq":2\}/);
    ac.abort();
  });

  it('checks input and access, and records the stream in _system', async () => {
    const l = await live();
    await send(l, [ev(0)]);
    const get = (path: string, h: Record<string, string> = headers) =>
      l.app.inject({ method: 'GET', url: path, headers: h });
    expect((await get('/v1/stream?tenant=acme&after=5')).json()).toMatchObject({
      error: { code: 'validation_failed', details: [{ path: 'after' }] },
    });
    expect((await get('/v1/stream?tenant=acme&q=bogus:x')).statusCode).toBe(400);
    expect((await get('/v1/stream?tenant=acme&after=-2')).statusCode).toBe(400);
    expect(
      (await get('/v1/stream?tenant=acme', { ...headers, 'last-event-id': 'x' })).statusCode,
    ).toBe(400);
    expect((await get('/v1/stream?tenant=acme', {})).statusCode).toBe(401);
    const key = await l.services.keys.create({ tenant: 'other', name: 'k', scopes: ['read'] });
    const denied = await get('/v1/stream?tenant=acme', { authorization: `Bearer ${key.token}` });
    expect(denied.statusCode).toBe(403);
    const c = client(l, 'tenant=acme&q=actor.id:u0');
    await c.opened;
    c.es.close();
    const audit = await l.services.store.events.search({
      tenant: '_system',
      query: { type: 'all' },
      limit: 10,
    });
    expect(audit.map((r) => r.event?.action)).toContain('audit.stream');
    expect(audit.find((r) => r.event?.action === 'audit.stream')?.event?.metadata).toEqual({
      q: 'actor.id:u0',
      after: null,
    });
  });

  it('counts connected clients and their lag in the metrics', async () => {
    const l = await live();
    await send(l, [ev(0)]);
    const scrape = async () =>
      (await l.app.inject({ method: 'GET', url: '/metrics', headers })).body;
    const c = client(l, 'tenant=acme');
    await c.opened;
    await until(() => l.services.streams.clients === 1);
    expect(await scrape()).toMatch(/^veritrail_stream_clients 1$/m);
    expect(await scrape()).toMatch(/^veritrail_stream_delivery_lag_events 0$/m);
    c.es.close();
    await until(() => l.services.streams.clients === 0, 5000);
    expect(await scrape()).toMatch(/^veritrail_stream_clients 0$/m);
  });

  it('a client that stops reading is told to resume and cut off; ingest carries on', async () => {
    const l = await live({ bufferBytes: 64 * 1024, stallMs: 300 });
    const { request } = await import('node:http');
    // A client that never reads (a paused socket reads nothing, not even the server's close).
    const req = request(`${l.url}/v1/stream?tenant=acme&after=-1`, { headers }, (res) =>
      res.pause(),
    );
    req.on('error', () => {});
    req.end();
    await until(() => l.services.streams.clients === 1);
    await send(l, [ev(0)]);
    // 24 MB of events: more than the kernel's socket buffers hold for a reader that never reads.
    const big = 'x'.repeat(30_000);
    for (let b = 0; b < 8; b++) {
      await send(
        l,
        Array.from({ length: 100 }, (_, i) => ev(1 + b * 100 + i, { raw: { big } })),
      );
    }
    // The server gave up on it: the stream ended and its socket was closed from this side.
    await until(() => l.services.streams.clients === 0 && l.sockets.size === 0);
    req.destroy();
    expect(await l.services.store.events.size('acme')).toBe(801);
  });
});

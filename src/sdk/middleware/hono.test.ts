import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import fc from 'fast-check';
import { Hono, type Context } from 'hono';
import { requestId } from 'hono/request-id';
import { describe, expect, it, vi } from 'vitest';
import type { AuditOptions } from './core.js';
import { honoAudit } from './hono.js';
import { runAuditContract, type Served } from './test-support/contract.js';
import { CapturingRecorder } from './test-support/recorders.js';
import { cleanText } from './redact.js';

/** encodeURIComponent refuses lone surrogates. */
const wellFormed = (s: string) => cleanText(s, 1000);

const ACTION_PATTERN = /^[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_:-]+)+$/;

async function start(options: AuditOptions<Context>): Promise<Served> {
  const app = new Hono();
  const audit = honoAudit(options);
  app.use(audit);
  app.get('/health', (c) => c.text('ok'));
  app.get('/orgs/:org/members', (c) => c.json([]));
  app.post('/orgs/:org/members', (c) => c.json({ created: true }, 201));
  app.get('/orgs/:org/members/:id', (c) => c.json({ id: c.req.param('id') }));
  app.delete('/orgs/:org/members/:id', (c) => c.body(null, 204));
  app.get('/secret', (c) => c.json({ error: 'unauthenticated' }, 401));
  app.get('/admin', (c) => c.json({ error: 'forbidden' }, 403));
  app.get('/boom', () => {
    throw new Error('boom');
  });
  // What Hono's default handler answers, without its console output.
  app.onError((_err, c) => c.text('Internal Server Error', 500));
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    stats: audit.stats,
    close: () =>
      new Promise<void>((resolve) => {
        if ('closeAllConnections' in server) server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

runAuditContract<Context>('hono', { header: (c, name) => c.req.header(name), start });

describe('hono adapter', () => {
  it("takes the route of a handler even when a middleware answered (auth's 401)", async () => {
    const recorder = new CapturingRecorder();
    const app = new Hono();
    app.use(honoAudit({ recorder }));
    app.use('/projects/*', async (c, next) => {
      if (c.req.header('authorization') === undefined) return c.json({ error: 'no' }, 401);
      await next();
    });
    app.get('/projects/:id', (c) => c.text('p'));
    expect((await app.request('/projects/77')).status).toBe(401);
    await vi.waitFor(() => expect(recorder.events).toHaveLength(1));
    expect(recorder.events[0]).toMatchObject({
      action: 'api.projects.read',
      outcome: 'failure',
      reason: 'HTTP 401 Unauthorized',
      targets: [{ id: '77', type: 'projects' }],
      metadata: { route: '/projects/:id' },
    });
  });

  it('sees sub-app routes, the request-id middleware, c.var for the actor and a read body', async () => {
    const recorder = new CapturingRecorder();
    type AppEnv = { Variables: { user: string } };
    const app = new Hono<AppEnv>();
    app.use(requestId({ generator: () => 'hono-rid-1' }));
    app.use(async (c, next) => {
      c.set('user', 'carol');
      await next();
    });
    app.use(
      honoAudit<AppEnv>({
        recorder,
        actor: (c) => ({ id: c.get('user'), type: 'user' }),
        includeBody: true,
        includeQuery: true,
      }),
    );
    const sub = new Hono();
    sub.patch('/keys/:key', async (c) => c.json(await c.req.json()));
    app.route('/orgs/:org', sub);
    const res = await app.request('/orgs/acme/keys/k1?a=1&a=2&b=3', {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'ci', secret: 'xyz' }),
    });
    expect(res.status).toBe(200);
    await vi.waitFor(() => expect(recorder.events).toHaveLength(1));
    expect(recorder.events[0]).toMatchObject({
      action: 'api.orgs.keys.update',
      actor: { id: 'carol', type: 'user' },
      targets: [{ id: 'k1', type: 'keys' }],
      correlation: { request_id: 'hono-rid-1' },
      metadata: {
        route: '/orgs/:org/keys/:key',
        query: { a: ['1', '2'], b: '3' },
        body: { name: 'ci', secret: '[REDACTED]' },
      },
    });
  });

  it('never reads a body the application did not read', async () => {
    const recorder = new CapturingRecorder();
    const app = new Hono();
    app.use(honoAudit({ recorder, includeBody: true }));
    app.post('/things', (c) => c.text('made', 201));
    const res = await app.request('/things', { method: 'POST', body: '{"a":1}' });
    expect(res.status).toBe(201);
    await vi.waitFor(() => expect(recorder.events).toHaveLength(1));
    expect(recorder.events[0]?.metadata).not.toHaveProperty('body');
  });

  it('property: any path, method and status gives a valid event and an unchanged response', async () => {
    const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'PURGE'];
    const staticSeg = fc.stringMatching(/^[A-Za-z0-9._~-]{1,12}$/);
    const seg = fc.oneof(
      staticSeg.map((s) => ({ param: false, text: s })),
      fc.stringMatching(/^[a-z][a-z0-9]{0,6}$/).map((s) => ({ param: true, text: s })),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(seg, { maxLength: 6 }),
        fc.array(fc.string({ unit: 'binary', maxLength: 40 }), { minLength: 6, maxLength: 6 }),
        fc.constantFrom(...METHODS),
        fc.integer({ min: 200, max: 599 }),
        fc.boolean(),
        fc.string({ unit: 'binary', maxLength: 60 }),
        async (segs, values, method, status, hit, junk) => {
          // Unique parameter names, as a router requires.
          const seen = new Set<string>();
          const route = segs
            .map((s, i) => (s.param ? `:${s.text}${i}` : s.text))
            .filter((s) => !seen.has(s) && seen.add(s));
          const template = `/${route.join('/')}`;
          const recorder = new CapturingRecorder();
          const errors: unknown[] = [];
          const app = new Hono();
          app.use(
            honoAudit({
              recorder,
              recordUnmatched: true,
              includeQuery: true,
              includeHeaders: true,
              includeParams: true,
              onError: (e) => errors.push(e),
            }),
          );
          app.on(method, template, (c) => c.body(null, status as 200));
          const filled = route.map((s, i) =>
            s.startsWith(':') ? encodeURIComponent(wellFormed(values[i % 6] ?? '') || 'x') : s,
          );
          const path = hit ? `/${filled.join('/')}` : `/${encodeURIComponent(wellFormed(junk))}/zz`;
          const res = await app.request(`${path}?q=${encodeURIComponent(wellFormed(junk))}`, {
            method,
            headers: { 'user-agent': junk.replace(/[^\x20-\x7e]/g, ''), 'x-request-id': 'r 1' },
          });
          await vi.waitFor(() => expect(recorder.events).toHaveLength(1), { interval: 1 });
          const [e] = recorder.events;
          expect(recorder.invalid).toEqual([]);
          expect(errors).toEqual([]);
          expect(e?.action).toMatch(ACTION_PATTERN);
          if (e?.metadata?.route !== null) expect(res.status).toBe(status);
          else expect(res.status).toBe(404);
        },
      ),
      { numRuns: 150 },
    );
  });
});

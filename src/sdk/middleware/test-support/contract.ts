/**
 * One behaviour suite run against every framework adapter (like Hono's `runTest`). Each
 * adapter's test starts a real server on 127.0.0.1:0 with the audit middleware and these routes:
 *
 *   GET    /health                     200 "ok"
 *   GET    /orgs/:org/members          200 []
 *   POST   /orgs/:org/members          201 {"created":true}
 *   GET    /orgs/:org/members/:id      200 {"id":<id>}
 *   DELETE /orgs/:org/members/:id      204
 *   GET    /secret                     401 {"error":"unauthenticated"}
 *   GET    /admin                      403 {"error":"forbidden"}
 *   GET    /boom                       throws new Error('boom') → the framework's 500
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { EventInput } from '../../../core/event/schema.js';
import type { AuditError, AuditOptions, AuditRecorder, AuditStats } from '../core.js';
import { CapturingRecorder, FullRecorder, ThrowingRecorder } from './recorders.js';

export interface Served {
  readonly url: string;
  readonly stats: Readonly<AuditStats>;
  close(): Promise<void>;
}

export interface Harness<Req> {
  /** A request header, as an `actor` resolver would read it. */
  header(req: Req, name: string): string | undefined;
  /** Starts the app with the middleware and the routes above. */
  start(options: AuditOptions<Req>): Promise<Served>;
}

export function runAuditContract<Req>(name: string, h: Harness<Req>): void {
  describe(`${name}: audit middleware contract`, () => {
    let served: Served | undefined;
    afterEach(async () => {
      await served?.close();
      served = undefined;
    });

    const userActor = (req: Req) => {
      const id = h.header(req, 'x-user');
      return id === undefined ? undefined : { id, type: 'user' as const, roles: ['member'] };
    };
    const start = async (opts: Partial<AuditOptions<Req>> & { recorder?: AuditRecorder } = {}) => {
      const recorder = new CapturingRecorder();
      const errors: AuditError[] = [];
      served = await h.start({
        recorder,
        actor: userActor,
        onError: (e) => errors.push(e),
        ...opts,
      });
      const base = served.url;
      const call = async (method: string, path: string, headers: Record<string, string> = {}) => {
        const res = await fetch(base + path, { method, headers });
        return { status: res.status, body: await res.text() };
      };
      const events = async (n: number): Promise<EventInput[]> => {
        await vi.waitFor(() => expect(recorder.events).toHaveLength(n), { timeout: 5000 });
        expect(recorder.invalid).toEqual([]);
        return recorder.events;
      };
      return { recorder, errors, call, events, stats: served.stats };
    };

    it('records a call on an item route: action, target, actor, source, correlation, metadata', async () => {
      const t = await start();
      const res = await t.call('GET', '/orgs/acme/members/42?page=2', {
        'user-agent': 'contract-test/1.0',
        'x-request-id': 'req-abc-123',
        'x-user': 'alice',
        authorization: 'Bearer secret-token',
      });
      expect(res).toEqual({ status: 200, body: '{"id":"42"}' });
      const [e] = await t.events(1);
      expect(e).toMatchObject({
        action: 'api.orgs.members.read',
        actor: { id: 'alice', type: 'user', roles: ['member'] },
        outcome: 'success',
        targets: [{ id: '42', type: 'members' }],
        source: { ip: '127.0.0.1', user_agent: 'contract-test/1.0' },
        correlation: { request_id: 'req-abc-123' },
        metadata: { method: 'GET', route: '/orgs/:org/members/:id', status: 200 },
      });
      expect(typeof e?.metadata?.duration_ms).toBe('number');
      expect(Date.parse(e?.occurred_at ?? '')).not.toBeNaN();
      // Nothing of the request beyond that by default: no query, headers, params or body.
      expect(Object.keys(e?.metadata ?? {}).sort()).toEqual([
        'duration_ms',
        'method',
        'route',
        'status',
      ]);
      expect(JSON.stringify(e)).not.toContain('secret-token');
      expect(t.stats).toMatchObject({ recorded: 1, dropped: 0, errors: 0 });
    });

    it('derives list, create and delete from the method and the template', async () => {
      const t = await start();
      expect((await t.call('GET', '/orgs/acme/members')).status).toBe(200);
      expect((await t.call('POST', '/orgs/acme/members')).status).toBe(201);
      expect((await t.call('DELETE', '/orgs/acme/members/7')).status).toBe(204);
      const events = await t.events(3);
      expect(events.map((e) => e.action)).toEqual([
        'api.orgs.members.list',
        'api.orgs.members.create',
        'api.orgs.members.delete',
      ]);
      // A collection is listed within its parent: the last parameter is the target.
      expect(events[0]?.targets).toEqual([{ id: 'acme', type: 'orgs' }]);
      expect(events[2]?.targets).toEqual([{ id: '7', type: 'members' }]);
      expect(events.every((e) => e.actor.id === 'anonymous' && e.actor.type === 'anonymous')).toBe(
        true,
      );
    });

    it('401 and 403 are failures with a reason', async () => {
      const t = await start();
      expect((await t.call('GET', '/secret')).status).toBe(401);
      expect((await t.call('GET', '/admin')).status).toBe(403);
      const [a, b] = await t.events(2);
      expect(a).toMatchObject({
        action: 'api.secret.list',
        outcome: 'failure',
        reason: 'HTTP 401 Unauthorized',
      });
      expect(b).toMatchObject({
        outcome: 'failure',
        reason: 'HTTP 403 Forbidden',
        metadata: { status: 403 },
      });
    });

    it('a thrown error is a 500 failure naming the error', async () => {
      const t = await start();
      expect((await t.call('GET', '/boom')).status).toBe(500);
      const [e] = await t.events(1);
      expect(e).toMatchObject({
        action: 'api.boom.list',
        outcome: 'failure',
        reason: 'HTTP 500 Internal Server Error',
        metadata: { status: 500, error: { name: 'Error', message: 'boom' } },
      });
    });

    it('unmatched routes are skipped by default, recorded with recordUnmatched', async () => {
      const t = await start();
      expect((await t.call('GET', '/nope/123')).status).toBe(404);
      await t.call('GET', '/orgs/a/members'); // recorded after the 404 was dealt with
      const events = await t.events(1);
      expect(events[0]?.action).toBe('api.orgs.members.list');
      expect(t.stats.skipped).toBe(1);
      await served?.close();

      const u = await start({ recordUnmatched: true });
      expect((await u.call('DELETE', '/nope/123')).status).toBe(404);
      const [e] = await u.events(1);
      expect(e).toMatchObject({
        action: 'api.unmatched.delete',
        outcome: 'failure',
        reason: 'HTTP 404 Not Found',
        metadata: { route: null, path: '/nope/123', status: 404 },
      });
      expect(e?.targets).toBeUndefined();
    });

    it('redacts headers and query by default and by option', async () => {
      const t = await start({
        includeHeaders: true,
        includeQuery: true,
        includeParams: true,
        redact: ['page'],
      });
      await t.call('GET', '/orgs/acme/members/9?access_token=abc&page=2&q=x', {
        authorization: 'Bearer t0p',
        cookie: 'sid=s3cr3t',
        'x-api-key': 'k3y',
        'x-trace': 'visible',
      });
      const [e] = await t.events(1);
      const meta = e?.metadata as Record<string, Record<string, unknown>>;
      expect(meta.headers).toMatchObject({
        authorization: '[REDACTED]',
        cookie: '[REDACTED]',
        'x-api-key': '[REDACTED]',
        'x-trace': 'visible',
      });
      expect(meta.query).toEqual({ access_token: '[REDACTED]', page: '[REDACTED]', q: 'x' });
      expect(meta.params).toEqual({ org: 'acme', id: '9' });
      const text = JSON.stringify(e);
      for (const secret of ['t0p', 's3cr3t', 'k3y', 'abc']) expect(text).not.toContain(secret);
    });

    it('skip leaves requests alone; prefix, tenant and observer are applied', async () => {
      const t = await start({
        skip: (req) => h.header(req, 'x-health') === '1',
        prefix: 'acme.http',
        tenant: 'acme',
        observer: { service: 'billing', version: '1.2.3' },
      });
      expect((await t.call('GET', '/health', { 'x-health': '1' })).body).toBe('ok');
      await t.call('GET', '/orgs/a/members');
      const events = await t.events(1);
      expect(events[0]).toMatchObject({
        action: 'acme.http.orgs.members.list',
        tenant: 'acme',
        observer: { service: 'billing', version: '1.2.3' },
      });
      expect(t.stats.skipped).toBe(1);
    });

    it('action and targets can be overridden; an async actor resolver is awaited', async () => {
      const t = await start({
        action: (ctx) => (ctx.route === '/orgs/:org/members/:id' ? 'member.remove' : 'other.thing'),
        targets: (ctx) => [{ id: String(ctx.params.org), type: 'org' }],
        actor: async (req) => {
          await new Promise((r) => setTimeout(r, 1));
          return { id: h.header(req, 'x-user') ?? 'nobody', type: 'user' };
        },
      });
      await t.call('DELETE', '/orgs/acme/members/3', { 'x-user': 'bob' });
      const [e] = await t.events(1);
      expect(e).toMatchObject({
        action: 'member.remove',
        targets: [{ id: 'acme', type: 'org' }],
        actor: { id: 'bob', type: 'user' },
      });
    });

    it('a throwing actor resolver or hook costs detail, not the event or the response', async () => {
      const t = await start({
        actor: () => {
          throw new Error('no session store');
        },
        action: () => 'not a valid action',
        targets: () => {
          throw new Error('bad targets');
        },
      });
      expect(await t.call('GET', '/orgs/acme/members/5')).toEqual({
        status: 200,
        body: '{"id":"5"}',
      });
      const [e] = await t.events(1);
      expect(e).toMatchObject({
        action: 'api.orgs.members.read',
        actor: { id: 'unknown' },
        targets: [{ id: '5', type: 'members' }],
      });
      expect(t.errors.map((x) => x.code).sort()).toEqual([
        'actor_failed',
        'hook_failed',
        'hook_failed',
      ]);
    });

    it('a recorder that throws changes nothing for the client and is reported', async () => {
      const recorder = new ThrowingRecorder();
      const t = await start({ recorder });
      expect(await t.call('GET', '/orgs/acme/members/5')).toEqual({
        status: 200,
        body: '{"id":"5"}',
      });
      expect((await t.call('GET', '/boom')).status).toBe(500);
      expect((await t.call('DELETE', '/orgs/acme/members/5')).status).toBe(204);
      await vi.waitFor(() => expect(t.errors).toHaveLength(3));
      expect(t.errors.every((e) => e.code === 'recorder_failed')).toBe(true);
      expect(recorder.calls).toBe(3);
      expect(t.stats).toMatchObject({ recorded: 0, errors: 3 });
    });

    it('a full recorder changes nothing for the client and counts drops', async () => {
      const recorder = new FullRecorder();
      const t = await start({ recorder });
      expect(await t.call('GET', '/orgs/acme/members/5')).toEqual({
        status: 200,
        body: '{"id":"5"}',
      });
      expect((await t.call('GET', '/secret')).status).toBe(401);
      await vi.waitFor(() => expect(t.stats.dropped).toBe(2));
      expect(t.errors.map((e) => e.code)).toEqual(['dropped', 'dropped']);
      expect(t.stats).toMatchObject({ recorded: 0, errors: 0 });
    });

    it('an onError that throws is swallowed too', async () => {
      const t = await start({
        recorder: new FullRecorder(),
        onError: () => {
          throw new Error('onError exploded');
        },
      });
      expect(await t.call('GET', '/orgs/acme/members/5')).toEqual({
        status: 200,
        body: '{"id":"5"}',
      });
      await vi.waitFor(() => expect(t.stats.dropped).toBe(1));
      expect((await t.call('GET', '/orgs/acme/members')).status).toBe(200);
    });
  });
}

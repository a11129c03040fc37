import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { describe, expect, it, vi } from 'vitest';
import type { AuditOptions } from './core.js';
import { fastifyAudit } from './fastify.js';
import { runAuditContract, type Served } from './test-support/contract.js';
import { CapturingRecorder } from './test-support/recorders.js';

async function serve(app: FastifyInstance): Promise<{ url: string; close(): Promise<void> }> {
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return { url, close: () => app.close() };
}

async function start(options: AuditOptions<FastifyRequest>): Promise<Served> {
  const app = Fastify({ forceCloseConnections: true });
  const audit = fastifyAudit(options);
  await app.register(audit);
  app.get('/health', () => 'ok');
  app.get('/orgs/:org/members', () => []);
  app.post('/orgs/:org/members', (_req, reply) => reply.code(201).send({ created: true }));
  app.get('/orgs/:org/members/:id', (req) => ({ id: (req.params as { id: string }).id }));
  app.delete('/orgs/:org/members/:id', (_req, reply) => reply.code(204).send());
  app.get('/secret', (_req, reply) => reply.code(401).send({ error: 'unauthenticated' }));
  app.get('/admin', (_req, reply) => reply.code(403).send({ error: 'forbidden' }));
  app.get('/boom', () => {
    throw new Error('boom');
  });
  const s = await serve(app);
  return { ...s, stats: audit.stats };
}

runAuditContract<FastifyRequest>('fastify', {
  header: (req, name) => {
    const v = req.headers[name];
    return Array.isArray(v) ? v[0] : v;
  },
  start,
});

describe('fastify adapter', () => {
  it("uses Fastify's request id when there is no x-request-id header, and its trustProxy", async () => {
    const recorder = new CapturingRecorder();
    const app = Fastify({ trustProxy: true, genReqId: () => 'fst-1' });
    await app.register(fastifyAudit({ recorder }));
    app.get('/x/:id', () => 'x');
    const res = await app.inject({ url: '/x/1', headers: { 'x-forwarded-for': '198.51.100.4' } });
    expect(res.statusCode).toBe(200);
    await vi.waitFor(() => expect(recorder.events).toHaveLength(1));
    expect(recorder.events[0]).toMatchObject({
      correlation: { request_id: 'fst-1' },
      source: { ip: '198.51.100.4' },
    });
    await app.close();
  });

  it('reaches routes registered in encapsulated plugins with a parametric prefix', async () => {
    const recorder = new CapturingRecorder();
    const app = Fastify();
    await app.register(fastifyAudit({ recorder, includeBody: true }));
    await app.register(
      (sub, _opts, done) => {
        sub.put('/settings/:key', (req) => ({ ok: true, body: req.body }));
        done();
      },
      { prefix: '/orgs/:org' },
    );
    const res = await app.inject({
      method: 'PUT',
      url: '/orgs/acme/settings/theme',
      payload: { value: 'dark', password: 'hunter2' },
    });
    expect(res.statusCode).toBe(200);
    await vi.waitFor(() => expect(recorder.events).toHaveLength(1));
    expect(recorder.events[0]).toMatchObject({
      action: 'api.orgs.settings.update',
      targets: [{ id: 'theme', type: 'settings' }],
      metadata: {
        route: '/orgs/:org/settings/:key',
        body: { value: 'dark', password: '[REDACTED]' },
      },
    });
    await app.close();
  });

  it('records a custom 404 handler as unmatched', async () => {
    const recorder = new CapturingRecorder();
    const app = Fastify();
    await app.register(fastifyAudit({ recorder, recordUnmatched: true }));
    app.setNotFoundHandler((_req, reply) => reply.code(404).send({ nope: true }));
    const res = await app.inject({ method: 'POST', url: '/missing/1?x=1' });
    expect(res.statusCode).toBe(404);
    await vi.waitFor(() => expect(recorder.events).toHaveLength(1));
    expect(recorder.events[0]).toMatchObject({
      action: 'api.unmatched.create',
      metadata: { route: null, path: '/missing/1' },
    });
    await app.close();
  });
});

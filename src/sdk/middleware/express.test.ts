import type { AddressInfo } from 'node:net';
import express, { type Request } from 'express';
import { describe, expect, it, vi } from 'vitest';
import { expressAudit, routeOf } from './express.js';
import { runAuditContract, type Served } from './test-support/contract.js';
import { CapturingRecorder } from './test-support/recorders.js';
import type { AuditOptions } from './core.js';

async function listen(app: express.Express): Promise<{ url: string; close(): Promise<void> }> {
  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function start(options: AuditOptions<Request>): Promise<Served> {
  const app = express();
  const audit = expressAudit(options);
  app.use(audit);
  app.get('/health', (_req, res) => void res.send('ok'));
  app.get('/orgs/:org/members', (_req, res) => void res.json([]));
  app.post('/orgs/:org/members', (_req, res) => void res.status(201).json({ created: true }));
  app.get('/orgs/:org/members/:id', (req, res) => void res.json({ id: req.params.id }));
  app.delete('/orgs/:org/members/:id', (_req, res) => void res.status(204).end());
  app.get('/secret', (_req, res) => void res.status(401).json({ error: 'unauthenticated' }));
  app.get('/admin', (_req, res) => void res.status(403).json({ error: 'forbidden' }));
  app.get('/boom', () => {
    throw new Error('boom');
  });
  app.use(audit.captureErrors);
  const s = await listen(app);
  return { ...s, stats: audit.stats };
}

runAuditContract<Request>('express', { header: (req, name) => req.get(name), start });

describe('express adapter', () => {
  it('puts the mount path of a router back as a template', async () => {
    const recorder = new CapturingRecorder();
    const audit = expressAudit({ recorder, includeParams: true });
    const app = express();
    app.use(audit);
    const merged = express.Router({ mergeParams: true });
    merged.delete('/members/:id', (_req, res) => void res.status(204).end());
    const plain = express.Router();
    plain.get('/', (_req, res) => void res.json([]));
    plain.get('/items/:item', (_req, res) => void res.json({}));
    app.use('/orgs/:org', merged);
    app.use('/v1/projects/:project', plain);
    app.get('/files/*path', (_req, res) => void res.send('f'));
    const s = await listen(app);
    try {
      await fetch(`${s.url}/orgs/acme/members/42`, { method: 'DELETE' });
      await fetch(`${s.url}/v1/projects/123/items/x9`);
      await fetch(`${s.url}/v1/projects/123`);
      await fetch(`${s.url}/files/a/b.txt`);
      await vi.waitFor(() => expect(recorder.events).toHaveLength(4));
      const [a, b, c, d] = recorder.events;
      expect(a).toMatchObject({
        action: 'api.orgs.members.delete',
        metadata: { route: '/orgs/:org/members/:id' },
        targets: [{ id: '42', type: 'members' }],
      });
      // Without mergeParams the mount's parameter is unknown: an id-like value is masked.
      expect(b).toMatchObject({
        action: 'api.v1.projects.items.read',
        metadata: { route: '/v1/projects/:param/items/:item' },
      });
      expect(c).toMatchObject({
        action: 'api.v1.projects.read',
        metadata: { route: '/v1/projects/:param' },
      });
      expect(d).toMatchObject({
        action: 'api.files.read',
        metadata: { route: '/files/*path' },
        targets: [{ id: 'a/b.txt', type: 'files' }],
      });
      expect(JSON.stringify(recorder.events.map((e) => e.action))).not.toContain('123');
    } finally {
      await s.close();
    }
  });

  it('follows the trust proxy setting for the client address', async () => {
    const recorder = new CapturingRecorder();
    const app = express();
    app.set('trust proxy', 'loopback');
    app.use(expressAudit({ recorder }));
    app.get('/x/:id', (_req, res) => void res.send('x'));
    const s = await listen(app);
    try {
      await fetch(`${s.url}/x/1`, { headers: { 'x-forwarded-for': '203.0.113.9' } });
      await vi.waitFor(() => expect(recorder.events).toHaveLength(1));
      expect(recorder.events[0]?.source?.ip).toBe('203.0.113.9');
    } finally {
      await s.close();
    }
  });

  it('records a request whose client went away before the response', async () => {
    const recorder = new CapturingRecorder();
    const app = express();
    app.use(expressAudit({ recorder }));
    let reached!: () => void;
    const inHandler = new Promise<void>((resolve) => (reached = resolve));
    app.get('/slow', () => reached()); // never answers
    const s = await listen(app);
    try {
      const ac = new AbortController();
      const pending = fetch(`${s.url}/slow`, { signal: ac.signal }).catch(() => undefined);
      await inHandler;
      ac.abort();
      await pending;
      await vi.waitFor(() => expect(recorder.events).toHaveLength(1));
      expect(recorder.events[0]).toMatchObject({
        outcome: 'unknown',
        reason: 'the client closed the connection before the response',
        metadata: { aborted: true },
      });
    } finally {
      await s.close();
    }
  });

  it('routeOf is undefined for a request no route matched', () => {
    expect(routeOf({ baseUrl: '', params: {} } as unknown as Request)).toBeUndefined();
  });
});

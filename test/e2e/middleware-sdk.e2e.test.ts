/**
 * The producer side end to end: an Express API with the audit middleware, recording through
 * the SDK client with a disk spool, into a real Veritrail server. While the server is down the
 * API keeps answering as usual; once it is up, every call arrives, in order, and is found by
 * query with the fields the middleware derived.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { Server as HttpServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import { afterAll, describe, expect, it } from 'vitest';
import { createClient } from '../../src/sdk/index.js';
import { expressAudit } from '../../src/sdk/middleware/express.js';
import { freePort, serve, type Server } from './helpers.js';

interface StoredEvent {
  action: string;
  actor: { id: string; type?: string };
  targets: { id: string; type?: string }[];
  outcome: string;
  correlation: { request_id?: string };
  observer: { service: string };
  source: { ip?: string };
}

const ADMIN = 'mw-admin-token-0123456789abcdef';
const dir = mkdtempSync(join(tmpdir(), 'veritrail-mw-'));
let veritrail: Server | undefined;
let api: HttpServer | undefined;

afterAll(async () => {
  await new Promise((r) => (api ? api.close(r) : r(undefined)));
  await veritrail?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('Express middleware through the SDK into a real server', () => {
  it('never holds up the API while Veritrail is down, then delivers every call in order', async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const client = createClient({
      url,
      token: ADMIN,
      tenant: 'shop',
      spool: { dir: join(dir, 'spool') },
      retry: { initialDelayMs: 50, maxDelayMs: 200 },
    });
    const audit = expressAudit({
      recorder: client,
      actor: (req) => {
        const user = req.header('x-user');
        return user ? { id: user, type: 'user' } : undefined;
      },
      observer: { service: 'shop-api' },
    });
    const app = express();
    app.use(audit);
    app.get('/orders/:id', (req, res) => {
      res.json({ id: req.params.id });
    });
    app.delete('/orders/:id', (req, res) => {
      if (req.header('x-user') !== 'admin') res.status(403).json({ error: 'forbidden' });
      else res.status(204).end();
    });
    api = await new Promise<HttpServer>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    const base = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;

    // Veritrail is not running: the API answers every call all the same.
    const calls: [string, string, string, number][] = [];
    for (let i = 0; i < 30; i++) {
      const [method, user, want] =
        i % 3 === 0
          ? ['DELETE', 'bob', 403]
          : i % 3 === 1
            ? ['DELETE', 'admin', 204]
            : ['GET', 'alice', 200];
      const res = await fetch(`${base}/orders/ord-${i}`, {
        method,
        headers: { 'x-user': user, 'x-request-id': `req-${i}` },
      });
      expect(res.status).toBe(want);
      calls.push([method, user, `ord-${i}`, want]);
    }
    expect(client.stats().delivered).toBe(0);

    veritrail = await serve(['--data', join(dir, 'data'), '--port', String(port)], {
      VERITRAIL_ADMIN_TOKEN: ADMIN,
    });
    await client.flush({ timeoutMs: 30_000 });
    await client.close();

    const res = await fetch(
      `${url}/v1/events?tenant=shop&q=${encodeURIComponent('action:api.orders.*')}&limit=100`,
      {
        headers: { authorization: `Bearer ${ADMIN}` },
      },
    );
    const events = ((await res.json()) as { events: StoredEvent[] }).events.reverse();
    expect(events).toHaveLength(calls.length);
    events.forEach((e, i) => {
      const [method, user, target, status] = calls[i]!;
      expect(e.action).toBe(method === 'GET' ? 'api.orders.read' : 'api.orders.delete');
      expect(e.actor).toMatchObject({ id: user, type: 'user' });
      expect(e.targets[0]).toMatchObject({ id: target, type: 'orders' });
      expect(e.outcome).toBe(status === 403 ? 'failure' : 'success');
      expect(e.correlation.request_id).toBe(`req-${i}`);
      expect(e.observer.service).toBe('shop-api');
      expect(e.source.ip).toMatch(/127\.0\.0\.1/);
    });
  });
});

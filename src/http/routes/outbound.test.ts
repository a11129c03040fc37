import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, auth, testApp, type TestApp } from '../test-support/test-app.js';

let t: TestApp;
beforeAll(async () => {
  t = await testApp();
});
afterAll(() => t.close());

const req = (
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
  url: string,
  payload?: unknown,
  token = ADMIN,
) =>
  t.app.inject({
    method,
    url,
    headers: auth(token),
    ...(payload === undefined ? {} : { payload: payload as object }),
  });

const SECRET = 'whsec-0123456789abcdef';
const webhook = { type: 'webhook', url: 'https://siem.example/hook', secret: SECRET };

describe('outbound streams API', () => {
  it('creates a stream from now on, never returns its secret, and shows its status', async () => {
    await req('POST', '/v1/events', {
      events: [1, 2, 3].map(() => ({ tenant: 'acme', action: 'user.login', actor: { id: 'a' } })),
    });
    const r = await req('POST', '/v1/outbound-streams', {
      tenant: 'acme',
      name: 'siem',
      q: 'outcome:failure',
      destination: webhook,
    });
    expect(r.statusCode, r.body).toBe(201);
    expect(r.body).not.toContain(SECRET);
    const { stream } = r.json<{ stream: { id: string } }>();
    expect(stream).toMatchObject({
      tenant: 'acme',
      name: 'siem',
      enabled: true,
      destination: { type: 'webhook', secret_set: true, batch_size: 100 },
      status: { cursor: 2, log_size: 3, lag: 0, delivered: 0, dead_letters: 0 },
    });
    const one = await req('GET', `/v1/outbound-streams/${stream.id}`);
    expect(one.json()).toMatchObject({ stream: { id: stream.id } });
    expect(one.body).not.toContain(SECRET);
    const list = await req('GET', '/v1/outbound-streams?tenant=acme');
    expect(list.json<{ streams: { id: string }[] }>().streams.map((s) => s.id)).toEqual([
      stream.id,
    ]);
    expect(list.body).not.toContain(SECRET);

    const off = await req('PATCH', `/v1/outbound-streams/${stream.id}`, { enabled: false });
    expect(off.json()).toMatchObject({ stream: { enabled: false, q: 'outcome:failure' } });
    const dl = await req('GET', `/v1/outbound-streams/${stream.id}/dead-letters`);
    expect(dl.json()).toEqual({ dead_letters: [] });
    expect((await req('DELETE', `/v1/outbound-streams/${stream.id}`)).statusCode).toBe(204);
    expect((await req('GET', `/v1/outbound-streams/${stream.id}`)).statusCode).toBe(404);

    // Every change is an admin.* event in _system, without the secret.
    const audit = await req('GET', '/v1/events?tenant=_system&q=action:admin.outbound_*&limit=10');
    expect(
      audit
        .json<{ events: { action: string }[] }>()
        .events.map((e) => e.action)
        .sort(),
    ).toEqual(['admin.outbound_create', 'admin.outbound_delete', 'admin.outbound_update']);
    expect(audit.body).not.toContain(SECRET);
  });

  it('names each bad field', async () => {
    const r = await req('POST', '/v1/outbound-streams', {
      tenant: 'acme',
      name: 'x',
      bogus: 1,
      destination: { type: 'webhook', url: 'file:///etc/passwd', secret: 'short' },
    });
    expect(r.statusCode).toBe(400);
    const paths = r
      .json<{ error: { details: { path: string }[] } }>()
      .error.details.map((d) => d.path);
    expect(paths.sort()).toEqual(['bogus', 'destination.secret', 'destination.url']);
    const q = await req('POST', '/v1/outbound-streams', {
      tenant: 'acme',
      name: 'x',
      q: 'actor.id:(',
      destination: { type: 'syslog', host: 'localhost', port: 514 },
    });
    expect(q.statusCode).toBe(400);
    expect(q.json()).toMatchObject({ error: { code: 'invalid_query' } });
  });

  it('accepts every destination type the API documents', async () => {
    const hec = await req('POST', '/v1/outbound-streams', {
      tenant: 'acme',
      name: 'splunk',
      destination: {
        type: 'splunk_hec',
        url: 'https://splunk.example:8088/services/collector/event',
        token: 'hec-token-0123456789',
      },
    });
    expect(hec.statusCode).toBe(201);
    expect(hec.body).not.toContain('hec-token-0123456789');
    const syslog = await req('POST', '/v1/outbound-streams', {
      tenant: 'acme',
      name: 'syslog',
      destination: { type: 'syslog', host: 'siem.example', port: 6514, tls: true },
    });
    expect(syslog.statusCode).toBe(201);
    // A file destination must sit in the server's outbound folder: /etc/passwd never does.
    const file = await req('POST', '/v1/outbound-streams', {
      tenant: 'acme',
      name: 'file',
      destination: { type: 'file', path: '/etc/passwd' },
    });
    expect(file.statusCode).toBe(400);
    expect(file.json()).toMatchObject({
      error: { code: 'validation_failed', details: [{ path: 'destination.path' }] },
    });
    const unknown = await req('POST', '/v1/outbound-streams', {
      tenant: 'acme',
      name: 'x',
      destination: { type: 'kafka' },
    });
    expect(unknown.statusCode).toBe(400);
  });

  it('keeps a tenant admin key to its own tenant', async () => {
    const k = await req('POST', '/v1/keys', { tenant: 'globex', name: 'g', scopes: ['admin'] });
    const token = k.json<{ token: string }>().token;
    const other = await req(
      'POST',
      '/v1/outbound-streams',
      { tenant: 'acme', name: 'x', destination: webhook },
      token,
    );
    expect(other.statusCode).toBe(403);
    const own = await req(
      'POST',
      '/v1/outbound-streams',
      {
        tenant: 'globex',
        name: 'g',
        destination: { type: 'syslog', host: 'h', port: 6514, tls: true },
      },
      token,
    );
    expect(own.statusCode, own.body).toBe(201);
    expect(own.json()).toMatchObject({ stream: { destination: { format: 'cef', tls: true } } });
    const mine = await req('GET', '/v1/outbound-streams', undefined, token);
    expect(mine.json<{ streams: { tenant: string }[] }>().streams.map((s) => s.tenant)).toEqual([
      'globex',
    ]);
  });
});

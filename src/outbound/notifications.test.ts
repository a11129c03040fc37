/**
 * Notifications end to end in one process: alert events appended through the ingest use case,
 * the real delivery job over a SQLite store, the real adapters, and real local receivers (an
 * HTTP server standing in for Slack and for a webhook receiver, an SMTP server). Only the
 * job's sleep is injected: it records each requested wait and then waits 5 ms.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { createServices, type Services } from '../app/services.js';
import { normaliseEvent, type EventInput } from '../core/event/index.js';
import { buildApp } from '../http/app.js';
import { loadOrCreateSigner } from '../storage/signing-key-file.js';
import { openSqliteStore } from '../storage/sqlite/sqlite-store.js';
import { destinationFactory } from './destinations.js';
import {
  httpReceiver,
  readMail,
  smtpReceiver,
  type Received,
} from './test-support/local-servers.js';

const ADMIN = 'notifications-admin-token-0123';
const POLL = 1000;

interface Harness {
  readonly services: Services;
  readonly app: FastifyInstance;
  /** Waits the delivery job asked for between attempts (not its polling). */
  readonly waits: number[];
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function harness(maxAttempts = 10): Promise<Harness> {
  const dir = mkdtempSync(join(tmpdir(), 'veritrail-notify-'));
  const waits: number[] = [];
  const services = createServices({
    store: openSqliteStore({ dataDir: dir, writerThread: false }),
    signer: loadOrCreateSigner(dir),
    adminToken: ADMIN,
    destinations: destinationFactory('test'),
    outbound: {
      pollMs: POLL,
      maxAttempts,
      backoffBaseMs: 100,
      random: () => 0.5,
      sleep: async (ms, signal) => {
        if (ms !== POLL) waits.push(ms);
        if (!signal.aborted) await new Promise((r) => setTimeout(r, 5));
      },
    },
  });
  const app = await buildApp({ services, rateLimitPerMinute: 0 });
  services.outboundDelivery!.start();
  cleanups.push(async () => {
    await app.close();
    await services.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return { services, app, waits };
}

const api = (h: Harness, method: 'GET' | 'POST', url: string, payload?: object) =>
  h.app.inject({
    method,
    url,
    headers: { authorization: `Bearer ${ADMIN}` },
    ...(payload === undefined ? {} : { payload }),
  });

async function createStream(h: Harness, q: string, destination: object): Promise<string> {
  const r = await api(h, 'POST', '/v1/outbound-streams', {
    tenant: 'acme',
    name: 'n',
    q,
    destination,
  });
  expect(r.statusCode, r.body).toBe(201);
  return r.json<{ stream: { id: string } }>().stream.id;
}

const alertRaised = (severity: string, title: string): EventInput => ({
  tenant: 'acme',
  action: 'alert.raised',
  category: 'audit',
  severity: severity as EventInput['severity'],
  actor: { id: 'rule:r-7', type: 'system' },
  targets: [{ id: `al_${title.length}`, type: 'alert' }],
  reason: `summary of ${title}`,
  metadata: {
    rule: 'r-7',
    rule_title: title,
    severity,
    group_key: 'actor.id=alice',
    count: 4,
    event_ids: ['e1', 'e2', 'e3', 'e4'],
  },
});

const login: EventInput = { tenant: 'acme', action: 'user.login', actor: { id: 'alice' } };

/**
 * Appends as the server does: `alert.*` actions are refused from producers (only the detection
 * writes them), so events go through the internal append path.
 */
async function append(h: Harness, events: EventInput[]): Promise<number[]> {
  const ctx = {
    defaultTenant: 'acme',
    receivedAt: new Date().toISOString(),
    newId: () => `n-${Math.random().toString(36).slice(2)}`,
  };
  const stored = events.map((e) => {
    const r = normaliseEvent(e, ctx);
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    return r.value;
  });
  const r = await h.services.ingest.append(stored);
  return r.map((a) => a.seq);
}

async function until(cond: () => Promise<boolean> | boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function status(h: Harness, id: string) {
  return (await api(h, 'GET', `/v1/outbound-streams/${id}`)).json<{
    stream: {
      status: {
        delivered: number;
        failures: number;
        last_error: string | null;
        dead_letters: number;
      };
    };
  }>().stream.status;
}

interface AttemptView {
  outcome: string;
  attempt: number;
  from_seq: number;
  to_seq: number;
  status_code: number | null;
  error: string | null;
}
async function deliveries(h: Harness, id: string): Promise<AttemptView[]> {
  const r = await api(h, 'GET', `/v1/outbound-streams/${id}/deliveries`);
  expect(r.statusCode, r.body).toBe(200);
  return r.json<{ deliveries: AttemptView[] }>().deliveries;
}

describe('Slack notifications through the delivery job', () => {
  it('retries after a 500 and a 429 (honouring Retry-After), then delivers the alert once', async () => {
    const answers = [
      { status: 500 },
      { status: 429, headers: { 'retry-after': '2' } },
      { status: 200 },
    ];
    const slack = await httpReceiver((_, n) => answers[n - 1] ?? { status: 200 });
    cleanups.push(slack.close);
    const h = await harness();
    const path = '/services/T1/B1/slack-url-secret';
    const id = await createStream(
      h,
      'action:alert.raised AND (metadata.severity:high OR metadata.severity:critical)',
      { type: 'slack', url: `${slack.url}${path}`, console_url: 'https://vt.example' },
    );
    const [, , critical] = await append(h, [
      login,
      alertRaised('low', 'Quiet rule'),
      alertRaised('critical', 'Admin role granted'),
    ]);
    await until(async () => (await status(h, id)).delivered === 1);

    expect(slack.got).toHaveLength(3);
    expect(new Set(slack.got.map((g) => g.body)).size).toBe(1); // the same batch each time
    expect(slack.got.every((g) => g.path === path)).toBe(true);
    const msg = JSON.parse(slack.got[2]!.body) as { text: string; blocks: unknown[] };
    expect(msg.text).toBe(
      '[CRITICAL] Alert raised: Admin role granted (summary of Admin role granted)',
    );
    const blocks = JSON.stringify(msg.blocks);
    expect(blocks).toContain('*Severity*\\ncritical');
    expect(blocks).toContain('*Rule*\\nr-7');
    expect(blocks).toContain('*Group*\\nactor.id=alice');
    expect(blocks).toContain('*Count*\\n4');
    expect(blocks).toContain('<https://vt.example/alerts/al_18|Open in Veritrail>');
    expect(blocks).not.toContain('Quiet rule');
    // Backoff with jitter 0.5 is 50 ms after the 500; the 429 asked for 2 s.
    expect(h.waits).toEqual([50, 2000]);

    expect(await deliveries(h, id)).toMatchObject([
      { outcome: 'delivered', attempt: 3, from_seq: critical, to_seq: critical, status_code: null },
      { outcome: 'failed', attempt: 2, status_code: 429, error: `${slack.url}: HTTP 429` },
      { outcome: 'failed', attempt: 1, status_code: 500, error: `${slack.url}: HTTP 500` },
    ]);
    const view = await api(h, 'GET', `/v1/outbound-streams/${id}`);
    expect(view.body).not.toContain('slack-url-secret');
    expect(view.json()).toMatchObject({
      stream: {
        destination: { type: 'slack', url_set: true },
        status: {
          delivered: 1,
          failures: 0,
          last_error: `${slack.url}: HTTP 429`,
          dead_letters: 0,
        },
      },
    });
  });
});

describe('notification secrets', () => {
  it('never returns nor records the Slack URL or the SMTP password', async () => {
    const h = await harness();
    const slack = await createStream(h, 'action:alert.*', {
      type: 'slack',
      url: 'https://hooks.slack.com/services/T9/B9/slack-path-secret',
    });
    const email = await createStream(h, 'action:alert.*', {
      type: 'email',
      host: 'smtp.example.com',
      auth: { user: 'vt', password: 'smtp-password-secret' },
      from: 'veritrail@example.com',
      to: ['soc@example.com'],
    });
    const list = await api(h, 'GET', '/v1/outbound-streams?tenant=acme');
    expect(list.json()).toMatchObject({
      streams: [
        { id: slack, destination: { type: 'slack', url_set: true } },
        { id: email, destination: { type: 'email', auth: { user: 'vt', password_set: true } } },
      ],
    });
    const audit = await api(h, 'GET', '/v1/events?tenant=_system&q=action:admin.outbound_*');
    expect(audit.body).toContain('slack https://hooks.slack.com');
    expect(audit.body).toContain('email smtp.example.com to 1 recipient(s)');
    for (const body of [list.body, audit.body]) {
      expect(body).not.toContain('slack-path-secret');
      expect(body).not.toContain('smtp-password-secret');
    }
  });
});

describe('signed webhook notifications through the delivery job', () => {
  const SECRET = 'receiver-shared-secret-0123';

  /** What a receiver does (docs/notifications.md): recompute the HMAC, compare in constant time. */
  function verified(r: Received): boolean {
    const ts = r.headers['x-veritrail-timestamp'];
    const sig = r.headers['x-veritrail-signature'];
    if (typeof ts !== 'string' || typeof sig !== 'string' || !/^\d+$/.test(ts)) return false;
    if (Math.abs(Date.now() / 1000 - Number(ts)) > 300) return false;
    const want = `sha256=${createHmac('sha256', SECRET).update(`${ts}.${r.body}`).digest('hex')}`;
    return want.length === sig.length && timingSafeEqual(Buffer.from(want), Buffer.from(sig));
  }

  it('is verified by the receiver, retried after its failures, and refused with a bad secret', async () => {
    let goodSeen = 0;
    const verdicts: { path: string; ok: boolean }[] = [];
    const hook = await httpReceiver((r) => {
      const ok = verified(r);
      verdicts.push({ path: r.path, ok });
      if (!ok) return { status: 401 };
      goodSeen++;
      return goodSeen <= 2 ? { status: 503 } : { status: 204 };
    });
    cleanups.push(hook.close);
    const h = await harness(3);
    const good = await createStream(h, 'action:alert.raised', {
      type: 'webhook',
      url: `${hook.url}/good`,
      secret: SECRET,
    });
    const bad = await createStream(h, 'action:alert.raised', {
      type: 'webhook',
      url: `${hook.url}/bad`,
      secret: 'someone-else-secret-456',
    });
    const seqs = await append(h, [
      alertRaised('high', 'Mass export'),
      login,
      alertRaised('medium', 'Off hours'),
    ]);
    await until(async () => (await status(h, good)).delivered === 2);
    await until(async () => (await status(h, bad)).dead_letters === 1);

    // Every request of the good stream verified; the receiver refused every one of the other.
    expect(verdicts.filter((v) => v.path === '/good').map((v) => v.ok)).toEqual([true, true, true]);
    expect(verdicts.filter((v) => v.path === '/bad').map((v) => v.ok)).toEqual([
      false,
      false,
      false,
    ]);
    const accepted = hook.got.filter((g) => g.path === '/good').at(-1)!;
    const body = JSON.parse(accepted.body) as {
      events: { seq: number; action: string; metadata: { rule_title: string } }[];
    };
    expect(body.events.map((e) => [e.seq, e.action, e.metadata.rule_title])).toEqual([
      [seqs[0], 'alert.raised', 'Mass export'],
      [seqs[2], 'alert.raised', 'Off hours'],
    ]);

    expect((await deliveries(h, good)).map((d) => [d.outcome, d.status_code])).toEqual([
      ['delivered', null],
      ['failed', 503],
      ['failed', 503],
    ]);
    expect((await deliveries(h, bad)).map((d) => [d.outcome, d.status_code])).toEqual([
      ['dead_lettered', 401],
      ['failed', 401],
      ['failed', 401],
    ]);
    const dead = await api(h, 'GET', `/v1/outbound-streams/${bad}/dead-letters`);
    expect(dead.json()).toMatchObject({
      dead_letters: [{ from_seq: seqs[0], to_seq: seqs[2], error: `${hook.url}: HTTP 401` }],
    });
  });
});

describe('email notifications through the delivery job', () => {
  it('retries after the SMTP server refuses with 451, then delivers the alert', async () => {
    const smtp = await smtpReceiver({ refuse: (n) => (n === 1 ? 451 : undefined) });
    cleanups.push(smtp.close);
    const h = await harness();
    const id = await createStream(h, 'action:alert.*', {
      type: 'email',
      host: '127.0.0.1',
      port: smtp.port,
      security: 'none',
      from: 'veritrail@example.com',
      to: ['soc@example.com', 'oncall@example.com'],
      subject: 'Veritrail {severity} alert: {title}',
    });
    const [seq] = await append(h, [alertRaised('high', 'Brute force login'), login]);
    await until(async () => (await status(h, id)).delivered === 1);

    expect(smtp.attempts()).toBe(2);
    expect(smtp.mails).toHaveLength(1);
    const m = smtp.mails[0]!;
    expect(m.to).toEqual(['soc@example.com', 'oncall@example.com']);
    const mail = readMail(m.raw);
    expect(mail.header('subject')).toBe('Veritrail high alert: Brute force login');
    expect(mail.header('from')).toBe('veritrail@example.com');
    expect(mail.body).toContain('Brute force login');
    expect(mail.body).toContain('Severity: high');
    expect(mail.body).toContain('Rule: r-7');
    expect(mail.body).toContain('summary of Brute force login');

    const tries = await deliveries(h, id);
    expect(tries).toMatchObject([
      { outcome: 'delivered', attempt: 2, from_seq: seq, status_code: null },
      { outcome: 'failed', attempt: 1, status_code: 451 },
    ]);
    expect(tries[1]!.error).toMatch(new RegExp(`^smtp 127\\.0\\.0\\.1:${smtp.port}: 451 `));
  });
});

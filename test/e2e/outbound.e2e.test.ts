/**
 * Outbound streams against real local receivers (docs/outbound.md): a webhook receiver that
 * checks every HMAC signature and a TCP syslog receiver parsing octet-counted RFC 5424 frames
 * with CEF. Each receiver is down for a while mid-run, and Veritrail is restarted (SIGTERM,
 * same data folder) mid-run: at the end each receiver has every matching event, in seq order,
 * with no gap; a duplicate is only the re-send of a batch that was not acknowledged.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseCefExtension } from '../../src/core/outbound/cef.js';
import { parseOctetFrames } from '../../src/core/outbound/syslog.js';
import { verifyWebhookSignature } from '../../src/core/outbound/webhook-payload.js';
import { run, serve, type Server } from './helpers.js';

const ADMIN = 'outbound-e2e-admin-token-0123456789';
const SECRET = 'whsec-e2e-0123456789abcdef';
const dir = mkdtempSync(join(tmpdir(), 'veritrail-outbound-e2e-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Receiver {
  readonly port: number;
  /** Each accepted batch's seqs, in arrival order. */
  readonly batches: number[][];
  readonly problems: string[];
  down(): Promise<void>;
  up(): Promise<void>;
}

async function listen(server: net.Server, port = 0): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return (server.address() as net.AddressInfo).port;
}

async function webhookReceiver(): Promise<Receiver> {
  const batches: number[][] = [];
  const problems: string[] = [];
  let server: http.Server;
  const make = () =>
    http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const ok = verifyWebhookSignature(
          SECRET,
          String(req.headers['x-veritrail-timestamp']),
          body,
          String(req.headers['x-veritrail-signature']),
        );
        if (!ok) {
          problems.push('bad signature');
          res.writeHead(401).end();
          return;
        }
        const { events } = JSON.parse(body) as { events: { seq: number; action: string }[] };
        for (const e of events) if (!e.action.startsWith('order.')) problems.push(`${e.seq}`);
        batches.push(events.map((e) => e.seq));
        res.writeHead(204).end();
      });
    });
  server = make();
  const port = await listen(server);
  return {
    port,
    batches,
    problems,
    async down() {
      const closed = new Promise((r) => server.close(r));
      server.closeAllConnections();
      await closed;
    },
    async up() {
      server = make();
      await listen(server, port);
    },
  };
}

async function syslogReceiver(): Promise<Receiver> {
  const batches: number[][] = [];
  const problems: string[] = [];
  const sockets = new Set<net.Socket>();
  let server: net.Server;
  const make = () =>
    net.createServer((s) => {
      sockets.add(s);
      let buf: Buffer = Buffer.alloc(0);
      s.on('data', (d: Buffer) => {
        const { frames, rest } = parseOctetFrames(Buffer.concat([buf, d]));
        buf = rest;
        const seqs: number[] = [];
        for (const f of frames) {
          const m =
            /^<(\d+)>1 \S+ \S+ veritrail - (\S+) \[veritrail@32473 tenant="shop" seq="(\d+)" id="[^"]+"\] (CEF:0\|.*)$/s.exec(
              f,
            );
          if (!m) {
            problems.push(`bad frame ${f.slice(0, 80)}`);
            continue;
          }
          const cef = m[4]!;
          const ext = new Map(parseCefExtension(cef.split('|').slice(7).join('|')));
          if (ext.get('cn1') !== m[3] || !ext.get('act')?.startsWith('order.'))
            problems.push(`bad CEF ${cef}`);
          seqs.push(Number(m[3]));
        }
        // TCP has no batch boundaries: each read is recorded as one "batch" of what it held.
        if (seqs.length) batches.push(seqs);
      });
      s.on('error', () => {});
      s.on('close', () => sockets.delete(s));
    });
  server = make();
  const port = await listen(server);
  return {
    port,
    batches,
    problems,
    async down() {
      const closed = new Promise((r) => server.close(r));
      // A graceful receiver shutdown: it stops accepting, closes its side and reads to the end.
      for (const s of sockets) s.end();
      await closed;
    },
    async up() {
      server = make();
      await listen(server, port);
    },
  };
}

/** Sends `rounds` requests of 10 events (half order.*, half not); returns the matching seqs. */
async function produce(url: () => string, tag: string, rounds: number, acked: number[]) {
  for (let r = 0; r < rounds; r++) {
    const events = Array.from({ length: 10 }, (_, i) => ({
      id: `${tag}-${r}-${i}`,
      tenant: 'shop',
      action: i % 2 === 0 ? 'order.create' : 'user.login',
      actor: { id: `u${i}` },
      source: { ip: '10.0.0.1' },
    }));
    for (;;) {
      try {
        const res = await fetch(`${url()}/v1/events`, {
          method: 'POST',
          headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
          body: JSON.stringify({ events }),
        });
        if (res.status !== 201) throw new Error(`HTTP ${res.status}`);
        const out = (await res.json()) as { events: { seq: number; duplicate?: boolean }[] };
        out.events.forEach((e, i) => {
          if (i % 2 === 0 && !e.duplicate) acked.push(e.seq);
        });
        break;
      } catch {
        await sleep(100); // the server is restarting: the same ids again (idempotent)
      }
    }
    await sleep(40);
  }
}

/**
 * Every matching seq, in order, no gap: each batch is an ascending run of the expected
 * sequence that starts no later than the first seq not yet received (a later start is a gap).
 */
function checkDelivery(batches: readonly number[][], expected: readonly number[]): void {
  const index = new Map(expected.map((s, i) => [s, i]));
  let next = 0;
  for (const b of batches) {
    const start = index.get(b[0]!);
    expect(start, `unexpected seq ${b[0]}`).toBeDefined();
    expect(start!, `gap before seq ${b[0]}`).toBeLessThanOrEqual(next);
    b.forEach((s, i) => expect(s, 'order within a batch').toBe(expected[start! + i]));
    next = Math.max(next, start! + b.length);
  }
  expect(next).toBe(expected.length);
}

async function runScenario(
  name: string,
  receiver: Receiver,
  destination: Record<string, unknown>,
): Promise<void> {
  const data = join(dir, name);
  const env = { VERITRAIL_ADMIN_TOKEN: ADMIN };
  let server: Server = await serve(['--data', data], env);
  try {
    const created = await fetch(`${server.url}/v1/outbound-streams`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ tenant: 'shop', name, q: 'action:order.*', destination }),
    });
    expect(created.status, await created.clone().text()).toBe(201);
    const { stream } = (await created.json()) as { stream: { id: string } };

    const acked: number[] = [];
    let url = server.url;
    const producing = produce(() => url, name, 120, acked);
    await sleep(800);
    await receiver.down();
    await sleep(2500);
    await receiver.up();
    await sleep(500);
    await server.stop(); // SIGTERM mid-run
    const beforeRestart = acked.length;
    server = await serve(['--data', data], env);
    url = server.url;
    await producing;
    expect(acked.length, 'events were produced after the restart').toBeGreaterThan(beforeRestart);
    acked.sort((a, b) => a - b);

    const deadline = Date.now() + 60_000;
    let status:
      | { lag: number; dead_letters: number; delivered: number; last_error: string | null }
      | undefined;
    for (;;) {
      const res = await fetch(`${server.url}/v1/outbound-streams/${stream.id}`, {
        headers: { authorization: `Bearer ${ADMIN}` },
      });
      status = ((await res.json()) as { stream: { status: typeof status } }).stream.status;
      const got = new Set(receiver.batches.flat());
      if (status!.lag === 0 && acked.every((s) => got.has(s))) break;
      if (Date.now() > deadline) throw new Error(`not delivered: ${JSON.stringify(status)}`);
      await sleep(200);
    }
    expect(receiver.problems).toEqual([]);
    expect(status!.dead_letters).toBe(0);
    // The outage was seen (and retried): the last error stays on record.
    expect(status!.last_error).not.toBeNull();
    expect(acked.length).toBe(600);
    checkDelivery(receiver.batches, acked);
  } finally {
    await server.stop();
  }
}

describe('outbound streams end to end', () => {
  it('delivers to a webhook through a receiver outage and a restart', async () => {
    const receiver = await webhookReceiver();
    try {
      await runScenario('webhook', receiver, {
        type: 'webhook',
        url: `http://127.0.0.1:${receiver.port}/hook`,
        secret: SECRET,
        batch_size: 7,
      });
    } finally {
      await receiver.down().catch(() => {});
    }
  }, 120_000);

  it('delivers CEF over TCP syslog through a receiver outage and a restart', async () => {
    const receiver = await syslogReceiver();
    try {
      await runScenario('syslog', receiver, {
        type: 'syslog',
        host: '127.0.0.1',
        port: receiver.port,
        format: 'cef',
        batch_size: 7,
      });
    } finally {
      await receiver.down().catch(() => {});
    }
  }, 120_000);

  it('is managed from the CLI, with the secret from the environment only', async () => {
    const server = await serve(['--data', join(dir, 'cli')], { VERITRAIL_ADMIN_TOKEN: ADMIN });
    const env = { VERITRAIL_URL: server.url, VERITRAIL_TOKEN: ADMIN, HOOK_SECRET: SECRET };
    const cli = (...args: string[]) => run(['--json', 'outbound', ...args], { env });
    try {
      const missing = await cli(
        'create',
        '--tenant',
        'shop',
        '--name',
        'n',
        '--type',
        'webhook',
        '--endpoint',
        'http://127.0.0.1:9/x',
        '--secret-env',
        'NOT_SET_ANYWHERE',
      );
      expect(missing.code).not.toBe(0);
      const created = await cli(
        'create',
        '--tenant',
        'shop',
        '--name',
        'siem',
        '--type',
        'webhook',
        '--endpoint',
        'http://127.0.0.1:9/x',
        '--secret-env',
        'HOOK_SECRET',
        '--q',
        'action:order.*',
      );
      expect(created.code, created.stderr + created.stdout).toBe(0);
      expect(created.stdout).not.toContain(SECRET);
      const { id } = JSON.parse(created.stdout) as { id: string };
      const list = await cli('list', '--tenant', 'shop');
      expect((JSON.parse(list.stdout) as { id: string }[]).map((s) => s.id)).toEqual([id]);
      expect(JSON.parse((await cli('disable', id)).stdout)).toMatchObject({ enabled: false });
      expect(JSON.parse((await cli('enable', id)).stdout)).toMatchObject({ enabled: true });
      const status = await run(['outbound', 'status', id], { env });
      expect(status.stdout).toMatch(/lag 0/);
      expect(JSON.parse((await cli('dead-letters', id)).stdout)).toEqual([]);
      expect((await cli('delete', id)).code).toBe(0);
      expect((await cli('status', id)).code).not.toBe(0);
    } finally {
      await server.stop();
    }
  });
});

/**
 * `serve --syslog-udp 0 --syslog-tcp 0` on the real server: messages sent by util-linux
 * `logger` (RFC 5424 over UDP, TCP with LF framing and with octet counting, RFC 3164) are found
 * by query; garbage over both transports is skipped and the server keeps working.
 */
import { execFile } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import dgram from 'node:dgram';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serve, type Server } from './helpers.js';

const LOGGER = '/usr/bin/logger';
const ADMIN = 'syslog-e2e-admin-token-0123456789';
const TENANT = 'netlog';
const MAX = 8192;
const dir = mkdtempSync(join(tmpdir(), 'veritrail-syslog-e2e-'));
let server: Server;
let udpPort: number;
let tcpPort: number;
const run = randomUUID().slice(0, 8);

beforeAll(async () => {
  server = await serve(
    [
      '--data',
      join(dir, 'data'),
      '--syslog-udp',
      '0',
      '--syslog-tcp',
      '0',
      '--syslog-tenant',
      TENANT,
    ],
    { VERITRAIL_ADMIN_TOKEN: ADMIN, VERITRAIL_SYSLOG_MAX_MESSAGE_BYTES: String(MAX) },
  );
  const m = /syslog on udp 127\.0\.0\.1:(\d+), tcp 127\.0\.0\.1:(\d+) into tenant "netlog"/.exec(
    server.stdout(),
  );
  if (!m) throw new Error(`no syslog ports in: ${server.stdout()}`);
  udpPort = Number(m[1]);
  tcpPort = Number(m[2]);
}, 30_000);

afterAll(async () => {
  expect(await server.stop()).toBe(0);
  rmSync(dir, { recursive: true, force: true });
});

function logger(args: readonly string[]): Promise<void> {
  return new Promise((resolve, reject) =>
    execFile(LOGGER, ['-n', '127.0.0.1', ...args], (e, _out, stderr) =>
      e ? reject(new Error(`logger failed: ${stderr}`)) : resolve(),
    ),
  );
}

interface Found {
  events: Record<string, unknown>[];
}

async function query(q: string): Promise<Found> {
  const url = `${server.url}/v1/events?${new URLSearchParams({ tenant: TENANT, q }).toString()}`;
  const r = await fetch(url, { headers: { authorization: `Bearer ${ADMIN}` } });
  expect(r.status).toBe(200);
  return (await r.json()) as Found;
}

/** Polls the query until it finds `n` events (syslog has no acknowledgement to wait on). */
async function find(q: string, n = 1): Promise<Record<string, unknown>[]> {
  for (let i = 0; i < 200; i++) {
    const { events } = await query(q);
    if (events.length >= n) return events;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`query ${q} found fewer than ${n} events`);
}

function udp(message: Buffer): Promise<void> {
  const s = dgram.createSocket('udp4');
  return new Promise((resolve, reject) =>
    s.send(message, udpPort, '127.0.0.1', (e) => {
      s.close();
      if (e) reject(e);
      else resolve();
    }),
  );
}

function tcp(data: Buffer | string): Promise<void> {
  return new Promise((resolve, reject) => {
    const s = net.connect(tcpPort, '127.0.0.1', () => s.end(data));
    s.on('error', reject);
    s.on('data', () => {});
    s.on('close', () => resolve());
  });
}

const rfc5424 = ['--rfc5424', '-P'];

describe.skipIf(!existsSync(LOGGER))('syslog receiver with util-linux logger', () => {
  it('finds an RFC 5424 audit record sent over UDP by its mapped fields', async () => {
    await logger([
      ...rfc5424,
      String(udpPort),
      '-d',
      '-t',
      'authsvc',
      '--msgid',
      'LOGIN',
      '--sd-id',
      'audit@32473',
      '--sd-param',
      'action="user.login"',
      '--sd-param',
      'actor="alice"',
      '--sd-param',
      'outcome="failure"',
      '--sd-param',
      'source_ip="203.0.113.5"',
      '--sd-param',
      `request_id="udp-${run}"`,
      `bad password for alice ${run}`,
    ]);
    const [e] = await find(`action:user.login actor.id:alice correlation.request_id:udp-${run}`);
    expect(e).toMatchObject({
      tenant: TENANT,
      outcome: 'failure',
      source: { ip: '203.0.113.5' },
      observer: { service: 'authsvc' },
      reason: `bad password for alice ${run}`,
      raw: { format: 'rfc5424', app_name: 'authsvc', msgid: 'LOGIN' },
    });
  });

  it('finds messages sent over TCP with LF framing and with octet counting', async () => {
    for (const [flags, label] of [
      [['-T'], 'lf'],
      [['-T', '--octet-count'], 'octets'],
    ] as const) {
      await logger([
        ...rfc5424,
        String(tcpPort),
        ...flags,
        '-t',
        'billing',
        '--sd-id',
        'audit@32473',
        '--sd-param',
        'action="invoice.delete"',
        '--sd-param',
        'actor="bob"',
        '--sd-param',
        `target="inv-${label}-${run}"`,
        `deleted over ${label}`,
      ]);
    }
    const found = await find(`action:invoice.delete targets.id:inv-*-${run}`, 2);
    expect(found.map((e) => (e.raw as { msg: string }).msg).sort()).toEqual([
      'deleted over lf',
      'deleted over octets',
    ]);
    expect(found[0]).toMatchObject({ actor: { id: 'bob' }, source: { ip: '127.0.0.1' } });
  });

  it('finds an RFC 3164 message as syslog.<tag>', async () => {
    await logger(['--rfc3164', '-P', String(udpPort), '-d', '-t', 'legacy', `old style ${run}`]);
    const [e] = await find(`action:syslog.legacy "old style ${run}"`);
    expect(e).toMatchObject({
      actor: { id: 'legacy', type: 'system' },
      outcome: 'unknown',
      raw: { format: 'rfc3164', app_name: 'legacy', msg: `old style ${run}` },
    });
  });

  it('skips garbage over TCP and UDP and keeps answering and receiving', async () => {
    await tcp(randomBytes(4096));
    await tcp(`<13>1 - - junk - - - ${'x'.repeat(MAX + 100)}\n`);
    await tcp('500 <13>1 - - junk - - - cut short');
    await udp(randomBytes(1024));
    await udp(Buffer.from(`<13>1 - - junk - - - ${'y'.repeat(MAX + 100)}`));
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    await logger([...rfc5424, String(tcpPort), '-T', '-t', 'after', `tcp after garbage ${run}`]);
    await logger([...rfc5424, String(udpPort), '-d', '-t', 'after', `udp after garbage ${run}`]);
    const found = await find(`action:syslog.after "after garbage ${run}"`, 2);
    expect(found).toHaveLength(2);
    const metrics = await (
      await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${ADMIN}` } })
    ).text();
    const skipped =
      /veritrail_received_records_total\{receiver="syslog",outcome="skipped"\} (\d+)/.exec(metrics);
    // The oversize line, the truncated frame, the oversize datagram; random bytes may add more.
    expect(Number(skipped?.[1])).toBeGreaterThanOrEqual(3);
    expect((await query('junk')).events).toEqual([]);
    expect(server.stderr()).toMatch(/over the limit of 8192 bytes/);
    expect(server.stderr()).not.toMatch(/xxxxxxxxxxxxxxxxxxxx|yyyyyyyyyyyyyyyyyyyy/);
  });
});

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import { afterAll, describe, expect, it } from 'vitest';
import type { OutboundEvent } from '../app/ports.js';
import { makeEvent } from '../app/test-support/events.js';
import { parseOctetFrames } from '../core/outbound/syslog.js';
import { opensslAvailable, selfSignedCert } from '../test-support/self-signed.js';
import { SyslogDestination } from './syslog.js';

const dir = mkdtempSync(join(tmpdir(), 'veritrail-syslog-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const events = (n: number, from = 0): OutboundEvent[] =>
  Array.from({ length: n }, (_, i) => ({ ...makeEvent(), seq: from + i }));

/** A receiver that records the seq of every frame, over whatever server it is given. */
function record(server: net.Server, frames: string[], sockets: Set<net.Socket>) {
  server.on(server instanceof tls.Server ? 'secureConnection' : 'connection', (s: net.Socket) => {
    sockets.add(s);
    let buf: Buffer = Buffer.alloc(0);
    s.on('data', (d: Buffer) => {
      const r = parseOctetFrames(Buffer.concat([buf, d]));
      buf = r.rest;
      frames.push(...r.frames);
    });
    s.on('close', () => sockets.delete(s));
  });
}

const listen = (server: net.Server) =>
  new Promise<number>((r) =>
    server.listen(0, '127.0.0.1', () => r((server.address() as net.AddressInfo).port)),
  );

const seqOf = (f: string) => Number(/ seq="(\d+)"/.exec(f)?.[1]);

async function until(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !cond(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(cond()).toBe(true);
}

describe('syslog destination', () => {
  it('keeps one connection, reconnects after the receiver closed it, and refuses once closed', async () => {
    const frames: string[] = [];
    const sockets = new Set<net.Socket>();
    const server = net.createServer();
    record(server, frames, sockets);
    const port = await listen(server);
    const d = new SyslogDestination(
      { host: '127.0.0.1', port, tls: false, format: 'json' },
      '0.1.0',
    );
    try {
      await d.send(events(3));
      await d.send(events(2, 3));
      await until(() => frames.length === 5);
      expect(sockets.size).toBe(1);
      for (const s of sockets) s.end();
      await until(() => sockets.size === 0);
      await new Promise((r) => setTimeout(r, 20));
      await d.send(events(1, 5));
      await until(() => frames.length === 6);
      expect(frames.map(seqOf)).toEqual([0, 1, 2, 3, 4, 5]);
    } finally {
      await d.close();
      await new Promise((r) => server.close(r));
    }
    await expect(d.send(events(1))).rejects.toThrow(/closed/);
  });

  it('fails a send when nobody listens, naming host and port', async () => {
    const server = net.createServer();
    const port = await listen(server);
    await new Promise((r) => server.close(r));
    const d = new SyslogDestination(
      { host: '127.0.0.1', port, tls: false, format: 'cef' },
      '0.1.0',
    );
    await expect(d.send(events(1))).rejects.toThrow(`127.0.0.1:${port}: ECONNREFUSED`);
    await d.close();
  });

  it.skipIf(!opensslAvailable)('speaks TLS and checks the receiver certificate', async () => {
    const { cert, key } = selfSignedCert(dir);
    const frames: string[] = [];
    const server = tls.createServer({ cert: readFileSync(cert), key: readFileSync(key) });
    record(server, frames, new Set());
    const port = await listen(server);
    const cfg = { host: '127.0.0.1', port, tls: true, format: 'cef' as const };
    try {
      const untrusted = new SyslogDestination(cfg, '0.1.0');
      await expect(untrusted.send(events(1))).rejects.toThrow(/127\.0\.0\.1/);
      await untrusted.close();
      const d = new SyslogDestination(cfg, '0.1.0', 5000, readFileSync(cert));
      await d.send(events(2));
      await until(() => frames.length === 2);
      expect(frames[0]).toMatch(/^<110>1 .* CEF:0\|Veritrail\|/);
      await d.close();
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});

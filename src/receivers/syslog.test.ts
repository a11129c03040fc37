/** The syslog listeners over real UDP and TCP sockets, appending to real services on SQLite. */
import dgram from 'node:dgram';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from '../main.js';
import { createServices, type Services } from '../app/services.js';
import { testSigner } from '../app/test-support/signer.js';
import type { StoredEvent } from '../core/event/index.js';
import { startSyslogReceiver, type SyslogReceiver, type SyslogReceiverOptions } from './syslog.js';
import { SyslogSink } from './syslog-sink.js';

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

async function services(): Promise<Services> {
  const dir = mkdtempSync(join(tmpdir(), 'veritrail-syslog-'));
  const store = await openStore({ dataDir: dir, writerThread: false });
  const s = createServices({ store, signer: testSigner() });
  cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
  cleanup.push(() => s.close());
  return s;
}

async function start(
  svc: ConstructorParameters<typeof SyslogSink>[0],
  opts: Partial<SyslogReceiverOptions> = {},
): Promise<{ receiver: SyslogReceiver; logs: string[] }> {
  const logs: string[] = [];
  const receiver = await startSyslogReceiver(svc, {
    host: '127.0.0.1',
    udpPort: 0,
    tcpPort: 0,
    tenant: 'acme',
    maxMessageBytes: 1024,
    log: (l) => logs.push(l),
    ...opts,
  });
  cleanup.push(() => receiver.close());
  return { receiver, logs };
}

function sendUdp(port: number, messages: readonly (string | Buffer)[]): Promise<void> {
  const s = dgram.createSocket('udp4');
  return new Promise((resolve, reject) => {
    let left = messages.length;
    for (const m of messages)
      s.send(m, port, '127.0.0.1', (e) => {
        if (e) reject(e);
        else if (--left === 0) s.close(() => resolve());
      });
  });
}

/** Writes the chunks on one connection, then closes it and waits for the server's end. */
function sendTcp(port: number, chunks: readonly (string | Buffer)[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1', () => {
      for (const c of chunks) s.write(c);
      s.end();
    });
    s.on('error', reject);
    s.on('data', () => {});
    s.on('close', () => resolve());
  });
}

async function events(svc: Services, tenant = 'acme'): Promise<StoredEvent[]> {
  const rows = await svc.store.events.range(tenant, 0, 10_000);
  return rows.flatMap((r) => (r.event ? [r.event] : []));
}

/** Polls until `n` events are stored (UDP gives no acknowledgement to wait on). */
async function waitFor(svc: Services, n: number, tenant = 'acme'): Promise<StoredEvent[]> {
  for (let i = 0; i < 400; i++) {
    const got = await events(svc, tenant);
    if (got.length >= n) return got;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`only ${(await events(svc, tenant)).length} of ${n} events arrived`);
}

async function received(svc: Pick<Services, 'metrics'>, outcome: string): Promise<number> {
  const metric = svc.metrics.registry.getSingleMetric('veritrail_received_records_total');
  const { values } = (await metric?.get()) ?? { values: [] };
  return (
    values.find((v) => v.labels.receiver === 'syslog' && v.labels.outcome === outcome)?.value ?? 0
  );
}

const AUDIT =
  '<110>1 2026-11-26T10:00:00Z web1 billing 7 - [audit@32473 action="invoice.delete" actor="bob" outcome="success" target="inv-1"] deleted';

describe('syslog receiver', () => {
  it('appends messages sent over UDP and over TCP with both framings to the tenant', async () => {
    const svc = await services();
    const { receiver } = await start(svc);
    await sendUdp(receiver.udpPort!, [AUDIT, '<13>Nov 26 14:47:14 vm old: hello 3164\n']);
    const counted = '<13>1 - h app - - - counted';
    await sendTcp(receiver.tcpPort!, [
      `${Buffer.byteLength(counted)} ${counted}`,
      '<13>1 - h app - - - lf one\n<13>1 - h app - - - lf ',
      'two\n',
    ]);
    const got = await waitFor(svc, 5);
    expect(got.map((e) => e.raw?.msg).sort()).toEqual(
      ['counted', 'deleted', 'hello 3164', 'lf one', 'lf two'].sort(),
    );
    const audit = got.find((e) => e.action === 'invoice.delete')!;
    expect(audit).toMatchObject({
      tenant: 'acme',
      category: 'audit',
      outcome: 'success',
      actor: { id: 'bob' },
      targets: [{ id: 'inv-1' }],
      source: { ip: '127.0.0.1' },
      observer: { service: 'billing', host: 'web1' },
      occurred_at: '2026-11-26T10:00:00Z',
    });
    expect(await received(svc, 'appended')).toBe(5);
  });

  it('skips oversize, truncated and binary input, and keeps taking valid messages', async () => {
    const svc = await services();
    const { receiver, logs } = await start(svc);
    const tcp = receiver.tcpPort!;
    await sendUdp(receiver.udpPort!, [`<13>1 - - - - - - ${'u'.repeat(2000)}`]);
    await sendUdp(receiver.udpPort!, [Buffer.from([0x00, 0xff, 0x13, 0x37, 0x0a])]);
    await sendTcp(tcp, [`<13>${'l'.repeat(3000)}\n<13>1 - - - - - - after long line\n`]);
    await sendTcp(tcp, [`5000 <13>${'c'.repeat(4996)}`, '<13>1 - - - - - - after big count\n']);
    await sendTcp(tcp, ['300 <13>1 - - - - - - cut short']);
    await sendUdp(receiver.udpPort!, ['<13>1 - - - - - - udp still works']);
    const got = await waitFor(svc, 3);
    expect(got.map((e) => e.raw?.msg).sort()).toEqual(
      ['after big count', 'after long line', 'udp still works'].sort(),
    );
    // Oversize UDP, binary UDP, oversize line, oversize count, truncated frame.
    for (let i = 0; i < 100 && (await received(svc, 'skipped')) < 5; i++)
      await new Promise((r) => setTimeout(r, 20));
    expect(await received(svc, 'skipped')).toBe(5);
    expect(logs.join('\n')).toMatch(/over the limit of 1024 bytes/);
    expect(logs.join('\n')).toMatch(/truncated/);
    expect(logs.join('\n')).not.toMatch(/llllllllll|cccccccccc|cut short/);
  });

  it('counts a failing append as failed, logs it once per burst, and recovers', async () => {
    const real = await services();
    let down = true;
    const svc = {
      clock: real.clock,
      metrics: real.metrics,
      ingest: {
        ingest: (...args: Parameters<Services['ingest']['ingest']>) =>
          down ? Promise.reject(new Error('store unavailable')) : real.ingest.ingest(...args),
      } as unknown as Services['ingest'],
    };
    const { receiver, logs } = await start(svc, { batchSize: 1 });
    await sendTcp(receiver.tcpPort!, ['<13>1 - - - - - - a\n<13>1 - - - - - - b\n']);
    for (let i = 0; i < 200 && (await received(real, 'failed')) < 2; i++)
      await new Promise((r) => setTimeout(r, 10));
    expect(await received(real, 'failed')).toBe(2);
    expect(logs.filter((l) => l.includes('could not append'))).toHaveLength(1);
    down = false;
    await sendTcp(receiver.tcpPort!, ['<13>1 - - - - - - c\n']);
    const got = await waitFor(real, 1);
    expect(got.map((e) => e.raw?.msg)).toEqual(['c']);
    expect(logs.at(-1)).toMatch(/works again/);
  });

  it('close() appends what is still waiting for the batch timer', async () => {
    const svc = await services();
    const sink = new SyslogSink(svc, { tenant: 'acme', flushMs: 3_600_000, log: () => {} });
    sink.accept(Buffer.from('<13>1 - - - - - - pending'), '192.0.2.1');
    expect(await events(svc)).toEqual([]);
    await sink.close();
    const got = await events(svc);
    expect(got.map((e) => [e.raw?.msg, e.source?.ip])).toEqual([['pending', '192.0.2.1']]);
  });

  it('refuses connections past the limit and closes idle ones', async () => {
    const svc = await services();
    const { receiver, logs } = await start(svc, { maxConnections: 1, idleTimeoutMs: 50 });
    const open = () =>
      new Promise<net.Socket>((resolve, reject) => {
        const s = net.connect(receiver.tcpPort!, '127.0.0.1', () => resolve(s));
        s.on('error', reject);
      });
    const closed = (s: net.Socket) =>
      new Promise<void>((resolve) => {
        s.on('error', () => {});
        s.on('close', () => resolve());
        s.resume();
      });
    const first = await open();
    const firstClosed = closed(first);
    const second = await open();
    // The second is dropped at once, the first when it has been idle.
    await closed(second);
    await firstClosed;
    expect(logs.join('\n')).toMatch(/refused a TCP connection/);
  });

  it('fails to start when a port is taken, and releases the other', async () => {
    const svc = await services();
    const { receiver } = await start(svc, { udpPort: undefined });
    await expect(
      startSyslogReceiver(svc, {
        host: '127.0.0.1',
        udpPort: 0,
        tcpPort: receiver.tcpPort,
        tenant: 'acme',
        maxMessageBytes: 1024,
        log: () => {},
      }),
    ).rejects.toThrow(/EADDRINUSE/);
  });
});

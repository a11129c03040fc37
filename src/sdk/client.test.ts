import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createClient, type VeritrailClient } from './client.js';
import type { DeadLetter } from './dead-letter.js';
import { InvalidEventError, QueueFullError, type VeritrailSdkError } from './errors.js';
import type { ClientOptions } from './options.js';
import { DEAD_LETTER_FILE } from './spool/spool.js';
import { startIngestServer, type IngestServer } from './test-support/ingest-server.js';

const TOKEN = 'vt_abcdefghijkl_secret-token-never-printed-0123456789abcdef';
let server: IngestServer;
let dir: string;
let clients: VeritrailClient[] = [];
let errors: Error[] = [];

beforeEach(async () => {
  server = await startIngestServer();
  dir = mkdtempSync(join(tmpdir(), 'veritrail-sdk-'));
  errors = [];
});
afterEach(async () => {
  await Promise.all(clients.map((c) => c.close({ timeoutMs: 100 })));
  clients = [];
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

function client(o: Partial<ClientOptions> = {}): VeritrailClient {
  const c = createClient({
    url: server.url,
    token: TOKEN,
    flushIntervalMs: 5,
    retry: { initialDelayMs: 1, maxDelayMs: 5 },
    onError: (e) => errors.push(e),
    ...o,
  });
  clients.push(c);
  return c;
}

const ev = (n: number) => ({ action: 'order.create', actor: { id: 'alice' }, metadata: { n } });
const ns = () => server.stored.map((s) => (s.event.metadata as { n: number }).n);
const range = (n: number, from = 0) => Array.from({ length: n }, (_, i) => i + from);

describe('VeritrailClient', () => {
  it('delivers recorded events in record order, filling id, occurred_at and tenant', async () => {
    const c = client({ tenant: 'acme', batchSize: 7 });
    const ids = await Promise.all(range(50).map((n) => c.record(ev(n))));
    await c.flush();
    expect(ns()).toEqual(range(50));
    expect(server.stored.map((s) => s.event.id)).toEqual(ids);
    expect(ids[0]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7/); // UUIDv7
    expect(server.stored[0]!.event).toMatchObject({ tenant: 'acme' });
    expect(typeof server.stored[0]!.event.occurred_at).toBe('string');
    expect(server.requests.every((r) => r.events.length <= 7)).toBe(true);
    expect(server.requests[0]!.authorization).toBe(`Bearer ${TOKEN}`);
    expect(c.stats()).toMatchObject({ queued: 0, delivered: 50, retries: 0, dropped: 0 });
  });

  it('keeps an id and tenant the event already has, and does not change the caller object', async () => {
    const c = client({ tenant: 'acme' });
    const e = { ...ev(1), id: 'evt-1', tenant: 'shop' };
    expect(await c.record(e)).toBe('evt-1');
    await c.flush();
    expect(server.stored[0]!.event).toMatchObject({ id: 'evt-1', tenant: 'shop' });
    expect(e).not.toHaveProperty('occurred_at');
  });

  it('refuses an invalid event at record() with the paths the server would give', async () => {
    const c = client();
    const bad = { action: 'nodot', actor: { id: 'has space' }, extra: 1 } as never;
    const err = await c.record(bad).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidEventError);
    expect((err as InvalidEventError).issues.map((i) => i.path).sort()).toEqual([
      'action',
      'actor.id',
      'extra',
    ]);
    expect(() => c.tryRecord(bad)).toThrow(InvalidEventError);
    expect(c.stats().queued).toBe(0);
  });

  it('retries 503, 429 and network errors until the server recovers', async () => {
    let calls = 0;
    server.script = () => {
      calls++;
      if (calls === 1)
        return { status: 503, body: { error: { code: 'unavailable', message: 'busy' } } };
      if (calls === 2)
        return {
          status: 429,
          headers: { 'retry-after': '0' },
          body: { error: { code: 'rate_limited', message: 'slow down' } },
        };
      return undefined;
    };
    const c = client();
    await c.record(ev(0));
    await c.flush();
    expect(ns()).toEqual([0]);
    expect(c.stats()).toMatchObject({ delivered: 1, retries: 2 });
    expect(errors.map((e) => (e as VeritrailSdkError).status)).toEqual([503, 429]);
    expect(errors[0]!.message).toContain('503 unavailable: busy');
    for (const e of errors) expect(e.message).not.toContain('secret-token');
  });

  it('keeps retrying while nothing listens, and keeps the events spooled', async () => {
    const url = server.url;
    await server.close();
    const c = client({ url, spool: { dir, fsync: 'never' } });
    await c.record(ev(0));
    await vi.waitFor(() => expect(c.stats().retries).toBeGreaterThan(1), { timeout: 10_000 });
    await expect(c.flush({ timeoutMs: 50 })).rejects.toMatchObject({ code: 'flush_timeout' });
    expect(c.stats().lastError?.code).toBe('network');
    expect(c.stats().lastError?.message).not.toContain('secret-token');
    expect(await c.close({ timeoutMs: 50 })).toEqual({ undelivered: 1 });
  });

  it('treats 401 as retryable, keeping the events', async () => {
    let refuse = true;
    server.script = () =>
      refuse
        ? { status: 401, body: { error: { code: 'unauthenticated', message: 'no' } } }
        : undefined;
    const c = client();
    await c.record(ev(0));
    await expect(c.flush({ timeoutMs: 100 })).rejects.toMatchObject({ code: 'flush_timeout' });
    refuse = false;
    await c.flush();
    expect(ns()).toEqual([0]);
    expect(c.stats().deadLettered).toBe(0);
  });

  it('sets aside the events a 400 names and delivers the rest of the batch', async () => {
    server.script = (events) => {
      const i = events.findIndex((e) => (e.metadata as { n: number }).n === 2);
      if (i === -1) return undefined;
      return {
        status: 400,
        body: {
          error: {
            code: 'validation_failed',
            message: '1 of 5 events are invalid; nothing was stored',
            details: [{ path: `events.${i}.actor.id`, message: 'must not be root' }],
          },
        },
      };
    };
    const letters: DeadLetter[] = [];
    const c = client({ spool: { dir, fsync: 'never' }, onDeadLetter: (l) => letters.push(l) });
    for (const n of range(5)) c.tryRecord(ev(n));
    await c.flush();
    expect(ns()).toEqual([0, 1, 3, 4]);
    expect(letters).toHaveLength(1);
    expect(letters[0]).toMatchObject({
      status: 400,
      code: 'validation_failed',
      issues: [{ path: 'actor.id', message: 'must not be root' }],
      event: { metadata: { n: 2 } },
    });
    const lines = readFileSync(join(dir, DEAD_LETTER_FILE), 'utf8').trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({
      status: 400,
      error: { code: 'validation_failed', details: [{ path: 'actor.id' }] },
      event: { metadata: { n: 2 } },
    });
    expect(c.stats()).toMatchObject({ deadLettered: 1, delivered: 4, queued: 0 });
    // The queue goes on.
    await c.record(ev(5));
    await c.flush();
    expect(ns()).toEqual([0, 1, 3, 4, 5]);
  });

  it('sets the whole batch aside when a 400 names no event', async () => {
    let first = true;
    server.script = () => {
      if (!first) return undefined;
      first = false;
      return { status: 400, body: { error: { code: 'validation_failed', message: 'bad body' } } };
    };
    const letters: DeadLetter[] = [];
    const c = client({ onDeadLetter: (l) => letters.push(l), flushIntervalMs: 50 });
    for (const n of range(3)) c.tryRecord(ev(n));
    await c.flush();
    await c.record(ev(3));
    await c.flush();
    expect(letters.map((l) => (l.event as { metadata: { n: number } }).metadata.n)).toEqual([
      0, 1, 2,
    ]);
    expect(ns()).toEqual([3]);
  });

  it('halves a batch the server finds too large, and sets aside a single event that is', async () => {
    server.script = (events) => {
      const huge = events.some((e) => (e.metadata as { n: number }).n === 5);
      if (events.length > 2 || huge)
        return { status: 413, body: { error: { code: 'payload_too_large', message: 'too big' } } };
      return undefined;
    };
    const letters: DeadLetter[] = [];
    const c = client({ onDeadLetter: (l) => letters.push(l) });
    for (const n of range(8)) c.tryRecord(ev(n));
    await c.flush();
    expect(ns()).toEqual([0, 1, 2, 3, 4, 6, 7]);
    expect(letters).toHaveLength(1);
    expect(letters[0]!.status).toBe(413);
  });

  it('counts duplicates the server reports', async () => {
    const c = client();
    await c.record({ ...ev(0), id: 'same' });
    await c.record({ ...ev(1), id: 'same' });
    await c.flush();
    expect(c.stats()).toMatchObject({ delivered: 2, duplicates: 1 });
    expect(server.stored).toHaveLength(1);
  });

  it('stores once a batch whose answer was lost, by resending the same ids', async () => {
    let calls = 0;
    server.script = (events) => {
      if (++calls > 1) return undefined;
      server.storeBatch(events); // committed, then the answer never arrives
      return { status: 502, body: { error: { code: 'bad_gateway', message: 'proxy' } } };
    };
    const c = client({ spool: { dir } });
    for (const n of range(5)) c.tryRecord(ev(n));
    await c.flush();
    expect(ns()).toEqual(range(5));
    expect(c.stats()).toMatchObject({ delivered: 5, duplicates: 5, retries: 1 });
  });

  describe('backpressure', () => {
    const down = (): { open: () => void } => {
      let isDown = true;
      server.script = () =>
        isDown
          ? { status: 503, body: { error: { code: 'unavailable', message: 'down' } } }
          : undefined;
      return { open: () => (isDown = false) };
    };

    it('rejects with QueueFullError, and tryRecord drops, when full and overflow is reject', async () => {
      down();
      const c = client({ maxQueue: 3, overflow: 'reject' });
      for (const n of range(3)) await c.record(ev(n));
      await expect(c.record(ev(3))).rejects.toBeInstanceOf(QueueFullError);
      await expect(c.record(ev(3))).rejects.toThrow(
        /3 events are waiting for delivery \(maxQueue\)/,
      );
      expect(c.tryRecord(ev(4))).toBeUndefined();
      expect(c.stats()).toMatchObject({ queued: 3, dropped: 1 });
    });

    it('makes record wait for room when overflow is block, keeping record order', async () => {
      const gate = down();
      const c = client({ maxQueue: 2, batchSize: 1 });
      const done: number[] = [];
      const all = range(6).map((n) => c.record(ev(n)).then(() => done.push(n)));
      await new Promise((r) => setTimeout(r, 30));
      expect(done).toEqual([0, 1]);
      expect(c.stats().queued).toBe(2);
      gate.open();
      await Promise.all(all);
      await c.flush();
      expect(done).toEqual(range(6));
      expect(ns()).toEqual(range(6));
    });

    it('applies spool.maxBytes to the spool', async () => {
      down();
      const c = client({ spool: { dir, maxBytes: 2 ** 20, fsync: 'never' }, overflow: 'reject' });
      const big = { ...ev(0), metadata: { pad: 'x'.repeat(16_000) } };
      let n = 0;
      for (;;) {
        try {
          await c.record(big);
          n++;
        } catch (e) {
          expect(e).toBeInstanceOf(QueueFullError);
          break;
        }
      }
      expect(n).toBeGreaterThan(50);
      expect(c.stats().spooledBytes).toBeLessThanOrEqual(2 ** 20);
      expect(c.tryRecord(big)).toBeUndefined();
    });

    it('rejects blocked records when the client closes', async () => {
      down();
      const c = client({ maxQueue: 1 });
      await c.record(ev(0));
      const waiting = c.record(ev(1));
      const closed = c.close({ timeoutMs: 20 });
      await expect(waiting).rejects.toMatchObject({ code: 'closed' });
      expect(await closed).toEqual({ undelivered: 1 });
      await expect(c.record(ev(2))).rejects.toMatchObject({ code: 'closed' });
    });
  });

  describe('with a spool', () => {
    it('writes every event to the spool before sending it', async () => {
      let seen = 0;
      server.script = (events) => {
        // Write-ahead: the spool already holds what arrives here.
        const text = readFileSync(join(dir, 'seg-000000000001.log'), 'utf8');
        for (const e of events) if (text.includes(String(e.id))) seen++;
        return undefined;
      };
      const c = client({ spool: { dir } });
      for (const n of range(20)) await c.record(ev(n));
      await c.flush();
      expect(seen).toBe(20);
      expect(c.stats()).toMatchObject({ queued: 0, spooledBytes: 0 });
    });

    it('delivers events left from a previous run first, in order', async () => {
      const gate = { open: false };
      server.script = () =>
        gate.open
          ? undefined
          : { status: 503, body: { error: { code: 'unavailable', message: 'down' } } };
      const first = client({ spool: { dir } });
      for (const n of range(30)) await first.record(ev(n));
      expect(await first.close({ timeoutMs: 20 })).toEqual({ undelivered: 30 });
      gate.open = true;
      const second = client({ spool: { dir } });
      expect(second.stats().queued).toBe(30);
      for (const n of range(10, 30)) await second.record(ev(n));
      await second.flush();
      expect(ns()).toEqual(range(40));
      expect(second.stats()).toMatchObject({ queued: 0, delivered: 40 });
    });

    it('refuses a second client on the same spool directory', () => {
      client({ spool: { dir } });
      expect(() => client({ spool: { dir } })).toThrow(/in use by process/);
    });
  });

  it('checks its options', () => {
    expect(() => client({ url: 'ftp://x' })).toThrow(/url must be an absolute http/);
    expect(() => client({ token: '' })).toThrow(/token must be/);
    expect(() => client({ batchSize: 1001 })).toThrow(
      /batchSize must be an integer from 1 to 1000/,
    );
    expect(() => client({ tenant: 'Bad' })).toThrow(/tenant must match/);
    expect(() => client({ spool: { dir, fsync: 'sometimes' as never } })).toThrow(/spool.fsync/);
  });
});

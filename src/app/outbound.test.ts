import { describe, expect, it } from 'vitest';
import { LogWatch } from './log-watch.js';
import { DeliveryFailure } from '../core/outbound/delivery-failure.js';
import { backoffMs, OutboundDelivery, type DeliveryOptions } from './outbound.js';
import { SOLE_PROCESS, type Coordination, type Destination, type OutboundEvent } from './ports.js';
import { MemoryLog, MemoryOutboundStore } from './test-support/memory-outbound.js';
import { makeEvent } from './test-support/events.js';

const POLL = 1000;

/** A destination in memory: records accepted batches, fails while `failNext` > 0. */
class FakeDestination implements Destination {
  batches: number[][] = [];
  calls = 0;
  failNext = 0;
  closed = 0;
  send(events: readonly OutboundEvent[]): Promise<void> {
    this.calls++;
    if (this.failNext > 0) {
      this.failNext--;
      return Promise.reject(new Error(`receiver said no (${this.calls})`));
    }
    this.batches.push(events.map((e) => e.seq));
    return Promise.resolve();
  }
  close(): Promise<void> {
    this.closed++;
    return Promise.resolve();
  }
}

async function setup(n: number, opts: DeliveryOptions = {}) {
  const log = new MemoryLog();
  log.add(
    ...Array.from({ length: n }, (_, i) =>
      makeEvent({ tenant: 'acme', outcome: i % 3 === 0 ? 'failure' : 'success' }),
    ),
  );
  const store = {
    events: log.store,
    outbound: new MemoryOutboundStore(),
    coordination: SOLE_PROCESS,
  };
  const now = new Date().toISOString();
  await store.outbound.create(
    {
      id: 'os1',
      tenant: 'acme',
      name: 'fails',
      q: 'outcome:failure',
      enabled: true,
      destination: {
        type: 'webhook',
        url: 'http://x.test/',
        secret: 'k'.repeat(16),
        batch_size: 3,
      },
      createdAt: now,
      updatedAt: now,
      deletedAt: null,
    },
    { afterSeq: -1, delivered: 0, lastError: null, lastAttemptAt: null, failures: 0 },
  );
  const dest = new FakeDestination();
  const waits: number[] = [];
  const make = (
    coordination: Coordination = store.coordination,
    onError: (e: unknown) => void = () => {},
  ) =>
    new OutboundDelivery(
      {
        events: store.events,
        outbound: store.outbound,
        coordination,
        watch: new LogWatch(store.coordination),
        clock: { now: () => new Date() },
        destinations: () => dest,
      },
      {
        pollMs: POLL,
        random: () => 0.999,
        onError,
        sleep: async (ms, signal) => {
          if (ms !== POLL) waits.push(ms);
          if (!signal.aborted) await new Promise((r) => setTimeout(r, 2));
        },
        ...opts,
      },
    );
  return { store, log, dest, waits, make };
}

async function until(cond: () => Promise<boolean> | boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

const matching = (n: number) => Array.from({ length: n }, (_, i) => i).filter((i) => i % 3 === 0);

describe('outbound delivery', () => {
  it('sends matching entries in seq order, in batches, and persists the cursor', async () => {
    const { store, log, dest, make } = await setup(25);
    const job = make();
    job.start();
    await until(async () => (await store.outbound.cursor('os1'))?.afterSeq === 24);
    await job.stop();
    expect(dest.batches.flat()).toEqual(matching(25));
    expect(dest.batches.every((b) => b.length <= 3)).toBe(true);
    expect(await store.outbound.cursor('os1')).toMatchObject({ delivered: 9, failures: 0 });
    expect(dest.closed).toBe(1);

    // A new job (a restart) resumes after the cursor: new entries only.
    log.add(...Array.from({ length: 6 }, () => makeEvent({ tenant: 'acme', outcome: 'failure' })));
    const again = make();
    again.start();
    await until(async () => (await store.outbound.cursor('os1'))?.afterSeq === 30);
    await again.stop();
    expect(dest.batches.flat()).toEqual([...matching(25), 25, 26, 27, 28, 29, 30]);
  });

  it('retries with exponential backoff and full jitter, keeping order', async () => {
    const { store, dest, waits, make } = await setup(10);
    dest.failNext = 4;
    const job = make();
    job.start();
    await until(async () => (await store.outbound.cursor('os1'))?.afterSeq === 9);
    await job.stop();
    expect(waits).toEqual([499, 999, 1998, 3996]);
    expect(dest.batches.flat()).toEqual(matching(10));
    const c = await store.outbound.cursor('os1');
    expect(c).toMatchObject({ failures: 0, delivered: 4, lastError: 'receiver said no (4)' });
    expect(await store.outbound.deadLetterCount('os1')).toBe(0);
  });

  it('writes a dead letter after max attempts, passes the batch and goes on', async () => {
    const { store, dest, make } = await setup(10, { maxAttempts: 3 });
    dest.failNext = 3;
    const job = make();
    job.start();
    await until(async () => (await store.outbound.cursor('os1'))?.afterSeq === 9);
    await job.stop();
    expect(dest.batches.flat()).toEqual([9]);
    expect(await store.outbound.deadLetters('os1', 10)).toMatchObject([
      { streamId: 'os1', fromSeq: 0, toSeq: 6, error: 'receiver said no (3)' },
    ]);
  });

  it('re-sends the batch whose cursor write failed (at least once), and nothing is skipped', async () => {
    const { store, dest, make } = await setup(10);
    const save = store.outbound.saveCursor.bind(store.outbound);
    let broken = 1;
    store.outbound.saveCursor = (id, c) => {
      if (c.delivered > 0 && broken-- > 0) return Promise.reject(new Error('disk full'));
      return save(id, c);
    };
    const errors: unknown[] = [];
    const job = make(store.coordination, (e) => errors.push(e));
    job.start();
    await until(async () => (await store.outbound.cursor('os1'))?.afterSeq === 9);
    await job.stop();
    expect(errors).toHaveLength(1);
    expect(dest.batches).toEqual([[0, 3, 6], [0, 3, 6], [9]]);
  });

  it('waits at least what the receiver asked for, and logs every attempt', async () => {
    const { store, dest, waits, make } = await setup(10, { maxAttempts: 3 });
    const send = dest.send.bind(dest);
    let calls = 0;
    dest.send = (events) =>
      ++calls <= 3
        ? Promise.reject(
            new DeliveryFailure(`busy (${calls})`, { status: 429, retryAfterMs: 5000 * calls }),
          )
        : send(events);
    const job = make();
    job.start();
    await until(async () => (await store.outbound.cursor('os1'))?.afterSeq === 9);
    await job.stop();
    // Jitter 0.999 of 500 ms and 1 s is below the requested 5 s and 10 s; the third failure
    // dead-letters the batch without a wait.
    expect(waits).toEqual([5000, 10_000]);
    expect(
      job.attempts('os1').map((a) => [a.outcome, a.attempt, a.fromSeq, a.toSeq, a.status]),
    ).toEqual([
      ['delivered', 1, 9, 9, null],
      ['dead_lettered', 3, 0, 6, 429],
      ['failed', 2, 0, 6, 429],
      ['failed', 1, 0, 6, 429],
    ]);
    expect(job.attempts('os1', 1)).toHaveLength(1);
    expect(job.attempts('other')).toEqual([]);
  });

  it('caps the backoff', () => {
    expect(backoffMs(0, 500, 60_000, 0.5)).toBe(250);
    expect(backoffMs(30, 500, 60_000, 0.999)).toBe(59_940);
  });

  it('stops a disabled stream and does not deliver while not leading', async () => {
    const { store, dest, make } = await setup(4);
    await store.outbound.update('os1', { enabled: false, updatedAt: 'later' });
    const job = make();
    job.start();
    await job.sync();
    await new Promise((r) => setTimeout(r, 30));
    await job.stop();
    expect(dest.calls).toBe(0);

    await store.outbound.update('os1', { enabled: true, updatedAt: 'later still' });
    const standby = make({ isLeader: () => false, onRemoteAppend: () => () => {} });
    standby.start();
    await standby.sync();
    await new Promise((r) => setTimeout(r, 30));
    await standby.stop();
    expect(dest.calls).toBe(0);
    expect((await store.outbound.cursor('os1'))?.afterSeq).toBe(-1);
  });
});

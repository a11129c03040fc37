/**
 * The Veritrail client (docs/sdk.md): validates events where they are recorded, queues them
 * (in memory, or write-ahead in the disk spool), and delivers them in batches, one request at
 * a time and in record order, retrying until the server acknowledges them. Resent events keep
 * their id, so the server stores each once (docs/api.md#post-v1events, `duplicate`).
 */
import type { EventInput } from '../core/event/schema.js';
import { Delivery, type Counts } from './delivery.js';
import { QueueFullError, VeritrailSdkError } from './errors.js';
import { resolveOptions, resolveSpool, type ClientOptions, type Resolved } from './options.js';
import { prepareEvent } from './prepare-event.js';
import { MemoryQueue, SpoolQueue, type EventQueue } from './queue.js';
import { Spool } from './spool/spool.js';

export interface ClientStats {
  /** Events recorded and not yet acknowledged (in memory or in the spool). */
  readonly queued: number;
  /** Spool bytes not yet acknowledged (0 without a spool). */
  readonly spooledBytes: number;
  /** Events the server acknowledged, duplicates included. */
  readonly delivered: number;
  /** Of those, events the server already had (a resend after a crash or a lost answer). */
  readonly duplicates: number;
  /** Failed requests that were retried. */
  readonly retries: number;
  /** Events the server refused, set aside as dead letters. */
  readonly deadLettered: number;
  /** Events not queued (`tryRecord` on a full queue) or damaged in the spool. */
  readonly dropped: number;
  readonly lastError: {
    readonly code: string;
    readonly message: string;
    readonly at: string;
  } | null;
}

export interface CloseResult {
  /** Events still unacknowledged: kept in the spool for the next start, or lost without one. */
  readonly undelivered: number;
}

interface Waiter {
  readonly target: number;
  readonly resolve: () => void;
  readonly reject: (e: unknown) => void;
  readonly timer: NodeJS.Timeout;
}

const closedError = (what: string) =>
  new VeritrailSdkError('closed', `the client is closed; ${what}`);

export function createClient(options: ClientOptions): VeritrailClient {
  return new VeritrailClient(options);
}

export class VeritrailClient {
  private readonly o: Resolved;
  private readonly queue: EventQueue;
  private readonly delivery: Delivery;
  private readonly hasSpool: boolean;
  private enqueued: number;
  private settled = 0;
  private readonly flushWaiters: Waiter[] = [];
  private readonly blocked: { json: string; resolve: () => void; reject: (e: unknown) => void }[] =
    [];
  private closing = false;
  private stopped = false;
  private closed: Promise<CloseResult> | undefined;
  private readonly counts: Counts = {
    delivered: 0,
    duplicates: 0,
    retries: 0,
    deadLettered: 0,
    dropped: 0,
  };
  private lastError: ClientStats['lastError'] = null;

  constructor(private readonly options: ClientOptions) {
    this.o = resolveOptions(options);
    if (options.spool) {
      const spool = Spool.open(resolveSpool(options.spool));
      this.queue = new SpoolQueue(spool);
      this.hasSpool = true;
      if (spool.truncatedOnOpen > 0)
        this.report(
          new VeritrailSdkError(
            'spool_corrupt',
            `cut ${spool.truncatedOnOpen} bytes of an interrupted write off the end of the spool`,
          ),
        );
    } else {
      this.queue = new MemoryQueue(this.o.maxQueue);
      this.hasSpool = false;
    }
    this.enqueued = this.queue.count;
    const transport = { ...this.o, fetch: options.fetch ?? globalThis.fetch.bind(globalThis) };
    this.delivery = new Delivery(this.queue, transport, this.o, this.counts, {
      urgent: () => this.flushWaiters.length > 0 || this.closing,
      settled: (n) => this.settle(n),
      report: (e) => this.report(e),
      onDeadLetter: options.onDeadLetter,
    });
    this.delivery.kick(true);
  }

  /**
   * Validates and queues one event; resolves with its id once it is queued (and, with a spool,
   * written to it as the fsync mode promises). Fills `id` (UUIDv7), `occurred_at` and the
   * client's `tenant` when absent. Waits for room when full (`overflow: 'block'`), or throws
   * QueueFullError (`overflow: 'reject'`). Throws InvalidEventError for an invalid event.
   */
  async record(event: EventInput): Promise<string> {
    if (this.closing) throw closedError('the event was not recorded');
    const { id, json } = prepareEvent(event, this.o.tenant);
    if (this.blocked.length === 0 && this.queue.hasRoom(json)) this.append(json);
    else {
      if (!this.queue.fitsAtAll(json))
        throw new QueueFullError('the event is larger than spool.maxBytes');
      if (this.o.overflow === 'reject') throw new QueueFullError(this.fullMessage());
      await new Promise<void>((resolve, reject) => this.blocked.push({ json, resolve, reject }));
    }
    await this.queue.sync();
    return id;
  }

  /**
   * Queues one event without ever waiting: its id, or undefined (counted in `dropped`) when
   * the queue is full or the client closed. With a spool the event is written synchronously
   * (its fsync follows shortly in `batch` mode). Throws InvalidEventError for an invalid event.
   */
  tryRecord(event: EventInput): string | undefined {
    const { id, json } = prepareEvent(event, this.o.tenant);
    if (this.closing || this.blocked.length > 0 || !this.queue.hasRoom(json)) {
      this.counts.dropped++;
      return undefined;
    }
    try {
      this.append(json);
    } catch (e) {
      this.counts.dropped++;
      this.report(e);
      return undefined;
    }
    this.queue.sync().catch((e: unknown) => this.report(e));
    return id;
  }

  /** Resolves once every event recorded before the call is acknowledged (or set aside). */
  flush(opts: { timeoutMs?: number } = {}): Promise<void> {
    const target = this.enqueued;
    if (this.settled >= target) return Promise.resolve();
    if (this.stopped) return Promise.reject(closedError('nothing more will be delivered'));
    const timeoutMs = opts.timeoutMs ?? 30_000;
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        const i = this.flushWaiters.indexOf(waiter);
        if (i !== -1) this.flushWaiters.splice(i, 1);
        const last = this.lastError ? `; last error: ${this.lastError.message}` : '';
        reject(
          new VeritrailSdkError(
            'flush_timeout',
            `${target - this.settled} events not acknowledged after ${timeoutMs} ms${last}`,
          ),
        );
      }, timeoutMs);
      const waiter: Waiter = { target, resolve, reject, timer };
      this.flushWaiters.push(waiter);
      this.delivery.kick(true);
    });
  }

  /**
   * Flushes (up to `timeoutMs`, default 10 s), then stops: no more records, timers cleared,
   * spool closed and unlocked. Undelivered events stay in the spool for the next start.
   */
  close(opts: { timeoutMs?: number } = {}): Promise<CloseResult> {
    this.closed ??= this.shutdown(opts.timeoutMs ?? 10_000);
    return this.closed;
  }

  stats(): ClientStats {
    return {
      queued: this.queue.count,
      spooledBytes: this.queue.bytes,
      ...this.counts,
      lastError: this.lastError,
    };
  }

  private async shutdown(timeoutMs: number): Promise<CloseResult> {
    this.closing = true;
    for (const b of this.blocked.splice(0)) b.reject(closedError('the event was not recorded'));
    try {
      await this.flush({ timeoutMs });
    } catch {
      // Undelivered events stay in the spool (or are lost without one): see `undelivered`.
    }
    this.stopped = true;
    await this.delivery.stop();
    for (const w of this.flushWaiters.splice(0)) {
      clearTimeout(w.timer);
      w.reject(closedError('nothing more will be delivered'));
    }
    const undelivered = this.queue.count;
    this.queue.close();
    return { undelivered };
  }

  private append(json: string): void {
    this.queue.append(json);
    this.enqueued++;
    this.delivery.kick(this.queue.count >= this.o.batchSize);
  }

  /** `count` events left the head of the queue: wake flushes and blocked records. */
  private settle(count: number): void {
    this.settled += count;
    while (this.flushWaiters[0] !== undefined && this.flushWaiters[0].target <= this.settled) {
      const w = this.flushWaiters.shift()!;
      clearTimeout(w.timer);
      w.resolve();
    }
    // Room was made: queue blocked records, in the order they were made.
    while (this.blocked[0] !== undefined && this.queue.hasRoom(this.blocked[0].json)) {
      const b = this.blocked.shift()!;
      try {
        this.append(b.json);
        b.resolve();
      } catch (e) {
        b.reject(e);
      }
    }
  }

  private fullMessage(): string {
    return this.hasSpool
      ? `the spool holds ${this.queue.bytes} undelivered bytes (spool.maxBytes)`
      : `${this.queue.count} events are waiting for delivery (maxQueue)`;
  }

  private report(e: unknown): void {
    const err = e instanceof Error ? e : new Error(String(e));
    const code = err instanceof VeritrailSdkError ? err.code : 'internal';
    this.lastError = { code, message: err.message, at: new Date().toISOString() };
    try {
      this.options.onError?.(err);
    } catch {
      // A throwing callback must not stop delivery.
    }
  }
}

/**
 * Outbound delivery (docs/outbound.md): for each enabled stream, the leader reads the log
 * after the stream's persisted cursor, filters with the stream's query and sends batches in
 * seq order. The cursor moves only after the destination accepted a batch, so a crash between
 * the two re-sends that batch (at least once), and batch k+1 never leaves before k is accepted
 * (order per stream). A batch that fails `maxAttempts` times becomes a dead letter and is
 * passed. Backoff: exponential with full jitter, and at least what a receiver asked for
 * (`Retry-After`). The last attempts of each stream are kept in memory (`attempts`).
 */
import { abortableSleep } from './abortable-sleep.js';
import { failureDetail } from '../core/outbound/delivery-failure.js';
import { compileMatcher, parseQuery, type EventMatcher } from '../core/query/index.js';
import type { LogWatch } from './log-watch.js';
import type {
  Clock,
  Coordination,
  Destination,
  DestinationFactory,
  EventStore,
  OutboundCursor,
  OutboundEvent,
  OutboundStore,
  OutboundStreamRecord,
} from './ports.js';

export interface DeliveryOptions {
  readonly maxAttempts?: number;
  readonly backoffBaseMs?: number;
  readonly backoffCapMs?: number;
  /** How often the streams and logs are polled, whatever the notices say (default 1000 ms). */
  readonly pollMs?: number;
  /** Entries read from the log per step (default 1000). */
  readonly readChunk?: number;
  /** [0, 1): the jitter (tests inject it). */
  readonly random?: () => number;
  /** Waits `ms` or until `signal` fires (tests inject a fake). */
  readonly sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  readonly onError?: (e: unknown) => void;
}

export interface DeliveryDeps {
  readonly events: EventStore;
  readonly outbound: OutboundStore;
  readonly coordination: Coordination;
  readonly watch: LogWatch;
  readonly clock: Clock;
  readonly destinations: DestinationFactory;
}

/** One attempt to send one batch (GET /v1/outbound-streams/{id}/deliveries). */
export interface DeliveryAttempt {
  readonly at: string;
  /** `dead_lettered`: the last failed attempt, after which the batch was passed. */
  readonly outcome: 'delivered' | 'failed' | 'dead_lettered';
  /** 1 for the first attempt of a batch. */
  readonly attempt: number;
  readonly fromSeq: number;
  readonly toSeq: number;
  readonly events: number;
  /** HTTP status or SMTP reply code, when the receiver answered. */
  readonly status: number | null;
  readonly error: string | null;
}

/** Attempts kept per stream, newest last. */
export const ATTEMPTS_KEPT = 100;

/** Full jitter (AWS Architecture Blog, "Exponential Backoff and Jitter"). */
export function backoffMs(attempt: number, base: number, cap: number, random: number): number {
  return Math.floor(random * Math.min(cap, base * 2 ** attempt));
}

const realSleep = abortableSleep;

const describeError = (e: unknown): string =>
  (e instanceof Error ? e.message : String(e)).slice(0, 1000);

class StreamWorker {
  private readonly stopping = new AbortController();
  private wakeUp = new AbortController();
  private readonly destination: Destination;
  private readonly matcher: EventMatcher;
  private readonly batchSize: number;
  readonly done: Promise<void>;

  constructor(
    readonly stream: OutboundStreamRecord,
    private readonly deps: DeliveryDeps,
    private readonly opts: Required<Omit<DeliveryOptions, 'onError'>> & {
      onError: (e: unknown) => void;
    },
    private readonly record: (a: DeliveryAttempt) => void = () => {},
  ) {
    this.matcher = compileMatcher(parseQuery(stream.q));
    this.batchSize = stream.destination.batch_size;
    this.destination = deps.destinations(stream);
    this.done = this.loop();
  }

  wake(): void {
    this.wakeUp.abort();
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    this.wakeUp.abort();
    await this.destination.close().catch(this.opts.onError);
    await this.done;
  }

  private get stopped(): boolean {
    return this.stopping.signal.aborted;
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      let progressed = false;
      try {
        progressed = await this.step();
      } catch (e) {
        this.opts.onError(e);
      }
      if (progressed || this.stopped) continue;
      const wake = this.wakeUp;
      await this.opts.sleep(this.opts.pollMs, wake.signal);
      if (wake.signal.aborted) this.wakeUp = new AbortController();
    }
  }

  /** One chunk of the log after the cursor: true when the cursor moved. */
  private async step(): Promise<boolean> {
    const { events, outbound } = this.deps;
    let cursor = await outbound.cursor(this.stream.id);
    if (!cursor) return false;
    const size = await events.size(this.stream.tenant);
    const start = cursor.afterSeq + 1;
    if (start >= size) return false;
    const end = Math.min(size, start + this.opts.readChunk);
    const records = await events.range(this.stream.tenant, start, end);
    if (records.length === 0) return false; // nothing readable yet: wait, never spin
    const matched: OutboundEvent[] = [];
    for (const r of records)
      if (r.event !== null && this.matcher(r.event)) matched.push({ ...r.event, seq: r.seq });
    const last = records.at(-1)?.seq ?? start - 1;
    for (let i = 0; i < matched.length; i += this.batchSize) {
      const batch = matched.slice(i, i + this.batchSize);
      const through = i + this.batchSize >= matched.length ? last : batch.at(-1)!.seq;
      const next = await this.deliver(batch, cursor, through);
      if (!next) return false; // stopping: the cursor stays, the batch goes again later
      cursor = next;
    }
    if (cursor.afterSeq < last) {
      cursor = { ...cursor, afterSeq: last };
      await outbound.saveCursor(this.stream.id, cursor);
    }
    return true;
  }

  /** Sends one batch until accepted or dead-lettered; the new cursor, or undefined on stop. */
  private async deliver(
    batch: readonly OutboundEvent[],
    cursor: OutboundCursor,
    through: number,
  ): Promise<OutboundCursor | undefined> {
    const { outbound, clock } = this.deps;
    const id = this.stream.id;
    for (let attempt = 0; ; attempt++) {
      if (this.stopped) return undefined;
      const at = clock.now().toISOString();
      const tried = {
        at,
        attempt: attempt + 1,
        fromSeq: batch[0]!.seq,
        toSeq: batch.at(-1)!.seq,
        events: batch.length,
      };
      let failure: { error: unknown } | undefined;
      try {
        await this.destination.send(batch);
      } catch (e) {
        failure = { error: e };
      }
      if (failure === undefined) {
        // Outside the try: a failed cursor write is not the receiver's failure. It propagates,
        // and the next step re-reads the old cursor and sends this batch again.
        const next: OutboundCursor = {
          ...cursor,
          afterSeq: through,
          delivered: cursor.delivered + batch.length,
          lastAttemptAt: at,
          failures: 0,
        };
        this.record({ ...tried, outcome: 'delivered', status: null, error: null });
        await outbound.saveCursor(id, next);
        return next;
      }
      if (this.stopped) return undefined;
      const error = describeError(failure.error);
      const detail = failureDetail(failure.error);
      const last = attempt + 1 >= this.opts.maxAttempts;
      this.record({
        ...tried,
        outcome: last ? 'dead_lettered' : 'failed',
        status: detail.status ?? null,
        error,
      });
      cursor = { ...cursor, lastError: error, lastAttemptAt: at, failures: cursor.failures + 1 };
      if (last) {
        await outbound.addDeadLetter({
          streamId: id,
          fromSeq: batch[0]!.seq,
          toSeq: batch.at(-1)!.seq,
          error,
          at,
        });
        const next = { ...cursor, afterSeq: through, failures: 0 };
        await outbound.saveCursor(id, next);
        return next;
      }
      await outbound.saveCursor(id, cursor);
      // A receiver's Retry-After (bounded by the adapter) is a floor: sooner would be refused.
      const wait = Math.max(
        backoffMs(attempt, this.opts.backoffBaseMs, this.opts.backoffCapMs, this.opts.random()),
        detail.retryAfterMs ?? 0,
      );
      await this.opts.sleep(wait, this.stopping.signal);
    }
  }
}

export class OutboundDelivery {
  private readonly workers = new Map<string, StreamWorker>();
  /** The last attempts per stream, newest last; kept across worker restarts. */
  private readonly log = new Map<string, DeliveryAttempt[]>();
  private readonly opts: Required<Omit<DeliveryOptions, 'onError'>> & {
    onError: (e: unknown) => void;
  };
  private timer: NodeJS.Timeout | undefined;
  private unsubscribe: (() => void) | undefined;
  private syncing: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly deps: DeliveryDeps,
    opts: DeliveryOptions = {},
  ) {
    this.opts = {
      maxAttempts: opts.maxAttempts ?? 10,
      backoffBaseMs: opts.backoffBaseMs ?? 500,
      backoffCapMs: opts.backoffCapMs ?? 60_000,
      pollMs: opts.pollMs ?? 1000,
      readChunk: opts.readChunk ?? 1000,
      random: opts.random ?? Math.random,
      sleep: opts.sleep ?? realSleep,
      onError: opts.onError ?? (() => {}),
    };
  }

  start(): void {
    if (this.timer) return;
    this.stopped = false;
    this.unsubscribe = this.deps.watch.subscribe((g) => {
      for (const w of this.workers.values()) if (w.stream.tenant === g.tenant) w.wake();
    });
    this.timer = setInterval(() => void this.sync(), this.opts.pollMs);
    this.timer.unref();
    void this.sync();
  }

  /** Starts, restarts (changed configuration) and stops stream workers to match the store. */
  sync(): Promise<void> {
    this.syncing ??= this.reconcile()
      .catch(this.opts.onError)
      .finally(() => (this.syncing = undefined));
    return this.syncing;
  }

  private async reconcile(): Promise<void> {
    const wanted = new Map<string, OutboundStreamRecord>();
    if (!this.stopped && this.deps.coordination.isLeader()) {
      const all = await this.deps.outbound.list();
      for (const s of all) if (s.enabled) wanted.set(s.id, s);
      const live = new Set(all.map((s) => s.id));
      for (const id of this.log.keys()) if (!live.has(id)) this.log.delete(id);
    }
    for (const [id, w] of this.workers) {
      const s = wanted.get(id);
      if (s && s.updatedAt === w.stream.updatedAt) continue;
      this.workers.delete(id);
      await w.stop();
    }
    if (this.stopped) return;
    for (const [id, s] of wanted) {
      if (this.workers.has(id)) continue;
      try {
        this.workers.set(
          id,
          new StreamWorker(s, this.deps, this.opts, (a) => this.remember(id, a)),
        );
      } catch (e) {
        this.opts.onError(e);
      }
    }
  }

  private remember(id: string, a: DeliveryAttempt): void {
    let list = this.log.get(id);
    if (list === undefined) this.log.set(id, (list = []));
    list.push(a);
    if (list.length > ATTEMPTS_KEPT) list.splice(0, list.length - ATTEMPTS_KEPT);
  }

  /**
   * The last `limit` attempts of a stream made by this process, newest first. In memory: empty
   * after a restart, and on a node that does not lead the background jobs.
   */
  attempts(streamId: string, limit = ATTEMPTS_KEPT): DeliveryAttempt[] {
    return (this.log.get(streamId) ?? []).slice(-Math.max(1, limit)).reverse();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.unsubscribe?.();
    await this.syncing;
    const all = [...this.workers.values()];
    this.workers.clear();
    await Promise.all(all.map((w) => w.stop()));
  }
}

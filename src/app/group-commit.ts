/**
 * Group commit (ARCHITECTURE §4): callers that arrive while a transaction is in flight are
 * queued and committed together in the next one, so throughput grows with load while each
 * caller still resolves only after its own events are durable.
 */
import { VeritrailError } from '../core/errors.js';
import type { AppendInput, Appended, EventStore } from './ports.js';

interface Waiter {
  readonly batch: readonly AppendInput[];
  readonly resolve: (r: Appended[]) => void;
  readonly reject: (e: unknown) => void;
}

export class GroupCommit {
  private queue: Waiter[] = [];
  private queued = 0;
  private inFlight = 0;

  constructor(
    private readonly store: Pick<EventStore, 'append'>,
    /** Most events in one transaction; a single larger request still commits alone. */
    private readonly maxEvents = 5000,
    /**
     * Groups handed to the store at once. Several keep a writer thread busy: the next group is
     * queued behind the one committing instead of waiting for its reply, while this thread
     * validates the requests after it. A store may merge waiting groups into one transaction
     * (the SQLite writer does): a failure then rejects every caller in it, and nothing of
     * theirs is stored.
     */
    private readonly maxInFlight = 4,
    /**
     * Backpressure: past this many waiting events new requests are refused (503, retry)
     * rather than held in memory while the store falls further behind.
     */
    private readonly maxQueued = 100_000,
  ) {}

  /** Events waiting to be handed to the store (not those already committing): a gauge. */
  get queuedEvents(): number {
    return this.queued;
  }

  append(batch: readonly AppendInput[]): Promise<Appended[]> {
    if (batch.length === 0) return Promise.resolve([]);
    if (this.queued + batch.length > this.maxQueued) {
      return Promise.reject(
        new VeritrailError(
          'unavailable',
          `ingest is saturated (${this.queued} events waiting to be committed); retry shortly`,
        ),
      );
    }
    this.queued += batch.length;
    return new Promise((resolve, reject) => {
      this.queue.push({ batch, resolve, reject });
      if (this.inFlight < this.maxInFlight) void this.flush();
    });
  }

  private async flush(): Promise<void> {
    this.inFlight++;
    while (this.queue.length > 0) {
      const group: Waiter[] = [];
      let n = 0;
      while (
        this.queue.length > 0 &&
        (group.length === 0 || n + this.queue[0]!.batch.length <= this.maxEvents)
      ) {
        const w = this.queue.shift()!;
        group.push(w);
        n += w.batch.length;
      }
      this.queued -= n;
      const rows = group.length === 1 ? group[0]!.batch : group.flatMap((w) => w.batch);
      try {
        const results = await this.store.append(rows);
        let at = 0;
        for (const w of group) {
          w.resolve(results.slice(at, at + w.batch.length));
          at += w.batch.length;
        }
      } catch (e) {
        for (const w of group) w.reject(e);
      }
    }
    this.inFlight--;
  }
}

/**
 * Delivery of queued events (docs/sdk.md#delivery): one batch in flight at a time, taken from
 * the head of the queue, so the server's order is the record order. Transient failures are
 * retried with backoff; events the server refuses are set aside as dead letters so they never
 * block the queue.
 */
import type { Issue } from '../core/errors.js';
import { backoffDelay, type BackoffPolicy } from './backoff.js';
import { deadLetterLine, parseEvent, type DeadLetter } from './dead-letter.js';
import { VeritrailSdkError } from './errors.js';
import { SpoolQueue, type EventQueue, type QueueEntry } from './queue.js';
import { sendBatch, type SendOutcome, type TransportConfig } from './transport.js';

export interface DeliveryConfig extends BackoffPolicy {
  readonly batchSize: number;
  readonly maxBatchBytes: number;
  readonly flushIntervalMs: number;
}

export interface Counts {
  delivered: number;
  duplicates: number;
  retries: number;
  deadLettered: number;
  dropped: number;
}

export interface DeliveryHooks {
  /** Whether to send the next batch at once, full or not (a flush or close is waiting). */
  urgent(): boolean;
  /** `count` events left the head of the queue (acknowledged or set aside). */
  settled(count: number): void;
  report(e: unknown): void;
  onDeadLetter: ((letter: DeadLetter) => void) | undefined;
}

type Refusal = Extract<SendOutcome, { kind: 'refused' | 'too_large' }>;

interface Pending {
  readonly entry: QueueEntry;
  /** Damaged, or set aside: never (re)sent, but acknowledged with its batch. */
  skip: boolean;
}

export class Delivery {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private readonly stopCtl = new AbortController();
  private wake: (() => void) | undefined;
  private stopped = false;

  constructor(
    private readonly queue: EventQueue,
    private readonly transport: TransportConfig,
    private readonly c: DeliveryConfig,
    private readonly counts: Counts,
    private readonly hooks: DeliveryHooks,
  ) {}

  /** Starts a delivery run now, or after flushIntervalMs to gather a fuller batch. */
  kick(now: boolean): void {
    if (this.running !== undefined || this.stopped || this.queue.count === 0) return;
    if (now || this.c.flushIntervalMs === 0) return this.start();
    if (this.timer === undefined) {
      this.timer = setTimeout(() => this.start(), this.c.flushIntervalMs);
      this.timer.unref();
    }
  }

  /** Aborts the request in flight and any backoff; resolves once the run has ended. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.stopCtl.abort();
    this.wake?.();
    await this.running;
  }

  private start(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.running !== undefined || this.stopped) return;
    let failed = false;
    this.running = this.run()
      .catch((e: unknown) => {
        failed = true;
        this.hooks.report(e);
      })
      .finally(() => {
        this.running = undefined;
        if (this.stopped || this.queue.count === 0) return;
        if (!failed) return this.kick(this.hooks.urgent());
        // A spool I/O error: try again later rather than spinning.
        this.timer = setTimeout(() => this.start(), Math.max(this.c.flushIntervalMs, 1000));
        this.timer.unref();
      });
  }

  private async run(): Promise<void> {
    do {
      const batch = this.queue.read(this.c.batchSize, this.c.maxBatchBytes);
      if (batch.length === 0) return;
      await this.deliver(batch);
    } while (!this.stopped && (this.queue.count >= this.c.batchSize || this.hooks.urgent()));
  }

  private async deliver(batch: readonly QueueEntry[]): Promise<void> {
    let rest: Pending[] = batch.map((entry) => ({ entry, skip: entry.json === null }));
    const damaged = rest.filter((p) => p.skip).length;
    if (damaged > 0) {
      this.counts.dropped += damaged;
      this.hooks.report(
        new VeritrailSdkError('spool_corrupt', `skipped ${damaged} damaged records in the spool`),
      );
    }
    let limit = rest.length;
    let attempt = 0;
    while (rest.length > 0 && !this.stopped) {
      const part = rest.slice(0, limit);
      const send = part.filter((p) => !p.skip);
      if (send.length === 0) {
        this.settle(part);
        rest = rest.slice(part.length);
        continue;
      }
      const jsons = send.map((p) => p.entry.json!);
      const out = await sendBatch(this.transport, jsons, this.stopCtl.signal);
      switch (out.kind) {
        case 'ok':
          this.counts.delivered += send.length;
          this.counts.duplicates += out.duplicates;
          this.settle(part);
          rest = rest.slice(part.length);
          attempt = 0;
          break;
        case 'refused': {
          // Nothing of the batch was stored: set aside what the details name, resend the rest.
          const indices = out.indices;
          const named = indices !== undefined && [...indices].every((i) => i < send.length);
          send.forEach((p, i) => {
            if (named && !indices.has(i)) return;
            p.skip = true;
            this.deadLetter(p.entry.json!, out, named ? issuesOf(out.issues, i) : out.issues);
          });
          break;
        }
        case 'too_large':
          if (send.length > 1) limit = Math.max(1, Math.floor(part.length / 2));
          else {
            send[0]!.skip = true;
            this.deadLetter(send[0]!.entry.json!, out, []);
          }
          break;
        case 'retry':
          if (this.stopped) return;
          this.counts.retries++;
          this.hooks.report(out.error);
          await this.sleep(backoffDelay(this.c, attempt++, out.retryAfterMs ?? 0));
          break;
      }
    }
  }

  private settle(part: readonly Pending[]): void {
    const last = part[part.length - 1];
    if (last === undefined) return;
    this.queue.ack(part.length, last.entry);
    this.hooks.settled(part.length);
  }

  private deadLetter(json: string, out: Refusal, issues: readonly Issue[]): void {
    const at = new Date().toISOString();
    const letter = { status: out.status, code: out.code, message: out.message, issues, at };
    if (this.queue instanceof SpoolQueue)
      this.queue.spool.appendDeadLetter(deadLetterLine(json, letter));
    this.counts.deadLettered++;
    const first = issues[0];
    this.hooks.report(
      new VeritrailSdkError(
        'http',
        `the server refused an event (${out.status} ${out.code}: ${
          first ? `${first.path} ${first.message}` : out.message
        }); set aside as a dead letter`,
        issues,
        { status: out.status },
      ),
    );
    try {
      this.hooks.onDeadLetter?.({ event: parseEvent(json), ...letter });
    } catch {
      // A throwing callback must not stop delivery.
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      timer.unref();
      this.wake = done;
    });
  }
}

/** The details about event `i` of a batch, with paths relative to the event. */
function issuesOf(issues: readonly Issue[], i: number): Issue[] {
  const prefix = `events.${i}`;
  return issues
    .filter((x) => x.path === prefix || x.path.startsWith(`${prefix}.`))
    .map((x) => ({ ...x, path: x.path === prefix ? '(event)' : x.path.slice(prefix.length + 1) }));
}

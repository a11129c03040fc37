/**
 * Where the syslog listeners put messages (docs/sources/syslog.md "Limits"): parse, map and
 * validate each one on its own, so one bad message never rejects others, then append in
 * batches (500 events, or whatever arrived within 50 ms). One batch is in flight at a time;
 * the group commit behind `ingest` batches further. Appends that fail (the store is down) are
 * counted and logged, and the listeners keep running.
 */
import type { Services } from '../app/services.js';
import { VeritrailError } from '../core/errors.js';
import { eventInputSchema, type EventInput } from '../core/event/index.js';
import { notSyslog, parseSyslog } from '../core/receive/syslog.js';
import { syslogEvent } from '../core/receive/syslog-event.js';

export const RECEIVER = 'syslog';

export interface SinkOptions {
  readonly tenant: string;
  readonly batchSize?: number;
  readonly flushMs?: number;
  /** Events waiting beyond this are dropped (counted `failed`): UDP cannot be slowed down. */
  readonly maxQueued?: number;
  readonly log: (line: string) => void;
}

type SinkServices = Pick<Services, 'ingest' | 'metrics' | 'clock'>;

/** Logs a kind of problem at most once per interval, with how many were not logged. */
export class ThrottledLog {
  private readonly last = new Map<string, { at: number; suppressed: number }>();
  constructor(
    private readonly log: (line: string) => void,
    private readonly intervalMs = 60_000,
  ) {}

  warn(kind: string, line: string): void {
    const now = Date.now();
    const seen = this.last.get(kind);
    if (seen && now - seen.at < this.intervalMs) {
      seen.suppressed++;
      return;
    }
    const more = seen && seen.suppressed > 0 ? ` (and ${seen.suppressed} more like it)` : '';
    this.last.set(kind, { at: now, suppressed: 0 });
    this.log(`syslog: ${line}${more}`);
  }
}

/** A short printable excerpt of untrusted bytes for a log line: never the whole message. */
export const excerpt = (bytes: Uint8Array, n = 60): string => {
  const s = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, n))
    .toString('latin1')
    .replace(/[^\x20-\x7e]/g, '?');
  return JSON.stringify(bytes.byteLength > n ? `${s}...` : s);
};

export class SyslogSink {
  private queue: EventInput[] = [];
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private failing = false;
  private busy = false;
  private readonly batchSize: number;
  private readonly flushMs: number;
  private readonly maxQueued: number;
  readonly warnings: ThrottledLog;
  /** Told when the queue passes its high mark (true) and when it has drained (false). */
  onPressure: (high: boolean) => void = () => {};

  constructor(
    private readonly services: SinkServices,
    private readonly opts: SinkOptions,
  ) {
    this.batchSize = opts.batchSize ?? 500;
    this.flushMs = opts.flushMs ?? 50;
    this.maxQueued = opts.maxQueued ?? 20 * this.batchSize;
    this.warnings = new ThrottledLog(opts.log);
  }

  count(outcome: 'appended' | 'duplicate' | 'skipped' | 'failed', n = 1): void {
    this.services.metrics.recordsReceived(RECEIVER, outcome, n);
  }

  /** Skips a message the listener refused (too large, truncated), naming why. */
  skip(kind: string, why: string): void {
    this.count('skipped');
    this.warnings.warn(kind, why);
  }

  /** One received message (its bytes, no framing) from `senderIp`. Never throws. */
  accept(bytes: Uint8Array, senderIp: string | undefined): void {
    let event: EventInput;
    try {
      const m = parseSyslog(bytes, this.services.clock.now());
      const not = notSyslog(m);
      if (not !== undefined) return this.skip('garbage', `skipped ${excerpt(bytes)}: ${not}`);
      event = syslogEvent(m, {
        tenant: this.opts.tenant,
        ...(senderIp === undefined ? {} : { senderIp }),
      });
    } catch (e) {
      // A parser bug must not take the listener down; the message is reported, not lost silently.
      return this.skip('error', `could not map a message ${excerpt(bytes)}: ${String(e)}`);
    }
    const valid = eventInputSchema.safeParse(event);
    if (!valid.success) {
      const issue = valid.error.issues[0];
      return this.skip(
        'invalid',
        `skipped a message ${excerpt(bytes)}: ${issue?.path.join('.') ?? ''} ${issue?.message ?? ''}`,
      );
    }
    if (this.queue.length >= this.maxQueued) {
      this.count('failed');
      this.warnings.warn('overload', `dropped a message: ${this.maxQueued} events already wait`);
      return;
    }
    this.queue.push(event);
    if (!this.busy && this.queue.length >= 4 * this.batchSize) {
      this.busy = true;
      this.onPressure(true);
    }
    if (this.running) return;
    if (this.queue.length >= this.batchSize) this.kick();
    else this.timer ??= setTimeout(() => this.kick(), this.flushMs);
  }

  private kick(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.running || this.queue.length === 0) return;
    this.running = this.drain().finally(() => {
      this.running = undefined;
      if (this.queue.length > 0) this.kick();
    });
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      await this.write(this.queue.splice(0, this.batchSize));
      if (this.busy && this.queue.length < this.batchSize) {
        this.busy = false;
        this.onPressure(false);
      }
    }
  }

  private async write(batch: EventInput[]): Promise<void> {
    try {
      const appended = await this.services.ingest.ingest(batch, { kind: 'admin' }, RECEIVER);
      const duplicates = appended.filter((a) => a.duplicate).length;
      this.count('appended', appended.length - duplicates);
      this.count('duplicate', duplicates);
      if (this.failing) {
        this.failing = false;
        this.opts.log('syslog: appending events works again');
      }
    } catch (e) {
      const refused =
        e instanceof VeritrailError &&
        (e.code === 'validation_failed' || e.code === 'payload_too_large');
      // Checked one by one above, so a refusal is of the whole (e.g. an event too large once
      // canonical): retry singly, so only the refused event is skipped.
      if (refused && batch.length > 1) {
        for (const event of batch) await this.write([event]);
        return;
      }
      if (refused) return this.skip('invalid', `skipped a message: ${e.message}`);
      this.count('failed', batch.length);
      if (!this.failing) {
        this.failing = true;
        this.opts.log(`syslog: could not append ${batch.length} events: ${(e as Error).message}`);
      } else this.warnings.warn('failed', `still failing to append events`);
    }
  }

  /** Appends everything queued. */
  async close(): Promise<void> {
    this.kick();
    while (this.running) await this.running;
  }
}

/**
 * Where recorded events wait for delivery: in memory, or in the disk spool. Both hand out
 * batches from the head without consuming them; `ack` consumes a delivered head.
 */
import { Spool, type SpoolEntry } from './spool/spool.js';

export interface QueueEntry {
  /** The event's JSON; null for a damaged spool record (never sent). */
  readonly json: string | null;
  readonly bytes: number;
}

export interface EventQueue {
  /** Events not yet acknowledged. */
  readonly count: number;
  /** Spooled bytes not yet acknowledged (0 in memory). */
  readonly bytes: number;
  hasRoom(json: string): boolean;
  /** Whether the event could fit in an empty queue. */
  fitsAtAll(json: string): boolean;
  append(json: string): void;
  /** Resolves once appended events are durable (spool fsync mode); at once in memory. */
  sync(): Promise<void>;
  read(maxCount: number, maxBytes: number): QueueEntry[];
  /** Consumes the head up to and including `last`, which is the `count`-th entry. */
  ack(count: number, last: QueueEntry): void;
  close(): void;
}

export class MemoryQueue implements EventQueue {
  private items: QueueEntry[] = [];
  private head = 0;
  constructor(private readonly maxCount: number) {}

  get count(): number {
    return this.items.length - this.head;
  }
  get bytes(): number {
    return 0;
  }
  hasRoom(): boolean {
    return this.count < this.maxCount;
  }
  fitsAtAll(): boolean {
    return this.maxCount > 0;
  }
  append(json: string): void {
    this.items.push({ json, bytes: Buffer.byteLength(json) });
  }
  sync(): Promise<void> {
    return Promise.resolve();
  }
  read(maxCount: number, maxBytes: number): QueueEntry[] {
    const out: QueueEntry[] = [];
    let total = 0;
    for (let i = this.head; i < this.items.length && out.length < maxCount; i++) {
      const e = this.items[i]!;
      if (out.length > 0 && total + e.bytes > maxBytes) break;
      total += e.bytes;
      out.push(e);
    }
    return out;
  }
  ack(count: number): void {
    this.head += count;
    // Compact now and then rather than shifting on every batch.
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
  }
  close(): void {}
}

export class SpoolQueue implements EventQueue {
  constructor(readonly spool: Spool) {}

  get count(): number {
    return this.spool.count;
  }
  get bytes(): number {
    return this.spool.bytes;
  }
  hasRoom(json: string): boolean {
    return this.spool.hasRoom(Spool.recordBytes(json));
  }
  fitsAtAll(json: string): boolean {
    return Spool.recordBytes(json) <= this.spool.maxBytes;
  }
  append(json: string): void {
    this.spool.append(json);
  }
  sync(): Promise<void> {
    return this.spool.sync();
  }
  read(maxCount: number, maxBytes: number): QueueEntry[] {
    return this.spool.read(maxCount, maxBytes);
  }
  ack(count: number, last: QueueEntry): void {
    this.spool.ack(count, (last as SpoolEntry).end);
  }
  close(): void {
    this.spool.close();
  }
}

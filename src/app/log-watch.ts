/**
 * News that logs grew (ARCHITECTURE §4 "Event bus"): appends committed by this process, and
 * appends by other processes that the store reports (PostgreSQL LISTEN/NOTIFY). A subscriber
 * (live streams, detection) reads what it needs from the store: a growth notice says where to
 * read up to, never what was written, so a missed notice costs latency, not correctness.
 */
import type { StoredEvent } from '../core/event/index.js';
import type { Coordination } from './ports.js';

export interface LogGrowth {
  readonly tenant: string;
  /** The log's size at least (entries [0, size) are committed). */
  readonly size: number;
  readonly origin: 'local' | 'remote';
}

export class LogWatch {
  private readonly subscribers = new Set<(g: LogGrowth) => void>();

  constructor(coordination: Coordination) {
    coordination.onRemoteAppend((tenant, size) => this.emit({ tenant, size, origin: 'remote' }));
  }

  subscribe(fn: (g: LogGrowth) => void): () => void {
    this.subscribers.add(fn);
    return () => this.subscribers.delete(fn);
  }

  /** Wired to the ingest's after-commit hook. */
  appended(events: readonly { event: StoredEvent; seq: number }[]): void {
    if (this.subscribers.size === 0) return;
    const sizes = new Map<string, number>();
    for (const { event, seq } of events)
      sizes.set(event.tenant, Math.max(sizes.get(event.tenant) ?? 0, seq + 1));
    for (const [tenant, size] of sizes) this.emit({ tenant, size, origin: 'local' });
  }

  private emit(g: LogGrowth): void {
    for (const fn of this.subscribers) fn(g);
  }
}

/** In-memory OutboundStore and a minimal log, for use-case tests that need no database. */
import type { StoredEvent } from '../../core/event/index.js';
import type {
  DeadLetter,
  EventStore,
  OutboundCursor,
  OutboundStore,
  OutboundStreamPatch,
  OutboundStreamRecord,
  StoredRecord,
} from '../ports.js';

export class MemoryOutboundStore implements OutboundStore {
  readonly streams = new Map<string, OutboundStreamRecord>();
  readonly cursors = new Map<string, OutboundCursor>();
  readonly dead: DeadLetter[] = [];

  create(rec: OutboundStreamRecord, cursor: OutboundCursor): Promise<void> {
    this.streams.set(rec.id, rec);
    this.cursors.set(rec.id, cursor);
    return Promise.resolve();
  }
  get(id: string): Promise<OutboundStreamRecord | undefined> {
    return Promise.resolve(this.streams.get(id));
  }
  list(tenant?: string): Promise<OutboundStreamRecord[]> {
    return Promise.resolve(
      [...this.streams.values()].filter(
        (s) => s.deletedAt === null && (tenant === undefined || s.tenant === tenant),
      ),
    );
  }
  update(id: string, p: OutboundStreamPatch): Promise<boolean> {
    const s = this.streams.get(id);
    if (!s || s.deletedAt !== null) return Promise.resolve(false);
    this.streams.set(id, { ...s, ...p });
    return Promise.resolve(true);
  }
  delete(id: string, at: string): Promise<boolean> {
    const s = this.streams.get(id);
    if (!s || s.deletedAt !== null) return Promise.resolve(false);
    this.streams.set(id, { ...s, deletedAt: at, enabled: false });
    return Promise.resolve(true);
  }
  cursor(id: string): Promise<OutboundCursor | undefined> {
    return Promise.resolve(this.cursors.get(id));
  }
  saveCursor(id: string, cursor: OutboundCursor): Promise<void> {
    this.cursors.set(id, cursor);
    return Promise.resolve();
  }
  addDeadLetter(dl: DeadLetter): Promise<void> {
    this.dead.push(dl);
    return Promise.resolve();
  }
  deadLetters(id: string, limit: number): Promise<DeadLetter[]> {
    return Promise.resolve(
      this.dead
        .filter((d) => d.streamId === id)
        .reverse()
        .slice(0, limit),
    );
  }
  deadLetterCount(id: string): Promise<number> {
    return Promise.resolve(this.dead.filter((d) => d.streamId === id).length);
  }
}

/** A log in memory: only what delivery reads (size, range). */
export class MemoryLog {
  readonly entries = new Map<string, StoredEvent[]>();

  add(...events: StoredEvent[]): void {
    for (const e of events) {
      const log = this.entries.get(e.tenant) ?? [];
      log.push(e);
      this.entries.set(e.tenant, log);
    }
  }

  get store(): EventStore {
    const unused = () => Promise.reject(new Error('not in MemoryLog'));
    return {
      size: (t) => Promise.resolve(this.entries.get(t)?.length ?? 0),
      range: (t, start, end) =>
        Promise.resolve(
          (this.entries.get(t) ?? []).slice(start, end).map((e, i): StoredRecord => ({
            tenant: t,
            seq: start + i,
            occurredMs: Date.parse(e.occurred_at),
            id: e.id,
            event: e,
            canonical: null,
            salt: null,
            leafInput: '',
          })),
        ),
      append: unused,
      head: unused,
      readHashes: unused,
      getById: unused,
      getBySeq: unused,
      search: unused,
      tenants: () => Promise.resolve([...this.entries.keys()]),
    };
  }
}

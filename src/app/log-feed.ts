/**
 * The newest entries of each watched log, read once from the store and shared by every live
 * stream on that log (ARCHITECTURE §4 "Event bus", §5 "Live stream"). A feed learns that its log
 * grew from LogWatch (this process's commits, and other processes' through the store), and
 * also polls the log's size, so a lost notification costs at most one poll interval. Entries
 * are always read from the store: a notification says how far to read, never what was written.
 */
import type { LogWatch } from './log-watch.js';
import type { EventStore, StoredRecord } from './ports.js';

export interface LogFeedOptions {
  /** Entries kept per log for streams that are live (default 2,000). */
  readonly cacheEntries?: number;
  /** Size poll while a log has readers (default 1000 ms). */
  readonly pollMs?: number;
  /** Entries read per store query (default 1000). */
  readonly pageSize?: number;
}

class Feed {
  /** Entries [base, base + cache.length) of the log, in order. */
  base = 0;
  cache: StoredRecord[] = [];
  /** The size known to be committed: entries below it can be read. */
  size = 0;
  readers = 0;
  primed = false;
  private waiters: (() => void)[] = [];
  private reading: Promise<void> | undefined;

  constructor(
    readonly tenant: string,
    private readonly store: EventStore,
    private readonly opts: Required<LogFeedOptions>,
  ) {}

  /** Resolves once the log is larger than `seq + 1` entries, or after `ms` (then re-check). */
  waitBeyond(seq: number, ms: number): Promise<void> {
    if (this.size > seq + 1) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(t);
        this.waiters = this.waiters.filter((w) => w !== done);
        resolve();
      };
      const t = setTimeout(done, ms);
      this.waiters.push(done);
    });
  }

  private again = false;
  /** Why the last read failed (the next poll retries), for readers that want to know. */
  failure: unknown;

  /** The log grew to at least `size` (a hint); reads what is new, once, whoever asks. */
  grew(size: number): void {
    if (this.primed && size <= this.size) return;
    if (this.reading) {
      this.again = true; // a read in progress may have checked the size before this growth
      return;
    }
    this.reading = (async () => {
      do {
        this.again = false;
        await this.readNew();
      } while (this.again);
      this.failure = undefined;
    })()
      .catch((e: unknown) => {
        this.failure = e;
      })
      .finally(() => (this.reading = undefined));
  }

  /** Reads up to the store's size now (the poll, and a reader's first look). */
  async refresh(): Promise<void> {
    this.grew(Number.MAX_SAFE_INTEGER);
    await this.reading;
  }

  private async readNew(): Promise<void> {
    if (!this.primed) {
      this.size = await this.store.size(this.tenant);
      this.base = this.size;
      this.primed = true;
    }
    for (;;) {
      const target = await this.store.size(this.tenant);
      if (target <= this.size) break;
      const from = this.size;
      const rows = await this.store.range(
        this.tenant,
        from,
        Math.min(target, from + this.opts.pageSize),
      );
      if (rows.length === 0) break;
      this.cache.push(...rows);
      this.size = from + rows.length;
      const over = this.cache.length - this.opts.cacheEntries;
      if (over > 0) {
        this.cache.splice(0, over);
        this.base += over;
      }
      for (const w of this.waiters.splice(0)) w();
    }
  }

  /** Entries from `start` on (at most a page): from the cache when it holds them. */
  async read(start: number): Promise<StoredRecord[]> {
    if (start >= this.base && start < this.base + this.cache.length) {
      return this.cache.slice(start - this.base, start - this.base + this.opts.pageSize);
    }
    if (start >= this.size) return [];
    return this.store.range(this.tenant, start, Math.min(this.size, start + this.opts.pageSize));
  }
}

export class LogFeeds {
  private readonly feeds = new Map<string, Feed>();
  private readonly opts: Required<LogFeedOptions>;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: EventStore,
    watch: LogWatch,
    opts: LogFeedOptions = {},
  ) {
    this.opts = {
      cacheEntries: opts.cacheEntries ?? 2_000,
      pollMs: opts.pollMs ?? 1000,
      pageSize: opts.pageSize ?? 1000,
    };
    watch.subscribe((g) => this.feeds.get(g.tenant)?.grew(g.size));
  }

  get pollMs(): number {
    return this.opts.pollMs;
  }

  /** A reader joins a log's feed; the returned function leaves it. */
  async join(tenant: string): Promise<{ feed: Feed; leave: () => void }> {
    let feed = this.feeds.get(tenant);
    if (!feed) {
      feed = new Feed(tenant, this.store, this.opts);
      this.feeds.set(tenant, feed);
    }
    feed.readers++;
    this.startPolling();
    await feed.refresh();
    const f = feed;
    return {
      feed: f,
      leave: () => {
        f.readers--;
        if (f.readers === 0 && this.feeds.get(tenant) === f) this.feeds.delete(tenant);
        if (this.feeds.size === 0) this.stopPolling();
      },
    };
  }

  private startPolling(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      for (const f of this.feeds.values()) void f.refresh().catch(() => {});
    }, this.opts.pollMs);
    this.timer.unref();
  }

  private stopPolling(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  close(): void {
    this.stopPolling();
    this.feeds.clear();
  }
}

export type { Feed as LogFeed };

/**
 * Live streams (ARCHITECTURE §5): every entry of a log that matches a query, in log order, from
 * a position on. The filter is the search language through the in-memory matcher, which the
 * property tests hold equal to the SQL one. A stream first reads what the client missed from
 * the store, then follows the log's feed; a client that reconnects with the last position it
 * saw gets exactly what it missed. Transport-free: the HTTP route writes the items as SSE.
 */
import type { StoredEvent } from '../core/event/index.js';
import { VeritrailError } from '../core/errors.js';
import { compileMatcher, parseQuery, type EventMatcher } from '../core/query/index.js';
import type { AuditTrail } from './audit-trail.js';
import type { LogFeed, LogFeeds } from './log-feed.js';
import type { EventStore, StoredRecord } from './ports.js';
import type { Principal } from './principal.js';
import { readScope } from './search.js';

export interface StreamRequest {
  readonly tenant: string;
  readonly q?: string;
  /** The last position the client has (its last event's seq): entries after it are sent. */
  readonly after?: number;
}

/** One matching entry: its stored record is shared by every stream on the log. */
export interface StreamEvent {
  readonly seq: number;
  readonly event: StoredEvent;
  /** A key for per-entry caches (the same object for every stream that sends it). */
  readonly record: StoredRecord;
}

/**
 * Matching events in log order (as many as one read found: a transport writes them at once),
 * or, when nothing matched for a while, the position reached so far.
 */
export type StreamItem =
  | { readonly kind: 'events'; readonly seq: number; readonly events: readonly StreamEvent[] }
  | { readonly kind: 'position'; readonly seq: number };

export interface LiveStreamOptions {
  /** A position item at least this often while nothing matches (default 15 s). */
  readonly heartbeatMs?: number;
  /** Streams open at once in this process (default 1000). */
  readonly maxClients?: number;
}

export interface Subscription {
  /** Where the stream starts: entries after this seq (-1: from the first entry). */
  readonly after: number;
  items(signal: AbortSignal): AsyncGenerator<StreamItem>;
}

const bad = (field: string, message: string) =>
  new VeritrailError('validation_failed', `${field}: ${message}`, [{ path: field, message }]);

export class LiveStreams {
  private open_ = 0;
  private readonly heartbeatMs: number;
  private readonly maxClients: number;

  constructor(
    private readonly store: EventStore,
    private readonly feeds: LogFeeds,
    private readonly audit: AuditTrail,
    opts: LiveStreamOptions = {},
    private readonly onClients: (open: number) => void = () => {},
  ) {
    this.heartbeatMs = opts.heartbeatMs ?? 15_000;
    this.maxClients = opts.maxClients ?? 1000;
  }

  get clients(): number {
    return this.open_;
  }

  /** Where each open stream stands: its log's feed and the last seq it has passed. */
  private readonly positions = new Set<{ feed: LogFeed; cursor: number }>();

  /** Entries the furthest-behind client has yet to be sent (0 with no clients). */
  maxLag(): number {
    let lag = 0;
    for (const p of this.positions) lag = Math.max(lag, p.feed.size - 1 - p.cursor);
    return lag;
  }

  /** Checks, authorizes and records the stream's opening; data flows from `items`. */
  async open(p: Principal, req: StreamRequest): Promise<Subscription> {
    const match = compileMatcher(readScope(p, req.tenant, parseQuery(req.q ?? '')));
    if (req.after !== undefined && (!Number.isSafeInteger(req.after) || req.after < -1))
      throw bad('after', 'must be an integer ≥ -1 (the seq of the last event received)');
    if (this.open_ >= this.maxClients)
      throw new VeritrailError(
        'unavailable',
        `too many live streams open (${this.maxClients}); retry later`,
      );
    const size = await this.store.size(req.tenant);
    if (req.after !== undefined && req.after >= size)
      throw bad('after', `is beyond the end of the log (${size} entries)`);
    await this.audit.record(p, 'audit.stream', req.tenant, {
      q: req.q ?? '',
      after: req.after ?? null,
    });
    const after = req.after ?? size - 1;
    return { after, items: (signal) => this.items(req.tenant, match, after, signal) };
  }

  private async *items(
    tenant: string,
    match: EventMatcher,
    after: number,
    signal: AbortSignal,
  ): AsyncGenerator<StreamItem> {
    this.open_++;
    this.onClients(this.open_);
    const { feed, leave } = await this.feeds.join(tenant);
    const at = { feed, cursor: after };
    this.positions.add(at);
    let cursor = after;
    let quietSince = Date.now();
    try {
      while (!signal.aborted) {
        if (cursor + 1 < feed.size) {
          const rows = await feed.read(cursor + 1);
          if (rows.length === 0) {
            await wait(feed, cursor, this.feeds.pollMs, signal);
            continue;
          }
          const events: StreamEvent[] = [];
          for (const r of rows)
            if (r.event !== null && match(r.event))
              events.push({ seq: r.seq, event: r.event, record: r });
          cursor = rows[rows.length - 1]!.seq;
          if (events.length > 0) {
            yield { kind: 'events', seq: events[events.length - 1]!.seq, events };
            quietSince = Date.now();
          }
          at.cursor = cursor;
          continue;
        }
        const quiet = Date.now() - quietSince;
        if (quiet >= this.heartbeatMs) {
          yield { kind: 'position', seq: cursor };
          quietSince = Date.now();
          continue;
        }
        await wait(feed, cursor, this.heartbeatMs - quiet, signal);
      }
    } finally {
      this.positions.delete(at);
      leave();
      this.open_--;
      this.onClients(this.open_);
    }
  }
}

/** Until the log grows past `cursor`, `ms` pass, or the client goes. */
function wait(feed: LogFeed, cursor: number, ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const onAbort = () => resolve();
    signal.addEventListener('abort', onAbort, { once: true });
    void feed.waitBeyond(cursor, ms).then(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    });
  });
}

/** Search and single reads (ARCHITECTURE §5): keyset pagination, newest first, audited. */
import { timestampMs, isRfc3339, type StoredEvent } from '../core/event/index.js';
import { VeritrailError } from '../core/errors.js';
import { parseQuery, type QueryNode } from '../core/query/index.js';
import type { AuditTrail } from './audit-trail.js';
import type { EventStore, SearchPosition } from './ports.js';
import { authorize, SYSTEM_TENANT, type Principal } from './principal.js';

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 1000;

export interface SearchRequest {
  readonly tenant: string;
  readonly q?: string;
  readonly since?: string;
  readonly until?: string;
  readonly limit?: number;
  readonly cursor?: string;
}

export interface SearchPage {
  readonly events: (StoredEvent & { seq: number })[];
  readonly next_cursor: string | null;
}

const bad = (field: string, message: string) =>
  new VeritrailError('validation_failed', `${field}: ${message}`, [{ path: field, message }]);

function instant(field: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const s = /^\d{4}-\d{2}-\d{2}$/.test(v) ? `${v}T00:00:00Z` : v;
  if (!isRfc3339(s)) throw bad(field, 'must be an RFC 3339 date-time or a YYYY-MM-DD date');
  return timestampMs(s);
}

/** Opaque keyset cursor: the position of the last event of a page. */
export function encodeCursor(p: SearchPosition): string {
  return Buffer.from(`v1:${p.occurredMs}:${p.seq}`).toString('base64url');
}

export function decodeCursor(c: string): SearchPosition {
  const m = /^v1:(-?\d{1,16}):(\d{1,16})$/.exec(Buffer.from(c, 'base64url').toString());
  if (!m) throw bad('cursor', 'is not a cursor returned by this API');
  return { occurredMs: Number(m[1]), seq: Number(m[2]) };
}

/**
 * What a principal may read of a log: a tenant's admins may read the `_system` entries that
 * name their tenant; everyone else needs `read` on the tenant itself. Searches and live streams
 * both go through here.
 */
export function readScope(p: Principal, tenant: string, query: QueryNode): QueryNode {
  if (tenant === SYSTEM_TENANT && p.kind === 'key') {
    authorize(p, p.tenant, 'admin');
    return {
      type: 'and',
      children: [query, parseQuery(`targets.id:${JSON.stringify(p.tenant)}`)],
    };
  }
  authorize(p, tenant, 'read');
  return query;
}

export class Search {
  constructor(
    private readonly store: EventStore,
    private readonly audit: AuditTrail,
  ) {}

  async search(p: Principal, req: SearchRequest): Promise<SearchPage> {
    const limit = req.limit ?? DEFAULT_LIMIT;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT)
      throw bad('limit', `must be an integer from 1 to ${MAX_LIMIT}`);
    let query: QueryNode = parseQuery(req.q ?? '');
    const sinceMs = instant('since', req.since);
    const untilMs = instant('until', req.until);
    if (sinceMs !== undefined && untilMs !== undefined && sinceMs > untilMs)
      throw bad('until', 'must not be before since');
    const after = req.cursor === undefined ? undefined : decodeCursor(req.cursor);
    query = readScope(p, req.tenant, query);
    await this.audit.record(p, 'audit.search', req.tenant, {
      q: req.q ?? '',
      since: req.since ?? null,
      until: req.until ?? null,
      limit,
    });
    const records = await this.store.search({
      tenant: req.tenant,
      query,
      limit: limit + 1,
      ...(sinceMs === undefined ? {} : { sinceMs }),
      ...(untilMs === undefined ? {} : { untilMs }),
      ...(after === undefined ? {} : { after }),
    });
    const page = records.slice(0, limit).filter((r) => r.event !== null);
    const last = records.length > limit ? records[limit - 1] : undefined;
    return {
      events: page.map((r) => ({ ...r.event!, seq: r.seq })),
      next_cursor: last ? encodeCursor(last) : null,
    };
  }

  async read(p: Principal, tenant: string, id: string) {
    if (tenant === SYSTEM_TENANT) {
      const page = await this.search(p, { tenant, q: `id:${JSON.stringify(id)}`, limit: 1 });
      if (page.events.length === 0)
        throw new VeritrailError('not_found', `no event ${id} in tenant ${tenant}`);
    } else {
      authorize(p, tenant, 'read');
    }
    const rec = await this.store.getById(tenant, id);
    if (!rec) throw new VeritrailError('not_found', `no event ${id} in tenant ${tenant}`);
    await this.audit.record(p, 'audit.read', tenant, { id });
    return rec;
  }
}

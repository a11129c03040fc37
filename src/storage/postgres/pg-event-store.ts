/** EventStore and VerifySource over PostgreSQL. Appends go through PgAppendWriter. */
import type pg from 'pg';
import type {
  AppendInput,
  Appended,
  EventStore,
  SearchParams,
  StoredRecord,
  TreeHead,
  VerifyRow,
  VerifySource,
} from '../../app/ports.js';
import { VeritrailError } from '../../core/errors.js';
import { rootAt, storedHashIndex, type NodeRef } from '../../core/merkle/index.js';
import type { PgAppendLanes } from './pg-append-lanes.js';
import { EVENT_COLS, toRecord, type EventRow as PgEventRow } from '../stored-rows.js';
import { run } from './pg-side-stores.js';
import { compilePgWhere, pgDocLateral } from './query/compile-pg.js';

const E_COLS = EVENT_COLS.split(', ')
  .map((c) => `e.${c}`)
  .join(', ');

export class PgEventStore implements EventStore, VerifySource {
  /** Log names to ids: an id never changes once a log exists. */
  private readonly tenantIds = new Map<string, number>();

  constructor(
    private readonly pool: pg.Pool,
    private readonly writer: PgAppendLanes,
  ) {}

  append(batch: readonly AppendInput[]): Promise<Appended[]> {
    return this.writer.append(batch);
  }

  private async tenantId(tenant: string): Promise<number | undefined> {
    let id = this.tenantIds.get(tenant);
    if (id === undefined) {
      const r = await run<{ tenant_id: number }>(
        this.pool,
        'SELECT tenant_id FROM tenants WHERE name = $1',
        [tenant],
        'reading a log',
      );
      id = r.rows[0]?.tenant_id;
      if (id !== undefined) this.tenantIds.set(tenant, id);
    }
    return id;
  }

  private async rows(sql: string, params: unknown[], doing: string): Promise<PgEventRow[]> {
    return (await run<PgEventRow>(this.pool, sql, params, doing)).rows;
  }

  async claimedSize(tenant: string): Promise<number> {
    const r = await run<{ size: number }>(
      this.pool,
      'SELECT size FROM tenants WHERE name = $1',
      [tenant],
      'reading a log size',
    );
    return r.rows[0]?.size ?? 0;
  }

  size(tenant: string): Promise<number> {
    return this.claimedSize(tenant);
  }

  async head(tenant: string): Promise<TreeHead> {
    const size = await this.claimedSize(tenant);
    return { size, root: await rootAt(size, (refs) => this.readHashes(tenant, refs)) };
  }

  async readHashes(tenant: string, refs: readonly NodeRef[]): Promise<Buffer[]> {
    const tid = await this.tenantId(tenant);
    const sidx = refs.map((r) => storedHashIndex(r.level, r.index));
    const found = new Map<number, Buffer>();
    if (tid !== undefined && sidx.length > 0) {
      const r = await run<{ sidx: number; hash: Buffer }>(
        this.pool,
        'SELECT sidx, hash FROM tree_hashes WHERE tenant_id = $1 AND sidx = ANY($2::bigint[])',
        [tid, sidx],
        'reading tree hashes',
      );
      for (const row of r.rows) found.set(row.sidx, row.hash);
    }
    return refs.map((ref, i) => {
      const h = found.get(sidx[i]!);
      if (!h)
        throw new VeritrailError(
          'internal',
          `log ${tenant}: tree node (${ref.level}, ${ref.index}) is not stored`,
        );
      return h;
    });
  }

  async getById(tenant: string, id: string): Promise<StoredRecord | undefined> {
    const tid = await this.tenantId(tenant);
    if (tid === undefined) return undefined;
    // event_ids knows the partition key: the lookup reads one partition.
    const rows = await this.rows(
      `SELECT ${E_COLS} FROM event_ids d JOIN events e
         ON e.tenant_id = d.tenant_id AND e.occurred_ms = d.occurred_ms AND e.seq = d.seq
       WHERE d.tenant_id = $1 AND d.id = $2`,
      [tid, id],
      'reading an event',
    );
    return rows[0] && toRecord(tenant, rows[0]);
  }

  async getBySeq(tenant: string, seq: number): Promise<StoredRecord | undefined> {
    const tid = await this.tenantId(tenant);
    if (tid === undefined) return undefined;
    const rows = await this.rows(
      `SELECT ${EVENT_COLS} FROM events WHERE tenant_id = $1 AND seq = $2 LIMIT 1`,
      [tid, seq],
      'reading an event',
    );
    return rows[0] && toRecord(tenant, rows[0]);
  }

  async search(p: SearchParams): Promise<StoredRecord[]> {
    const tid = await this.tenantId(p.tenant);
    if (tid === undefined) return [];
    const conds = ['e.tenant_id = $1'];
    const params: unknown[] = [tid];
    const add = (sql: (n: number) => string, ...values: unknown[]) => {
      conds.push(sql(params.length + 1));
      params.push(...values);
    };
    if (p.after !== undefined)
      add((n) => `(e.occurred_ms, e.seq) < ($${n}, $${n + 1})`, p.after.occurredMs, p.after.seq);
    if (p.belowSeq !== undefined) add((n) => `e.seq < $${n}`, p.belowSeq);
    if (p.sinceMs !== undefined) add((n) => `e.occurred_ms >= $${n}`, p.sinceMs);
    if (p.untilMs !== undefined) add((n) => `e.occurred_ms < $${n}`, p.untilMs);
    const where = compilePgWhere(p.query, { alias: 'e', firstParam: params.length + 1 });
    conds.push(`(${where.sql})`);
    params.push(...where.params);
    params.push(p.limit);
    const from = where.usesDoc ? `events e ${pgDocLateral('e')}` : 'events e';
    const rows = await this.rows(
      `SELECT ${E_COLS} FROM ${from} WHERE ${conds.join(' AND ')}
       ORDER BY e.occurred_ms DESC, e.seq DESC LIMIT $${params.length}`,
      params,
      'searching events',
    );
    return rows.map((r) => toRecord(p.tenant, r));
  }

  async range(tenant: string, start: number, end: number): Promise<StoredRecord[]> {
    const tid = await this.tenantId(tenant);
    if (tid === undefined) return [];
    const rows = await this.rows(
      `SELECT ${EVENT_COLS} FROM events WHERE tenant_id = $1 AND seq >= $2 AND seq < $3 ORDER BY seq`,
      [tid, start, end],
      'reading entries',
    );
    return rows.map((r) => toRecord(tenant, r));
  }

  async tenants(): Promise<string[]> {
    const r = await run<{ name: string }>(
      this.pool,
      'SELECT name FROM tenants ORDER BY name',
      [],
      'listing logs',
    );
    return r.rows.map((x) => x.name);
  }

  /**
   * Every stored row of a log, in windows of seq from the lowest stored to the highest: a
   * missing, duplicated or renumbered seq shows up as a bad seq (nothing is skipped, whatever
   * partition a row sits in).
   */
  async *entries(tenant: string, pageSize: number): AsyncIterable<readonly VerifyRow[]> {
    const tid = await this.tenantId(tenant);
    if (tid === undefined) return;
    const bounds = await run<{ lo: number | null; hi: number | null }>(
      this.pool,
      'SELECT min(seq) AS lo, max(seq) AS hi FROM events WHERE tenant_id = $1',
      [tid],
      'reading entries',
    );
    const { lo, hi } = bounds.rows[0] ?? { lo: null, hi: null };
    if (lo === null || hi === null) return;
    for (let from = lo; from <= hi; from += pageSize) {
      const rows = await this.rows(
        `SELECT ${EVENT_COLS} FROM events WHERE tenant_id = $1 AND seq >= $2 AND seq < $3
         ORDER BY seq, occurred_ms, id`,
        [tid, from, from + pageSize],
        'reading entries',
      );
      if (rows.length > 0)
        yield rows.map((r) => ({
          seq: r.seq,
          id: r.id,
          canonical: r.event,
          salt: r.salt,
          leafInput: r.leaf_input,
        }));
    }
  }

  async *treeHashes(
    tenant: string,
    pageSize: number,
  ): AsyncIterable<readonly { sidx: number; hash: Buffer }[]> {
    const tid = await this.tenantId(tenant);
    if (tid === undefined) return;
    let after = -1;
    for (;;) {
      const r = await run<{ sidx: number; hash: Buffer }>(
        this.pool,
        'SELECT sidx, hash FROM tree_hashes WHERE tenant_id = $1 AND sidx > $2 ORDER BY sidx LIMIT $3',
        [tid, after, pageSize],
        'reading tree hashes',
      );
      if (r.rows.length === 0) return;
      after = r.rows[r.rows.length - 1]!.sidx;
      yield r.rows;
    }
  }
}

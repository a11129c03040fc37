/** EventStore and VerifySource over SQLite. Reads use their own connection (WAL readers). */
import type { Statement } from 'better-sqlite3';
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
import { rootAt, type NodeRef } from '../../core/merkle/index.js';
import type { AppendRowResult } from './append-writer.js';
import { encodeBatch, type EncodedBatch } from './row-codec.js';
import type { Db } from './open-database.js';
import { compileSqliteWhere } from './query/compile-sql.js';
import { EVENT_COLS as COLS, toRecord, type EventRow } from '../stored-rows.js';
import { TreeNodeReader } from './tree-nodes.js';

/** Where appends go: the writer in this thread, or one in a worker thread. */
export interface WritePath {
  append(batch: EncodedBatch): Promise<AppendRowResult[]>;
  /** Set once the write path can no longer append. */
  readonly failure?: string | undefined;
}

export class SqliteEventStore implements EventStore, VerifySource {
  private readonly tenantIds = new Map<string, number>();
  private readonly q;
  private readonly nodes: TreeNodeReader;

  constructor(
    private readonly db: Db,
    private readonly writer: WritePath,
  ) {
    this.nodes = new TreeNodeReader(db);
    this.q = {
      tenant: db.prepare<[string], { tenant_id: number; size: number }>(
        'SELECT tenant_id, size FROM tenants WHERE name = ?',
      ),
      tenants: db.prepare<[], { name: string }>('SELECT name FROM tenants ORDER BY name'),
      byId: db.prepare<[number, string], EventRow>(
        `SELECT ${COLS} FROM events WHERE tenant_id = ? AND id = ?`,
      ),
      bySeq: db.prepare<[number, number], EventRow>(
        `SELECT ${COLS} FROM events WHERE tenant_id = ? AND seq = ?`,
      ),
      range: db.prepare<[number, number, number], EventRow>(
        `SELECT ${COLS} FROM events WHERE tenant_id = ? AND seq >= ? AND seq < ? ORDER BY seq`,
      ),
      // In (seq, pos) order on the (tenant_id, seq) index, pos (the rowid) breaking ties: a
      // duplicated, missing or renumbered seq shows up as a bad seq. Raw arrays: no object per row.
      page: db
        .prepare<
          [number, number, number, number],
          [number, number, string, string | null, Buffer | null, string]
        >(
          `SELECT seq, pos, id, event, salt, leaf_input FROM events
           WHERE tenant_id = ? AND (seq, pos) > (?, ?) ORDER BY seq, pos LIMIT ?`,
        )
        .raw(),
      hashPage: db
        .prepare<[number, number, number], [number, Buffer]>(
          'SELECT sidx, hash FROM tree_hashes WHERE tenant_id = ? AND sidx > ? ORDER BY sidx LIMIT ?',
        )
        .raw(),
    };
  }

  async append(batch: readonly AppendInput[]): Promise<Appended[]> {
    const results = await this.writer.append(encodeBatch(batch));
    return results.map((r, i) => ({
      id: batch[i]!.event.id,
      tenant: batch[i]!.event.tenant,
      seq: r.seq,
      leafHash: Buffer.from(r.leafHash),
      duplicate: r.duplicate,
    }));
  }

  private tenantId(tenant: string): number | undefined {
    let id = this.tenantIds.get(tenant);
    if (id === undefined) {
      id = this.q.tenant.get(tenant)?.tenant_id;
      if (id !== undefined) this.tenantIds.set(tenant, id);
    }
    return id;
  }

  claimedSize(tenant: string): Promise<number> {
    return Promise.resolve(this.q.tenant.get(tenant)?.size ?? 0);
  }

  size(tenant: string): Promise<number> {
    return this.claimedSize(tenant);
  }

  async head(tenant: string): Promise<TreeHead> {
    const size = await this.claimedSize(tenant);
    return { size, root: await rootAt(size, (refs) => this.readHashes(tenant, refs)) };
  }

  readHashes(tenant: string, refs: readonly NodeRef[]): Promise<Buffer[]> {
    return Promise.resolve(this.nodes.read(tenant, this.tenantId(tenant), refs));
  }

  getById(tenant: string, id: string): Promise<StoredRecord | undefined> {
    const tid = this.tenantId(tenant);
    const row = tid === undefined ? undefined : this.q.byId.get(tid, id);
    return Promise.resolve(row && toRecord(tenant, row));
  }

  getBySeq(tenant: string, seq: number): Promise<StoredRecord | undefined> {
    const tid = this.tenantId(tenant);
    const row = tid === undefined ? undefined : this.q.bySeq.get(tid, seq);
    return Promise.resolve(row && toRecord(tenant, row));
  }

  /**
   * Compiled search statements by SQL text: a query's SQL depends only on its shape (values
   * are bound), so repeated searches skip SQLite's compile step. Bounded; oldest dropped.
   */
  private readonly statements = new Map<string, Statement<unknown[], EventRow>>();

  private prepared(sql: string): Statement<unknown[], EventRow> {
    let st = this.statements.get(sql);
    if (!st) {
      st = this.db.prepare<unknown[], EventRow>(sql);
      if (this.statements.size >= 256) this.statements.delete(this.statements.keys().next().value!);
      this.statements.set(sql, st);
    }
    return st;
  }

  search(p: SearchParams): Promise<StoredRecord[]> {
    const tid = this.tenantId(p.tenant);
    if (tid === undefined) return Promise.resolve([]);
    const where = compileSqliteWhere(p.query, 'e');
    const conds = ['e.tenant_id = ?'];
    const params: unknown[] = [tid];
    const add = (sql: string, ...values: unknown[]) => {
      conds.push(sql);
      params.push(...values);
    };
    if (p.after !== undefined)
      add('(e.occurred_ms, e.seq) < (?, ?)', p.after.occurredMs, p.after.seq);
    if (p.belowSeq !== undefined) add('e.seq < ?', p.belowSeq);
    if (p.sinceMs !== undefined) add('e.occurred_ms >= ?', p.sinceMs);
    if (p.untilMs !== undefined) add('e.occurred_ms < ?', p.untilMs);
    add(`(${where.sql})`, ...where.params);
    params.push(p.limit);
    const sql = `SELECT ${COLS} FROM events e WHERE ${conds.join(' AND ')} ORDER BY e.occurred_ms DESC, e.seq DESC LIMIT ?`;
    const rows = this.prepared(sql).all(...params);
    return Promise.resolve(rows.map((r) => toRecord(p.tenant, r)));
  }

  range(tenant: string, start: number, end: number): Promise<StoredRecord[]> {
    const tid = this.tenantId(tenant);
    if (tid === undefined) return Promise.resolve([]);
    return Promise.resolve(this.q.range.all(tid, start, end).map((r) => toRecord(tenant, r)));
  }

  tenants(): Promise<string[]> {
    return Promise.resolve(this.q.tenants.all().map((r) => r.name));
  }

  /** Stored rows in insertion order: a reordered or renumbered row shows up as a bad seq. */
  // Generators over synchronous reads: pages are yielded so a caller can interleave work.
  // eslint-disable-next-line @typescript-eslint/require-await
  async *entries(tenant: string, pageSize: number): AsyncIterable<readonly VerifyRow[]> {
    const tid = this.tenantId(tenant);
    if (tid === undefined) return;
    let [seq, pos] = [-1, -1];
    for (;;) {
      const rows = this.q.page.all(tid, seq, pos, pageSize);
      if (rows.length === 0) return;
      [seq, pos] = rows[rows.length - 1]!;
      yield rows.map(([s, , id, canonical, salt, leafInput]) => ({
        seq: s,
        id,
        canonical,
        salt,
        leafInput,
      }));
    }
  }

  // eslint-disable-next-line @typescript-eslint/require-await
  async *treeHashes(
    tenant: string,
    pageSize: number,
  ): AsyncIterable<readonly { sidx: number; hash: Buffer }[]> {
    const tid = this.tenantId(tenant);
    if (tid === undefined) return;
    let after = -1;
    for (;;) {
      const rows = this.q.hashPage.all(tid, after, pageSize);
      if (rows.length === 0) return;
      after = rows[rows.length - 1]![0];
      yield rows.map(([sidx, hash]) => ({ sidx, hash }));
    }
  }
}

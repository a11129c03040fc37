/**
 * The sequencer's write path on PostgreSQL (ARCHITECTURE §4). One transaction per group of
 * queued requests holds events, ids, complete-subtree hashes and log heads. Several processes
 * append to the same logs safely: each transaction locks its logs' `tenants` rows (FOR UPDATE,
 * in tenant_id order, so two writers never deadlock) and checks its cached frontier against
 * the locked size; a stale cache is reloaded from the stored hashes, never trusted. A commit
 * that fails or whose outcome is unknown is never acknowledged, and every cache it touched is
 * dropped; a producer retrying with the same ids gets exactly-once by idempotency.
 */
import type pg from 'pg';
import type { AppendInput, Appended } from '../../app/ports.js';
import { frontierRefs, MerkleFrontier, storedHashIndex } from '../../core/merkle/index.js';
import { pgError } from './connect.js';
import { EVENT_ARGS, eventColumns, flatten, monthStartMs, type FlatRow } from './pg-rows.js';

/** Rows per transaction: bounds its size and the time its locks are held. */
const MAX_ROWS = 8000;
/** Transactions that lock first after a head moved under this process. */
const LOCK_FIRST_AFTER_STALE = 50;

interface LogState {
  readonly tenantId: number;
  readonly frontier: MerkleFrontier;
}

interface Pending {
  readonly batch: readonly AppendInput[];
  resolve(r: Appended[]): void;
  reject(e: unknown): void;
}

/** What a committed transaction tells the other processes (LISTEN/NOTIFY), per log. */
export interface AppendNotice {
  readonly node: string;
  readonly tenant: string;
  readonly size: number;
}

export class PgAppendWriter {
  private readonly queue: Pending[] = [];
  private draining = false;
  private readonly logs = new Map<string, LogState>();
  private readonly tenantIds = new Map<string, number>();
  private readonly months = new Set<number>();

  constructor(
    private readonly pool: pg.Pool,
    private readonly channel: string,
    private readonly node: string,
  ) {}

  append(batch: readonly AppendInput[]): Promise<Appended[]> {
    if (batch.length === 0) return Promise.resolve([]);
    return new Promise((resolve, reject) => {
      this.queue.push({ batch, resolve, reject });
      if (!this.draining) void this.drain();
    });
  }

  /** One transaction at a time; requests waiting meanwhile are merged into the next one. */
  private async drain(): Promise<void> {
    this.draining = true;
    try {
      while (this.queue.length > 0) {
        const group: Pending[] = [];
        let rows = 0;
        while (
          this.queue.length > 0 &&
          (group.length === 0 || rows + this.queue[0]!.batch.length <= MAX_ROWS)
        ) {
          const p = this.queue.shift()!;
          group.push(p);
          rows += p.batch.length;
        }
        const all = group.flatMap((p) => p.batch);
        try {
          const results = await this.commit(all);
          let at = 0;
          for (const p of group) {
            p.resolve(results.slice(at, at + p.batch.length));
            at += p.batch.length;
          }
        } catch (e) {
          for (const p of group) p.reject(pgError(e, 'appending events'));
        }
      }
    } finally {
      this.draining = false;
    }
  }

  private async commit(batch: readonly AppendInput[]): Promise<Appended[]> {
    const rows = flatten(batch);
    const client = await this.pool.connect();
    let broken: Error | undefined;
    try {
      await this.prepareTenants(client, rows);
      await this.preparePartitions(client, rows);
      return await this.transaction(client, rows);
    } catch (e) {
      // Connection-level failures leave the client unusable: destroy it rather than reuse it.
      broken = e instanceof Error ? e : new Error(String(e));
      throw e;
    } finally {
      client.release(broken);
    }
  }

  /** Logs seen for the first time get their row (outside the transaction; idempotent). */
  private async prepareTenants(c: pg.PoolClient, rows: readonly FlatRow[]): Promise<void> {
    const missing = [...new Set(rows.map((r) => r.tenant))].filter((t) => !this.tenantIds.has(t));
    if (missing.length === 0) return;
    await c.query(
      'INSERT INTO tenants (name) SELECT unnest($1::text[]) ON CONFLICT (name) DO NOTHING',
      [missing],
    );
    const r = await c.query<{ tenant_id: number; name: string }>(
      'SELECT tenant_id, name FROM tenants WHERE name = ANY($1::text[])',
      [missing],
    );
    for (const row of r.rows) this.tenantIds.set(row.name, row.tenant_id);
  }

  /** Months never written before get their partition (DDL stays out of the locking transaction). */
  private async preparePartitions(c: pg.PoolClient, rows: readonly FlatRow[]): Promise<void> {
    const missing = [...new Set(rows.map((r) => monthStartMs(r.occurredMs)))].filter(
      (m) => !this.months.has(m),
    );
    if (missing.length === 0) return;
    await c.query('SELECT veritrail_ensure_partition(m) FROM unnest($1::bigint[]) m', [missing]);
    for (const m of missing) this.months.add(m);
  }

  /**
   * The usual path is one statement: veritrail_append with the heads this process expects. When
   * another process appended meanwhile (VT409), the heads are read under lock and the append is
   * made in that transaction; after a head moved, the next transactions lock first for a while
   * (several processes busy on the same logs would otherwise make every first try fail).
   */
  private async transaction(c: pg.PoolClient, rows: readonly FlatRow[]): Promise<Appended[]> {
    const tenants = [...new Set(rows.map((r) => r.tenant))];
    if (this.lockFirst === 0 && tenants.every((t) => this.logs.has(t))) {
      try {
        return await this.appendWith(c, rows, tenants);
      } catch (e) {
        if ((e as { code?: string }).code !== 'VT409') throw e;
        this.lockFirst = LOCK_FIRST_AFTER_STALE;
      }
    } else if (this.lockFirst > 0) this.lockFirst--;
    // Ids are trusted integers from the database: the lock is sent with BEGIN in one round trip.
    const ids = tenants.map((t) => this.tenantIds.get(t)!);
    await c.query(
      `BEGIN; SELECT 1 FROM tenants WHERE tenant_id IN (${ids.map((i) => Math.trunc(i)).join(',')}) ORDER BY tenant_id FOR UPDATE`,
    );
    try {
      const heads = await c.query<{ tenant_id: number; size: number }>(
        'SELECT tenant_id, size FROM tenants WHERE tenant_id = ANY($1::int[])',
        [ids],
      );
      const sizes = new Map(heads.rows.map((r) => [r.tenant_id, r.size]));
      for (const t of tenants) await this.syncLog(c, t, sizes.get(this.tenantIds.get(t)!) ?? 0);
      const out = await this.appendWith(c, rows, tenants);
      await c.query('COMMIT');
      return out;
    } catch (e) {
      await c.query('ROLLBACK').catch(() => {});
      throw e;
    }
  }

  private lockFirst = 0;

  /**
   * Plans seqs from the cached heads, computes the tree's new nodes and calls veritrail_append.
   * Ids already stored come back from it (nothing written): they are planned as duplicates and
   * the call is made again. Any failure drops the caches of the logs involved.
   */
  private async appendWith(
    c: pg.PoolClient,
    rows: readonly FlatRow[],
    tenants: readonly string[],
  ): Promise<Appended[]> {
    const existing = new Map<string, { seq: number; leafHash: Buffer }>();
    try {
      for (let attempt = 0; ; attempt++) {
        const logs = tenants.map((t) => this.logs.get(t)!);
        const expected = logs.map((l) => l.frontier.size);
        const plan = this.plan(rows, existing);
        const fresh = plan.filter((p) => p.dupOf === undefined);
        // Nodes on copies: the cache advances only once the call has succeeded.
        const frontiers = new Map(tenants.map((t) => [t, this.logs.get(t)!.frontier.clone()]));
        const nodes = { tenant: [] as number[], sidx: [] as number[], hash: [] as Buffer[] };
        for (const p of fresh) {
          const tid = this.tenantIds.get(p.row.tenant)!;
          for (const node of frontiers.get(p.row.tenant)!.append(p.leafHash)) {
            nodes.tenant.push(tid);
            nodes.sidx.push(storedHashIndex(node.ref.level, node.ref.index));
            nodes.hash.push(node.hash);
          }
        }
        const sizes = tenants.map((t) => frontiers.get(t)!.size);
        const notices = tenants.map((t, i) =>
          JSON.stringify({ node: this.node, tenant: t, size: sizes[i] }),
        );
        const r = await c.query<{ tenant_id: number; id: string; seq: number; leaf_hash: Buffer }>(
          `SELECT * FROM veritrail_append($1, $2, $3, ${EVENT_ARGS}, $18, $19, $20, $21, $22)`,
          [
            logs.map((l) => l.tenantId),
            expected,
            sizes,
            ...eventColumns(
              fresh.map((p) => ({
                row: p.row,
                tenantId: this.tenantIds.get(p.row.tenant)!,
                seq: p.seq,
              })),
            ),
            nodes.tenant,
            nodes.sidx,
            nodes.hash,
            this.channel,
            notices,
          ],
        );
        if (r.rows.length === 0) {
          for (const t of tenants)
            this.logs.set(t, { tenantId: this.tenantIds.get(t)!, frontier: frontiers.get(t)! });
          return plan.map((p) => ({
            id: p.row.id,
            tenant: p.row.tenant,
            seq: p.seq,
            leafHash: p.leafHash,
            duplicate: p.dupOf !== undefined,
          }));
        }
        if (attempt > 0) throw new Error('event ids changed under the log lock');
        const names = new Map([...this.tenantIds].map(([n, i]) => [i, n]));
        for (const x of r.rows)
          existing.set(`${names.get(x.tenant_id)!}\u0000${x.id}`, {
            seq: x.seq,
            leafHash: x.leaf_hash,
          });
      }
    } catch (e) {
      for (const t of tenants) this.logs.delete(t);
      throw e;
    }
  }

  /** The cached frontier must match the locked size; otherwise it is rebuilt from stored hashes. */
  private async syncLog(c: pg.PoolClient, tenant: string, size: number): Promise<void> {
    const cached = this.logs.get(tenant);
    if (cached?.frontier.size === size) return;
    const tenantId = this.tenantIds.get(tenant)!;
    const refs = frontierRefs(size);
    const sidx = refs.map((r) => storedHashIndex(r.level, r.index));
    const r = await c.query<{ sidx: number; hash: Buffer }>(
      'SELECT sidx, hash FROM tree_hashes WHERE tenant_id = $1 AND sidx = ANY($2::bigint[])',
      [tenantId, sidx],
    );
    const byIdx = new Map(r.rows.map((x) => [x.sidx, x.hash]));
    const hashes = sidx.map((i) => {
      const h = byIdx.get(i);
      if (!h) throw new Error(`log ${tenant}: tree node ${i} of size ${size} is not stored`);
      return h;
    });
    this.logs.set(tenant, { tenantId, frontier: MerkleFrontier.fromHashes(size, hashes) });
  }

  /** Seqs for the batch: within it, a repeated id is a duplicate of its first occurrence. */
  private plan(
    rows: readonly FlatRow[],
    existing: ReadonlyMap<string, { seq: number; leafHash: Buffer }>,
  ): Plan[] {
    const next = new Map<string, number>();
    const first = new Map<string, Plan>();
    return rows.map((row) => {
      const key = `${row.tenant}\u0000${row.id}`;
      const stored = existing.get(key);
      if (stored) return { row, seq: stored.seq, leafHash: stored.leafHash, dupOf: 'stored' };
      const earlier = first.get(key);
      if (earlier) return { row, seq: earlier.seq, leafHash: earlier.leafHash, dupOf: 'batch' };
      const seq = next.get(row.tenant) ?? this.logs.get(row.tenant)!.frontier.size;
      next.set(row.tenant, seq + 1);
      const p: Plan = { row, seq, leafHash: row.input.commitment.leafHash };
      first.set(key, p);
      return p;
    });
  }
}

interface Plan {
  readonly row: FlatRow;
  readonly seq: number;
  readonly leafHash: Buffer;
  readonly dupOf?: 'stored' | 'batch';
}

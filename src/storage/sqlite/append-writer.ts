/**
 * The sequencer's write path for SQLite (ARCHITECTURE §4): one IMMEDIATE transaction per group
 * of requests holds events, complete-subtree hashes and log heads. The in-memory frontier of
 * each log is a cache checked against the stored size inside every transaction, so a second
 * writer on the same file can never fork a log: a stale cache is reloaded, not trusted.
 */
import { leafHash as hashLeaf, MerkleFrontier, frontierRefs } from '../../core/merkle/index.js';
import type { Db } from './open-database.js';
import { TreeNodeReader } from './tree-nodes.js';
import { storedHashIndex } from '../../core/merkle/index.js';

/** One event flattened for the write path (also what crosses to a writer thread). */
export interface AppendRow {
  readonly tenant: string;
  readonly id: string;
  readonly occurredMs: number;
  readonly receivedMs: number;
  readonly action: string;
  readonly actorId: string;
  readonly outcome: string;
  readonly category: string;
  readonly severity: string;
  readonly sourceIp: Uint8Array | null;
  readonly canonical: string;
  readonly salt: Uint8Array;
  readonly leafInput: string;
  readonly leafHash: Uint8Array;
}

export interface AppendRowResult {
  readonly seq: number;
  readonly leafHash: Uint8Array;
  readonly duplicate: boolean;
}

interface LogState {
  readonly tenantId: number;
  frontier: MerkleFrontier;
}

export class AppendWriter {
  private readonly logs = new Map<string, LogState>();
  private readonly q;
  private readonly nodes: TreeNodeReader;

  constructor(private readonly db: Db) {
    this.nodes = new TreeNodeReader(db);
    this.q = {
      tenantByName: db.prepare<[string], { tenant_id: number; size: number }>(
        'SELECT tenant_id, size FROM tenants WHERE name = ?',
      ),
      sizeOf: db.prepare<[number], { size: number }>(
        'SELECT size FROM tenants WHERE tenant_id = ?',
      ),
      newTenant: db.prepare<[string], { tenant_id: number }>(
        'INSERT INTO tenants (name) VALUES (?) RETURNING tenant_id',
      ),
      setSize: db.prepare<[number, number]>('UPDATE tenants SET size = ? WHERE tenant_id = ?'),
      byId: db.prepare<[number, string], { seq: number; leaf_input: string }>(
        'SELECT seq, leaf_input FROM events WHERE tenant_id = ? AND id = ?',
      ),
      insertEvent: db.prepare(
        `INSERT INTO events (tenant_id, seq, id, occurred_ms, received_ms, action, actor_id, outcome,
           category, severity, source_ip, event, salt, leaf_input)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (tenant_id, id) DO NOTHING`,
      ),
      insertHash: db.prepare('INSERT INTO tree_hashes (tenant_id, sidx, hash) VALUES (?, ?, ?)'),
    };
  }

  private sinceOptimize = 0;

  /** Appends the rows in one durable transaction; results are in input order. */
  append(rows: readonly AppendRow[]): AppendRowResult[] {
    // Keep planner statistics current as logs grow (cheap when nothing changed much).
    this.sinceOptimize += rows.length;
    if (this.sinceOptimize >= 250_000) {
      this.sinceOptimize = 0;
      this.db.pragma('optimize');
    }
    const touched = new Set<LogState>();
    try {
      return this.db
        .transaction(() => {
          const out = rows.map((row) => this.appendOne(row, touched));
          for (const log of touched) this.q.setSize.run(log.frontier.size, log.tenantId);
          return out;
        })
        .immediate();
    } catch (e) {
      // The transaction rolled back: forget every frontier it advanced.
      for (const [name, log] of this.logs) if (touched.has(log)) this.logs.delete(name);
      throw e;
    }
  }

  private appendOne(row: AppendRow, touched: Set<LogState>): AppendRowResult {
    const log = this.logFor(row.tenant, touched);
    const seq = log.frontier.size;
    // The unique (tenant_id, id) index is the idempotency check: no separate lookup per event.
    const inserted = this.q.insertEvent.run(
      log.tenantId,
      seq,
      row.id,
      row.occurredMs,
      row.receivedMs,
      row.action,
      row.actorId,
      row.outcome,
      row.category,
      row.severity,
      row.sourceIp,
      row.canonical,
      row.salt,
      row.leafInput,
    );
    if (inserted.changes === 0) {
      const existing = this.q.byId.get(log.tenantId, row.id)!;
      return { seq: existing.seq, leafHash: hashLeaf(existing.leaf_input), duplicate: true };
    }
    for (const node of log.frontier.append(row.leafHash)) {
      this.q.insertHash.run(
        log.tenantId,
        storedHashIndex(node.ref.level, node.ref.index),
        node.hash,
      );
    }
    return { seq, leafHash: row.leafHash, duplicate: false };
  }

  private logFor(tenant: string, touched: Set<LogState>): LogState {
    let log = this.logs.get(tenant);
    if (log && !touched.has(log)) {
      // First use in this transaction: the cache must match the stored head.
      const stored = this.q.sizeOf.get(log.tenantId);
      if (stored?.size !== log.frontier.size) log = undefined;
    }
    if (!log) {
      log = this.load(tenant);
      this.logs.set(tenant, log);
    }
    touched.add(log);
    return log;
  }

  private load(tenant: string): LogState {
    const row = this.q.tenantByName.get(tenant);
    if (!row)
      return {
        tenantId: this.q.newTenant.get(tenant)!.tenant_id,
        frontier: MerkleFrontier.empty(),
      };
    const hashes = this.nodes.read(tenant, row.tenant_id, frontierRefs(row.size));
    return { tenantId: row.tenant_id, frontier: MerkleFrontier.fromHashes(row.size, hashes) };
  }
}

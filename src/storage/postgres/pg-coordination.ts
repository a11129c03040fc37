/**
 * Several processes on one database (ARCHITECTURE §4):
 * - Leadership: background jobs run in the process holding a session advisory lock. The lock
 *   lives as long as that process's connection: when the process dies, PostgreSQL ends the
 *   session and another process takes the lock at its next try.
 * - Notifications: LISTEN for appends committed by other processes. They are hints for
 *   promptness only (a notification can be missed while reconnecting); readers always read
 *   the store itself.
 * One dedicated connection does both; it is re-established after any failure.
 */
import type pg from 'pg';
import type { Coordination } from '../../app/ports.js';
import { newClient, type PgTarget } from './connect.js';
import type { AppendNotice } from './pg-append-writer.js';

type Listener = (tenant: string, size: number) => void;

export class PgCoordination implements Coordination {
  private client: pg.Client | undefined;
  private leader = false;
  private connecting: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  private readonly listeners = new Set<Listener>();
  /** Why the database cannot be reached, while it cannot. */
  failure: string | undefined;

  constructor(
    private readonly target: PgTarget,
    private readonly node: string,
    readonly channel: string,
    private readonly pollMs: number,
  ) {}

  /** Connects and tries for leadership now, then again every pollMs. */
  async start(): Promise<void> {
    await this.tick();
    this.timer = setInterval(() => void this.tick(), this.pollMs);
    this.timer.unref();
  }

  isLeader(): boolean {
    return this.leader && this.client !== undefined;
  }

  onRemoteAppend(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private async tick(): Promise<void> {
    if (this.closed) return;
    try {
      if (!this.client)
        await (this.connecting ??= this.connect().finally(() => (this.connecting = undefined)));
      if (!this.client) return;
      if (!this.leader) {
        const r = await this.client.query<{ ok: boolean }>(
          "SELECT pg_try_advisory_lock(hashtextextended('veritrail.jobs:' || $1, 0)) AS ok",
          [this.target.schema],
        );
        this.leader = r.rows[0]?.ok === true;
      } else {
        // The leader proves its session alive every tick: a node cut off from the database
        // stops leading within a few ticks (query_timeout), not when TCP gives up hours later.
        await this.client.query('SELECT 1');
      }
    } catch (e) {
      this.lost(e);
    }
  }

  private async connect(): Promise<void> {
    const c = newClient(this.target, 'veritrail-coordination', { queryTimeoutMs: this.pollMs * 5 });
    c.on('error', (e) => this.lost(e));
    c.on('end', () => this.lost(new Error('connection ended')));
    c.on('notification', (m) => this.notified(m.channel, m.payload));
    try {
      await c.connect();
      await c.query(`LISTEN "${this.channel}"`);
    } catch (e) {
      await c.end().catch(() => {});
      throw e;
    }
    this.client = c;
    this.failure = undefined;
  }

  private lost(e: unknown): void {
    if (this.closed) return;
    this.failure = `database connection lost: ${(e as Error).message}`;
    this.leader = false;
    const c = this.client;
    this.client = undefined;
    if (c) void c.end().catch(() => {});
  }

  private notified(channel: string, payload: string | undefined): void {
    if (channel !== this.channel || payload === undefined) return;
    let n: AppendNotice;
    try {
      n = JSON.parse(payload) as AppendNotice;
    } catch {
      return;
    }
    if (n.node === this.node || typeof n.tenant !== 'string' || typeof n.size !== 'number') return;
    for (const l of this.listeners) l(n.tenant, n.size);
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    await this.connecting?.catch(() => {});
    const c = this.client;
    this.client = undefined;
    this.leader = false;
    // Ending the session releases the advisory lock: another process takes over at once.
    if (c) await c.end().catch(() => {});
  }
}

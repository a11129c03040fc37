/**
 * The PostgreSQL adapter: any number of server processes on one database (ARCHITECTURE §1, §4).
 * Each process has a pool for reads, one connection at a time for its append transactions, and
 * one for coordination (job leadership and LISTEN).
 */
import { randomUUID } from 'node:crypto';
import type { Store } from '../../app/ports.js';
import { newPool, parseDatabaseUrl, pgError, type PgTarget } from './connect.js';
import { checkVersion, grantTo, migrate, type MigrateResult } from './migrate.js';
import { PgAppendLanes } from './pg-append-lanes.js';
import { PgCoordination } from './pg-coordination.js';
import { PgEventStore } from './pg-event-store.js';
import { PgOutboundStore } from './pg-outbound-store.js';
import { PgAlertStore } from './pg-alert-store.js';
import { PgRetentionStore } from './pg-retention-store.js';
import { PgSourceStore } from './pg-source-store.js';
import { PgReviewStore } from './pg-review-store.js';
import { PgCheckpointStore, PgKeyStore, PgSettingsStore } from './pg-side-stores.js';
import { PgReportIndexStore } from './pg-report-index-store.js';

export interface PgStoreOptions {
  /** postgres://user:pass@host:port/db?schema=name (schema default `public`). */
  readonly url: string;
  /** Run pending migrations first (default true). */
  readonly migrate?: boolean;
  /** Connections for reads (default 8). */
  readonly poolSize?: number;
  /**
   * Take part in job leadership and LISTEN (default true). Command-line tools say false: they
   * never lead the jobs, so a short `verify` never holds the servers' checkpoints back.
   */
  readonly coordinate?: boolean;
  /** Logs are spread over this many append connections, committing in parallel (default 2). */
  readonly appendLanes?: number;
  /** How often a process that does not lead the jobs tries to take over (default 1000 ms). */
  readonly leaderPollMs?: number;
}

export interface PgStore extends Store {
  readonly target: PgTarget;
  readonly migrated: MigrateResult | undefined;
  /** Grants a separate server role its rights (docs/postgres.md "Roles"). */
  grant(role: string): Promise<void>;
}

/** LISTEN channel of one installation (one schema of one database). */
export const channelOf = (target: PgTarget): string => `veritrail_appended.${target.schema}`;

export async function openPostgresStore(opts: PgStoreOptions): Promise<PgStore> {
  const target = parseDatabaseUrl(opts.url);
  const pool = newPool(target, opts.poolSize ?? 8);
  // Idle pooled connections that fail (server restart) must not crash the process.
  pool.on('error', () => {});
  const lanes = opts.appendLanes ?? 2;
  const writerPool = newPool(target, lanes);
  writerPool.on('error', () => {});
  const end = async () => {
    await Promise.all([pool.end(), writerPool.end()]);
  };
  let migrated: MigrateResult | undefined;
  try {
    const c = await pool.connect().catch((e: unknown) => {
      throw pgError(e, 'connecting');
    });
    try {
      if (opts.migrate ?? true) migrated = await migrate(c, target);
      else await checkVersion(c, target);
    } finally {
      c.release();
    }
  } catch (e) {
    await end();
    throw e;
  }
  const node = randomUUID();
  const coordination = new PgCoordination(
    target,
    node,
    channelOf(target),
    opts.leaderPollMs ?? 1000,
  );
  if (opts.coordinate ?? true) await coordination.start();
  const events = new PgEventStore(
    pool,
    new PgAppendLanes(writerPool, channelOf(target), node, lanes),
  );
  return {
    target,
    migrated,
    events,
    audit: events,
    coordination,
    checkpoints: new PgCheckpointStore(pool),
    keys: new PgKeyStore(pool),
    settings: new PgSettingsStore(pool),
    outbound: new PgOutboundStore(pool),
    alerts: new PgAlertStore(pool),
    retention: new PgRetentionStore(pool),
    sources: new PgSourceStore(pool),
    reviews: new PgReviewStore(pool),
    reportIndex: new PgReportIndexStore(pool),
    unhealthy: () => coordination.failure,
    async grant(role) {
      const c = await pool.connect();
      try {
        await grantTo(c, target.schema, role);
      } finally {
        c.release();
      }
    },
    async close() {
      await coordination.close();
      await end();
    },
  };
}

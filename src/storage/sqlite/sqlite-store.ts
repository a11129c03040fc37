/**
 * The SQLite adapter: a folder with one database file. Appends go through one writer (its own
 * connection, optionally on a worker thread so hashing/parsing and committing overlap); reads
 * use a second connection.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { SOLE_PROCESS, type Store } from '../../app/ports.js';
import { AppendWriter } from './append-writer.js';
import { openDatabase } from './open-database.js';
import { decodeBatch } from './row-codec.js';
import { SqliteEventStore, type WritePath } from './sqlite-event-store.js';
import {
  SqliteCheckpointStore,
  SqliteKeyStore,
  SqliteSettingsStore,
} from './sqlite-side-stores.js';
import { SqliteOutboundStore } from './sqlite-outbound-store.js';
import { SqliteAlertStore } from './sqlite-alert-store.js';
import { SqliteRetentionStore } from './sqlite-retention-store.js';
import { SqliteSourceStore } from './sqlite-source-store.js';
import { SqliteReviewStore } from './sqlite-review-store.js';
import { WorkerWritePath } from './worker-write-path.js';
import { SqliteReportIndexStore } from './sqlite-report-index-store.js';

export const DB_FILE = 'veritrail.db';

export interface SqliteStoreOptions {
  /** Folder holding the database; created if missing. `:memory:` is not supported (two connections). */
  readonly dataDir: string;
  /** Commit on a worker thread (default true): overlaps commits with request handling. */
  readonly writerThread?: boolean;
}

export function openSqliteStore(opts: SqliteStoreOptions): Store {
  mkdirSync(opts.dataDir, { recursive: true, mode: 0o700 });
  const file = join(opts.dataDir, DB_FILE);
  const writeDb = openDatabase(file);
  let writer: WritePath & { close(): Promise<void> };
  if (opts.writerThread ?? true) {
    writeDb.close();
    writer = new WorkerWritePath(file);
  } else {
    const w = new AppendWriter(writeDb);
    writer = {
      append: (batch) => Promise.resolve(w.append(decodeBatch(batch))),
      close: () => Promise.resolve(void writeDb.close()),
    };
  }
  const readDb = openDatabase(file);
  const events = new SqliteEventStore(readDb, writer);
  return {
    events,
    audit: events,
    coordination: SOLE_PROCESS,
    checkpoints: new SqliteCheckpointStore(readDb),
    keys: new SqliteKeyStore(readDb),
    settings: new SqliteSettingsStore(readDb),
    outbound: new SqliteOutboundStore(readDb),
    alerts: new SqliteAlertStore(readDb),
    retention: new SqliteRetentionStore(readDb),
    sources: new SqliteSourceStore(readDb),
    reviews: new SqliteReviewStore(readDb),
    reportIndex: new SqliteReportIndexStore(readDb),
    unhealthy: () => writer.failure,
    async close() {
      await writer.close();
      try {
        readDb.pragma('optimize');
      } finally {
        readDb.close();
      }
    },
  };
}

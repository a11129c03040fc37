/**
 * Opens (and migrates) a Veritrail SQLite database. WAL with synchronous=FULL: a commit returns
 * only once its WAL frames are fsynced, so an acknowledged event survives a power cut. A large
 * autocheckpoint interval keeps checkpointing off the ingest path (see bench/).
 */
import Database from 'better-sqlite3';
import { VeritrailError } from '../../core/errors.js';
import { MIGRATIONS } from './migrations.js';

export type Db = Database.Database;

export interface OpenOptions {
  readonly readonly?: boolean;
}

export function openDatabase(file: string, opts: OpenOptions = {}): Db {
  let db: Db;
  try {
    db = new Database(file, {
      readonly: opts.readonly ?? false,
      fileMustExist: opts.readonly ?? false,
    });
  } catch (e) {
    throw new VeritrailError(
      'unavailable',
      `cannot open database ${file}: ${(e as Error).message}`,
      [],
      {
        cause: e,
      },
    );
  }
  db.pragma('busy_timeout = 10000');
  if (!opts.readonly) {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    // A WAL of up to ~400 MB between checkpoints: index pages that many transactions dirty
    // (the random actor index above all) are copied back once per checkpoint instead of once
    // per few transactions (docs/benchmarks.md). The file is trimmed after.
    db.pragma('wal_autocheckpoint = 100000');
    db.pragma('journal_size_limit = 268435456');
    db.pragma('foreign_keys = ON');
    migrate(db);
    // Fresh planner statistics for the indexes that search relies on (SQLite's advice for
    // long-lived connections: analyse on open, limited so it stays fast on large files).
    db.pragma('optimize = 0x10002');
  }
  db.pragma('cache_size = -65536');
  db.pragma('temp_store = MEMORY');
  return db;
}

export function migrate(db: Db): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > MIGRATIONS.length) {
    throw new VeritrailError(
      'unavailable',
      `database schema version ${current} is newer than this Veritrail (${MIGRATIONS.length}); upgrade Veritrail`,
    );
  }
  for (let v = current; v < MIGRATIONS.length; v++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[v] ?? '');
      db.pragma(`user_version = ${v + 1}`);
    }).immediate();
  }
}

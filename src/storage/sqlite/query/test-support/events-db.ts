/**
 * An in-memory SQLite `events` table with the real migration's columns, filled from events the
 * way the store fills it (columns from the event, `source_ip` = parseIp, times = ms), so that
 * compiled WHERE clauses can be compared with the in-memory matcher.
 */
import Database from 'better-sqlite3';
import { canonicalJson } from '../../../../core/canonical-json.js';
import {
  compileMatcher,
  parseIp,
  parseTimestampMs,
  type QueryNode,
} from '../../../../core/query/index.js';
import { compileSqliteWhere } from '../compile-sql.js';

export const EVENTS_DDL = `CREATE TABLE events (
  pos INTEGER PRIMARY KEY, tenant_id INTEGER NOT NULL, seq INTEGER NOT NULL, id TEXT NOT NULL,
  occurred_ms INTEGER NOT NULL, received_ms INTEGER NOT NULL,
  action TEXT NOT NULL, actor_id TEXT NOT NULL, outcome TEXT NOT NULL, category TEXT NOT NULL,
  severity TEXT NOT NULL, source_ip BLOB, event TEXT, salt BLOB, leaf_input TEXT NOT NULL
)`;

type Event = Readonly<Record<string, unknown>>;

const str = (v: unknown): string => (typeof v === 'string' ? v : String(v));
const obj = (v: unknown): Event =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Event) : {};

export function openEventsDb(events: readonly Event[]): Database.Database {
  const db = new Database(':memory:');
  db.exec(EVENTS_DDL);
  const insert = db.prepare(`INSERT INTO events
    (pos, tenant_id, seq, id, occurred_ms, received_ms, action, actor_id, outcome, category,
     severity, source_ip, event, leaf_input) VALUES (?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '')`);
  events.forEach((e, i) => {
    const ip = obj(e.source).ip;
    insert.run(
      i + 1,
      i,
      str(e.id),
      parseTimestampMs(str(e.occurred_at)) ?? 0,
      parseTimestampMs(str(e.received_at)) ?? 0,
      str(e.action),
      str(obj(e.actor).id),
      str(e.outcome),
      str(e.category),
      str(e.severity),
      typeof ip === 'string' ? parseIp(ip) : null,
      canonicalJson(e),
    );
  });
  return db;
}

/** Positions (1-based) selected by the compiled WHERE. */
export function sqlPositions(db: Database.Database, ast: QueryNode): number[] {
  const { sql, params } = compileSqliteWhere(ast);
  return db
    .prepare(`SELECT pos FROM events e WHERE ${sql} ORDER BY pos`)
    .pluck()
    .all(...params) as number[];
}

/** Positions accepted by the in-memory matcher, over the events as stored (JSON round trip). */
export function memoryPositions(events: readonly Event[], ast: QueryNode): number[] {
  const match = compileMatcher(ast);
  return events
    .map((e, i) => (match(JSON.parse(canonicalJson(e)) as Event) ? i + 1 : 0))
    .filter((p) => p > 0);
}

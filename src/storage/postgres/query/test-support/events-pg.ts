/**
 * A PostgreSQL `events` table with the real migration's columns (unpartitioned), filled from
 * events the way the store fills it (columns from the event, `source_ip` = parseIp, times =
 * ms, `event` = canonical JSON), so that compiled WHERE clauses can be compared with the
 * in-memory matcher. Each test file gets its own schema; each batch of events its own tenant_id.
 */
import pg from 'pg';
import { canonicalJson } from '../../../../core/canonical-json.js';
import {
  compileMatcher,
  parseIp,
  parseTimestampMs,
  type QueryNode,
} from '../../../../core/query/index.js';
import { createTestSchema, PG_TEST_URL } from '../../test-support/pg-test.js';
import { compilePgWhere, pgDocLateral } from '../compile-pg.js';

type Event = Readonly<Record<string, unknown>>;

/**
 * The text columns the compiler reads take `collation` ("C", as recommended for the indexes,
 * or an ICU one to show results do not depend on it). Checked: it is spliced into DDL.
 */
export const eventsDdl = (collation = 'default'): string => {
  if (!/^[A-Za-z0-9_.-]+$/.test(collation)) throw new Error(`bad collation ${collation}`);
  const text = `text COLLATE "${collation}" NOT NULL`;
  return `CREATE TABLE events (
    tenant_id integer NOT NULL, seq bigint NOT NULL, id ${text},
    occurred_ms bigint NOT NULL, received_ms bigint NOT NULL,
    action ${text}, actor_id ${text}, outcome ${text}, category ${text}, severity ${text},
    source_ip bytea, event text, salt bytea, leaf_input text NOT NULL
  )`;
};

export interface EventsPg {
  readonly client: pg.Client;
  /** Drops the schema and everything in it, and closes the connection. */
  close(): Promise<void>;
}

/** A fresh schema holding an empty `events` table, and a client whose search_path is it. */
export async function openEventsPg(collation?: string): Promise<EventsPg> {
  const schema = await createTestSchema('vt_query');
  const client = new pg.Client({
    connectionString: PG_TEST_URL,
    options: `-c search_path=${schema.schema}`,
  });
  await client.connect();
  await client.query(eventsDdl(collation));
  return {
    client,
    close: async () => {
      await client.end();
      await schema.drop();
    },
  };
}

/** A text collation other than "C", to show the SQL does not depend on it; null if none. */
export async function nonCCollation(client: pg.Client): Promise<string | null> {
  const { rows } = await client.query<{ collname: string }>(
    `SELECT collname FROM pg_collation WHERE collname IN ('en-x-icu', 'und-x-icu', 'en_US.utf8')
     ORDER BY collname LIMIT 1`,
  );
  return rows[0]?.collname ?? null;
}

const str = (v: unknown): string => (typeof v === 'string' ? v : String(v));
const obj = (v: unknown): Event =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Event) : {};

/** Column values of one row, as the store derives them from the event. */
function rowOf(e: Event): unknown[] {
  const ip = obj(e.source).ip;
  const parsed = typeof ip === 'string' ? parseIp(ip) : null;
  return [
    str(e.id),
    parseTimestampMs(str(e.occurred_at)) ?? 0,
    parseTimestampMs(str(e.received_at)) ?? 0,
    str(e.action),
    str(obj(e.actor).id),
    str(e.outcome),
    str(e.category),
    str(e.severity),
    parsed === null ? null : Buffer.from(parsed),
    canonicalJson(e),
  ];
}

/** Inserts `events` under `tenantId` with seq 1, 2, ... (the positions the tests compare). */
export async function insertEvents(
  client: pg.Client,
  tenantId: number,
  events: readonly Event[],
): Promise<void> {
  if (events.length === 0) return;
  const params: unknown[] = [tenantId];
  const rows = events.map((e, i) => {
    const values = [i + 1, ...rowOf(e)];
    const marks = values.map((v) => `$${params.push(v)}`);
    return `($1, ${marks.join(', ')}, '')`;
  });
  await client.query(
    `INSERT INTO events (tenant_id, seq, id, occurred_ms, received_ms, action, actor_id, outcome,
      category, severity, source_ip, event, leaf_input) VALUES ${rows.join(', ')}`,
    params,
  );
}

/** Positions (seq, 1-based) of `tenantId`'s rows selected by the compiled WHERE. */
export async function pgPositions(
  client: pg.Client,
  tenantId: number,
  ast: QueryNode,
): Promise<number[]> {
  const { sql, params, usesDoc } = compilePgWhere(ast, { alias: 'e', firstParam: 2 });
  const { rows } = await client.query<{ seq: number }>(
    `SELECT e.seq::integer AS seq FROM events e ${usesDoc ? pgDocLateral('e') : ''}
     WHERE e.tenant_id = $1 AND ${sql} ORDER BY e.seq`,
    [tenantId, ...params],
  );
  return rows.map((r) => r.seq);
}

/** Positions accepted by the in-memory matcher, over the events as stored (JSON round trip). */
export function memoryPositions(events: readonly Event[], ast: QueryNode): number[] {
  const match = compileMatcher(ast);
  return events
    .map((e, i) => (match(JSON.parse(canonicalJson(e)) as Event) ? i + 1 : 0))
    .filter((p) => p > 0);
}

/** U+0000 in any string or key: validation refuses such events, PostgreSQL text cannot hold them. */
export function hasNul(v: unknown): boolean {
  if (typeof v === 'string') return v.includes('\u0000');
  if (Array.isArray(v)) return v.some(hasNul);
  if (typeof v === 'object' && v !== null) {
    return Object.entries(v).some(([k, x]) => k.includes('\u0000') || hasNul(x));
  }
  return false;
}

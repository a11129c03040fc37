/**
 * PostgreSQL in `npm run bench` (docs/postgres.md): HTTP ingest with one and with two server
 * processes on one database, against the floor of plain multi-row INSERTs of the same rows into
 * the same partitioned `events` table (same indexes, batches of 5,000, one connection, one
 * commit per batch), with no sequencing, ids, tree or signing. The floor is measured before and
 * after the ingest runs; their mean is the baseline.
 *   BENCH_PG_URL      server (default postgres://postgres@127.0.0.1:5432/postgres)
 *   BENCH_PG_EVENTS   events per run (default 300,000)
 *   BENCH_PG_CLIENTS  concurrent HTTP clients in total (default 8)
 */
import { randomBytes as nodeRandomBytes } from 'node:crypto';
import { join } from 'node:path';
import pg from 'pg';
import { v7 as uuidv7 } from 'uuid';
import { randomBytes } from '../src/core/crypto.js';
import { commit, normaliseEvent } from '../src/core/event/index.js';
import { MIGRATIONS } from '../src/storage/postgres/migrations.js';
import {
  EVENT_UNNEST,
  eventColumns,
  flatten,
  monthStartMs,
} from '../src/storage/postgres/pg-rows.js';
import { ADMIN, postLoad, startServer } from './server.js';
import { latencies } from './stats.js';
import { benchEvent, SEARCH_QUERIES } from './workload.js';

const URL_ = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const N = Number(process.env.BENCH_PG_EVENTS ?? 300_000);
const CLIENTS = Number(process.env.BENCH_PG_CLIENTS ?? 8);
const BATCH = 500;
const TENANTS = ['bench-a', 'bench-b', 'bench-c', 'bench-d'];

export interface PgFigures {
  readonly events: number;
  readonly clients: number;
  readonly floor: number;
  readonly floorRuns: readonly number[];
  readonly one: number;
  readonly two: number;
  /** Search over HTTP after the one-process run (ms). */
  readonly search: Record<string, SearchLatency>;
}

async function admin(sql: string): Promise<void> {
  const c = new pg.Client({ connectionString: URL_ });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

async function freshSchema(): Promise<{ schema: string; url: string }> {
  const schema = `vt_bench_${nodeRandomBytes(4).toString('hex')}`;
  await admin(`CREATE SCHEMA ${schema}`);
  const u = new URL(URL_);
  u.searchParams.set('schema', schema);
  return { schema, url: u.toString() };
}

export async function pgReachable(): Promise<string | undefined> {
  try {
    await admin('SELECT 1');
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}

async function floor(): Promise<number> {
  const { schema } = await freshSchema();
  const c = new pg.Client({ connectionString: URL_, options: `-c search_path=${schema}` });
  await c.connect();
  try {
    await c.query(MIGRATIONS.join('\n'));
    const CHUNK = 5000;
    let timed = 0;
    for (let from = 0; from < N; from += CHUNK) {
      const receivedAt = new Date().toISOString();
      const inputs = Array.from({ length: Math.min(CHUNK, N - from) }, (_, k) => {
        const r = normaliseEvent(benchEvent(from + k, N, TENANTS[(from + k) % 4]), {
          defaultTenant: 'bench',
          receivedAt,
          newId: uuidv7,
        });
        if (!r.ok) throw new Error('bad bench event');
        return { event: r.value, commitment: commit(r.value, randomBytes(32)) };
      });
      const rows = flatten(inputs);
      const months = [...new Set(rows.map((r) => monthStartMs(r.occurredMs)))];
      await c.query('SELECT veritrail_ensure_partition(m) FROM unnest($1::bigint[]) m', [months]);
      const cols = eventColumns(rows.map((row, k) => ({ row, tenantId: 1, seq: from + k })));
      const t = performance.now();
      await c.query(`INSERT INTO events SELECT * FROM ${EVENT_UNNEST}`, cols);
      timed += performance.now() - t;
    }
    return N / (timed / 1000);
  } finally {
    await c.end();
    await admin(`DROP SCHEMA ${schema} CASCADE`);
  }
}

export interface SearchLatency {
  readonly p50: number;
  readonly p99: number;
}

/** Search latency over HTTP on the loaded database (the same queries as the SQLite figures). */
async function searches(url: string): Promise<Record<string, SearchLatency>> {
  const out: Record<string, SearchLatency> = {};
  for (const [name, qs] of Object.entries(SEARCH_QUERIES)) {
    const xs: number[] = [];
    for (let i = 0; i < 205; i++) {
      const t = performance.now();
      const res = await fetch(`${url}/v1/events?tenant=${TENANTS[i % 4]}&limit=50&${qs(i)}`, {
        headers: { authorization: `Bearer ${ADMIN}` },
      });
      if (!res.ok) throw new Error(`search: HTTP ${res.status}`);
      await res.arrayBuffer();
      if (i >= 5) xs.push(performance.now() - t);
    }
    const l = latencies(xs);
    out[name] = { p50: l.p50, p99: l.p99 };
  }
  return out;
}

/** HTTP ingest of N events spread over `processes` servers on one fresh schema. */
async function ingest(
  tmp: string,
  processes: number,
  after?: (url: string) => Promise<void>,
): Promise<number> {
  const { schema, url } = await freshSchema();
  const dir = join(tmp, `pg-${processes}`);
  const servers: { url: string; stop: () => Promise<void> }[] = [];
  for (let i = 0; i < processes; i++)
    servers.push(await startServer(dir, { VERITRAIL_DATABASE_URL: url }));
  const bodies = Array.from({ length: 40 }, (_, b) =>
    JSON.stringify({
      events: Array.from({ length: BATCH }, (_, k) =>
        benchEvent(b * BATCH + k, N, TENANTS[(b * BATCH + k) % 4]),
      ),
    }),
  );
  try {
    const rate = await postLoad({
      urls: servers.map((s) => s.url),
      bodies,
      batch: BATCH,
      total: N,
      clients: CLIENTS,
    });
    if (after) await after(servers[0]!.url);
    return rate;
  } finally {
    for (const s of servers) await s.stop();
    await admin(`DROP SCHEMA ${schema} CASCADE`);
  }
}

export async function postgresBench(tmp: string): Promise<PgFigures> {
  const floorA = await floor();
  let search: Record<string, SearchLatency> = {};
  const one = await ingest(tmp, 1, async (url) => {
    search = await searches(url);
  });
  const two = await ingest(tmp, 2);
  const floorB = await floor();
  return {
    events: N,
    clients: CLIENTS,
    floor: (floorA + floorB) / 2,
    floorRuns: [floorA, floorB],
    one,
    two,
    search,
  };
}

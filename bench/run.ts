/**
 * `npm run bench`: Veritrail against its own floor, measured in the same run on the same machine
 * (ARCHITECTURE §9). Prints a table and writes bench/results/latest.json.
 *   BENCH_EVENTS   events per ingest run (default 1,000,000)
 *   BENCH_CLIENTS  concurrent HTTP clients / library callers (default 4)
 *   BENCH_ONLY=postgres  only the PostgreSQL figures (bench/pg.ts); BENCH_PG=0 skips them
 *   BENCH_ONLY=stream    only the live stream figures (bench/stream.ts)
 *   BENCH_ONLY=capture   only the importer and receiver figures (bench/capture.ts)
 *   BENCH_ONLY=report    only the compliance report figures (bench/report.ts; BENCH_REPORT_EVENTS)
 *   BENCH_ONLY=detect    only the detection figures (bench/detect.ts; BENCH_DETECT_EVENTS)
 *   BENCH_PROF=DIR  the benchmarked servers write CPU profiles (--cpu-prof) to DIR
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServices } from '../src/app/services.js';
import { parseQuery } from '../src/core/query/index.js';
import { loadOrCreateSigner } from '../src/storage/signing-key-file.js';
import { openSqliteStore } from '../src/storage/sqlite/sqlite-store.js';
import { floorInsert } from './floor.js';
import { ADMIN, postLoad, ROOT, startServer } from './server.js';
import { pgReachable, postgresBench } from './pg.js';
import { streamBench } from './stream.js';
import { captureBench } from './capture.js';
import { reportBench, reportRows } from './report.js';
import { detectBench, detectRows } from './detect.js';
import { latencies, printTable } from './stats.js';
import { benchEvent, SEARCH_QUERIES, T0, USERS } from './workload.js';

const N = Number(process.env.BENCH_EVENTS ?? 1_000_000);
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 4);
const BATCH = 500;

const tmp = mkdtempSync(join(tmpdir(), 'veritrail-bench-'));
const results: Record<string, unknown> = {
  events: N,
  clients: CLIENTS,
  batch: BATCH,
  node: process.version,
  at: new Date().toISOString(),
};
const rows: string[][] = [['measure', 'value', 'vs floor / target']];
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

async function library(): Promise<number> {
  const dir = join(tmp, 'lib');
  const s = createServices({
    store: openSqliteStore({ dataDir: dir }),
    signer: loadOrCreateSigner(dir),
  });
  s.checkpointJob.start();
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      while (next < N) {
        const from = next;
        next += BATCH;
        const batch = Array.from({ length: Math.min(BATCH, N - from) }, (_, k) =>
          benchEvent(from + k, N),
        );
        await s.ingest.ingest(batch, { kind: 'admin' });
      }
    }),
  );
  const rate = N / ((performance.now() - started) / 1000);
  await s.close();
  return rate;
}

async function http(
  dir: string,
): Promise<{ rate: number; url: string; stop: () => Promise<void> }> {
  const server = await startServer(dir);
  // Distinct pre-serialised bodies, cycled (the server assigns fresh ids): client CPU stays small.
  const bodies = Array.from({ length: 40 }, (_, b) =>
    JSON.stringify({
      events: Array.from({ length: BATCH }, (_, k) => benchEvent(b * BATCH + k, N)),
    }),
  );
  const rate = await postLoad({
    urls: [server.url],
    bodies,
    batch: BATCH,
    total: N,
    clients: CLIENTS,
  });
  return { rate, ...server };
}

async function timeIt(
  n: number,
  fn: (i: number) => Promise<unknown>,
): Promise<{ p50: number; p99: number; n: number }> {
  for (let i = 0; i < 5; i++) await fn(i); // warm-up
  const xs: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await fn(i);
    xs.push(performance.now() - t);
  }
  return latencies(xs);
}

/** Live stream figures (bench/stream.ts). */
async function streams(): Promise<void> {
  const f = await streamBench(tmp);
  rows.push([
    `ingest, HTTP, no stream client (${fmt(f.events)} events) (ev/s)`,
    fmt(f.none),
    '1.00',
  ]);
  rows.push([
    'ingest, HTTP, 20 stream clients following the log (ev/s)',
    fmt(f.twenty),
    `${(f.twenty / f.none).toFixed(2)} (target ≥ 0.90)`,
  ]);
  rows.push([
    'ingest, HTTP, 20 stream clients + 1 that never reads (ev/s)',
    fmt(f.twentyAndStalled),
    `${(f.twentyAndStalled / f.none).toFixed(2)} (target ≥ 0.90)`,
  ]);
  rows.push([
    `201 → SSE message at 20 clients, 5,000 ev/s (p50 / p99 ms, ${fmt(f.latency.n)} samples)`,
    `${f.latency.p50.toFixed(1)} / ${f.latency.p99.toFixed(1)}`,
    'p99 < 50 ms',
  ]);
  results.stream = f;
}

/** Importer and receiver figures (bench/capture.ts). */
async function capture(): Promise<void> {
  const c = await captureBench(tmp);
  for (const [format, f] of Object.entries(c.importers)) {
    rows.push([
      `import mapping, ${format}, ${fmt(c.events)} records, 1 core (records/s)`,
      fmt(f.rate),
      `${(f.rate / f.parse).toFixed(2)} of JSON.parse alone (${fmt(f.parse)}/s)`,
    ]);
  }
  const { http } = c;
  rows.push([
    `capture baseline: POST /v1/events, ${fmt(c.events)} events (ev/s)`,
    fmt(http.events),
    '1.00',
  ]);
  const vs = (x: number) => (x / http.events).toFixed(2);
  if (http.import > 0)
    rows.push([
      'POST /v1/import, CloudTrail, 500 records a request (ev/s)',
      fmt(http.import),
      vs(http.import),
    ]);
  rows.push(['OTLP/HTTP JSON, 500 log records a request (ev/s)', fmt(http.otlp), vs(http.otlp)]);
  rows.push(['syslog RFC 5424 over TCP, 4 connections (ev/s)', fmt(http.syslog), vs(http.syslog)]);
  results.capture = c;
}

/** Detection figures (bench/detect.ts): one core, in process, against JSON.parse. */
async function detect(): Promise<void> {
  const d = await detectBench();
  const [, ...body] = detectRows(d); // the first row is a header like this table's
  for (const [measure = '', value = '', vs = ''] of body)
    rows.push([`detection: ${measure}`, value, vs]);
  results.detect = d;
}

/** Compliance report figures (bench/report.ts). */
async function report(): Promise<void> {
  const r = await reportBench();
  const [, ...body] = reportRows(r); // the first row is a header like this table's
  for (const [measure = '', value = '', vs = ''] of body)
    rows.push([`report: ${measure} (s)`, value, vs === '' ? '' : `${vs} (target < 5 s)`]);
  results.report = r;
}

/** PostgreSQL figures (bench/pg.ts), or a row saying why they were skipped. */
async function postgres(): Promise<void> {
  const unreachable = process.env.BENCH_PG === '0' ? 'BENCH_PG=0' : await pgReachable();
  if (unreachable !== undefined) {
    rows.push(['PostgreSQL', 'skipped', unreachable]);
    results.postgres = { skipped: unreachable };
    return;
  }
  const p = await postgresBench(tmp);
  rows.push([
    `PostgreSQL floor: plain multi-row INSERT, same table & rows (ev/s)`,
    fmt(p.floor),
    `1.00 (runs: ${p.floorRuns.map(fmt).join(', ')})`,
  ]);
  rows.push([
    `PostgreSQL ingest, HTTP, 1 process (${fmt(p.events)} events, ${p.clients} clients) (ev/s)`,
    fmt(p.one),
    `${(p.one / p.floor).toFixed(2)} (target ≥ 0.60)`,
  ]);
  rows.push([
    'PostgreSQL ingest, HTTP, 2 processes on one database (ev/s)',
    fmt(p.two),
    `${(p.two / p.floor).toFixed(2)}; ${(p.two / p.one).toFixed(2)}× one process (target > 1)`,
  ]);
  for (const [name, l] of Object.entries(p.search)) {
    rows.push([
      `PostgreSQL search over HTTP, ${name}, ${fmt(p.events)} events (p50 / p99 ms, audited)`,
      `${l.p50.toFixed(2)} / ${l.p99.toFixed(2)}`,
      '',
    ]);
  }
  results.postgres = p;
}

async function main(): Promise<void> {
  if (process.env.BENCH_ONLY === 'stream') {
    await streams();
    printTable(rows);
    rmSync(tmp, { recursive: true, force: true });
    return;
  }
  if (process.env.BENCH_ONLY === 'capture') {
    await capture();
    printTable(rows);
    rmSync(tmp, { recursive: true, force: true });
    return;
  }
  if (process.env.BENCH_ONLY === 'report') {
    await report();
    printTable(rows);
    rmSync(tmp, { recursive: true, force: true });
    return;
  }
  if (process.env.BENCH_ONLY === 'detect') {
    await detect();
    printTable(rows);
    rmSync(tmp, { recursive: true, force: true });
    return;
  }
  if (process.env.BENCH_ONLY === 'postgres') {
    await postgres();
    printTable(rows);
    rmSync(tmp, { recursive: true, force: true });
    return;
  }
  console.log(
    `Veritrail benchmark: ${fmt(N)} events, ${CLIENTS} clients, batches of ${BATCH} (${tmp})`,
  );
  // The floor is measured twice, before and between the ingest runs, and their mean is the
  // baseline: one measurement swings with whatever else the machine is doing.
  const floorA = await floorInsert(join(tmp, 'floor-a'), N, (i) => benchEvent(i, N));
  rmSync(join(tmp, 'floor-a'), { recursive: true, force: true });
  const lib = await library();
  rmSync(join(tmp, 'lib'), { recursive: true, force: true });
  const floorB = await floorInsert(join(tmp, 'floor-b'), N, (i) => benchEvent(i, N));
  rmSync(join(tmp, 'floor-b'), { recursive: true, force: true });
  const floor = (floorA + floorB) / 2;
  rows.push([
    'floor: plain SQLite insert, same schema & rows (ev/s)',
    fmt(floor),
    `1.00 (runs: ${fmt(floorA)}, ${fmt(floorB)})`,
  ]);
  results.floor_events_per_s = floor;
  results.floor_runs_events_per_s = [floorA, floorB];

  rows.push([
    'ingest, library API (ev/s)',
    fmt(lib),
    `${(lib / floor).toFixed(2)} (target ≥ 0.80)`,
  ]);
  results.library_events_per_s = lib;

  const dir = join(tmp, 'http');
  const h = await http(dir);
  rows.push([
    'ingest, HTTP API (ev/s)',
    fmt(h.rate),
    `${(h.rate / floor).toFixed(2)} (target ≥ 0.70 and ≥ 30,000/s)`,
  ]);
  results.http_events_per_s = h.rate;

  const get = async (path: string) => {
    const res = await fetch(`${h.url}${path}`, { headers: { authorization: `Bearer ${ADMIN}` } });
    if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`);
    return res.arrayBuffer();
  };
  const dayMs = 24 * 3600 * 1000;
  const latency: Record<string, unknown> = {};
  for (const [name, qs] of Object.entries(SEARCH_QUERIES)) {
    const l = await timeIt(200, (i) => get(`/v1/events?tenant=bench&limit=50&${qs(i)}`));
    latency[`http ${name}`] = l;
    rows.push([
      `search over HTTP, ${name}, ${fmt(N)} events (p50 / p99 ms, audited)`,
      `${l.p50.toFixed(2)} / ${l.p99.toFixed(2)}`,
      'p99 < 20 ms',
    ]);
  }
  const proofHttp = await timeIt(500, (i) =>
    get(`/v1/logs/bench/proof/inclusion?index=${(i * 104729) % N}&size=${N}`),
  );
  rows.push([
    'inclusion proof over HTTP (p50 / p99 ms)',
    `${proofHttp.p50.toFixed(2)} / ${proofHttp.p99.toFixed(2)}`,
    'p99 < 2 ms',
  ]);
  latency.http_inclusion_proof = proofHttp;
  await h.stop();

  const s = createServices({
    store: openSqliteStore({ dataDir: dir, writerThread: false }),
    signer: loadOrCreateSigner(dir),
  });
  const storeQueries: Record<string, (i: number) => Parameters<typeof s.store.events.search>[0]> = {
    'actor.id': (i) => ({
      tenant: 'bench',
      query: parseQuery(`actor.id:user-${(i * 13) % USERS}`),
      limit: 50,
    }),
    action: (i) => ({
      tenant: 'bench',
      query: parseQuery(`action:invoice.${['read', 'update', 'delete'][i % 3]}`),
      limit: 50,
    }),
    'time range (1 day)': (i) => ({
      tenant: 'bench',
      query: parseQuery(''),
      sinceMs: T0 + ((i * 7) % 89) * dayMs,
      untilMs: T0 + (((i * 7) % 89) + 1) * dayMs,
      limit: 50,
    }),
  };
  for (const [name, p] of Object.entries(storeQueries)) {
    const l = await timeIt(300, (i) => s.store.events.search(p(i)));
    latency[`store ${name}`] = l;
    rows.push([
      `search in the store, ${name} (p50 / p99 ms)`,
      `${l.p50.toFixed(2)} / ${l.p99.toFixed(2)}`,
      'p99 < 20 ms',
    ]);
  }
  const proof = await timeIt(1000, (i) => s.ledger.inclusion('bench', (i * 104729) % N, N));
  rows.push([
    'inclusion proof in-process (p50 / p99 ms)',
    `${proof.p50.toFixed(3)} / ${proof.p99.toFixed(3)}`,
    'p99 < 2 ms',
  ]);
  const cons = await timeIt(500, (i) =>
    s.ledger.consistency('bench', 1 + ((i * 7919) % (N - 1)), N),
  );
  rows.push([
    'consistency proof in-process (p50 / p99 ms)',
    `${cons.p50.toFixed(3)} / ${cons.p99.toFixed(3)}`,
    '',
  ]);
  latency.inclusion_proof = proof;
  latency.consistency_proof = cons;
  results.latency_ms = latency;

  const t = performance.now();
  const [v] = await s.verify(['bench']);
  const vrate = v!.size / ((performance.now() - t) / 1000);
  rows.push([
    `verify (${fmt(v!.size)} entries, ${v!.ok ? 'intact' : 'FAILED'}) (ev/s)`,
    fmt(vrate),
    '≥ 100,000/s',
  ]);
  results.verify_events_per_s = vrate;
  await s.close();

  await streams();
  await capture();
  await detect();
  await report();
  await postgres();
  printTable(rows);
  mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
  writeFileSync(join(ROOT, 'bench/results/latest.json'), `${JSON.stringify(results, null, 2)}\n`);
  console.log('results written to bench/results/latest.json');
  rmSync(tmp, { recursive: true, force: true });
}

await main();

/**
 * Live streams in `npm run bench` (docs/benchmarks.md): on one `veritrail serve` (SQLite),
 *  - HTTP ingest throughput with no stream client, with 20 clients following the log, and with
 *    those 20 plus one client that never reads (same run, same server);
 *  - latency from the 201 of POST /v1/events to the SSE message at each of 20 clients, while
 *    events are sent at a steady 5,000 events/s.
 * Clients read the raw SSE text and pick out `id:` lines (no JSON parsing), so the benchmark's
 * own process stays light on a machine it shares with the server.
 *   BENCH_STREAM_EVENTS  events per throughput run (default 100,000)
 */
import { request } from 'node:http';
import { join } from 'node:path';
import { ADMIN, postLoad, startServer } from './server.js';
import { latencies } from './stats.js';
import { benchEvent } from './workload.js';

const N = Number(process.env.BENCH_STREAM_EVENTS ?? 100_000);
const PRODUCERS = 4;
const BATCH = 500;
const CLIENTS = 20;
const headers = { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' };

export interface StreamFigures {
  readonly events: number;
  readonly none: number;
  readonly twenty: number;
  readonly twentyAndStalled: number;
  readonly latency: { readonly p50: number; readonly p99: number; readonly n: number };
}

/** A stream reader: calls `seen(seq, t, position)` for each frame's id, until `stop`. */
/** `seen` undefined: the client reads and discards (throughput runs: a light client). */
function follow(
  url: string,
  seen: ((seq: number, t: number, position: boolean) => void) | undefined,
  paused = false,
) {
  let buf = '';
  let opened!: () => void;
  const ready = new Promise<void>((r) => (opened = r));
  const req = request(`${url}/v1/stream?tenant=bench`, { headers }, (res) => {
    opened(); // the stream's start position is fixed once the response has begun
    if (paused) {
      res.pause();
      return;
    }
    if (!seen) {
      res.resume();
      return;
    }
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => {
      const t = performance.now();
      buf += chunk;
      let at: number;
      while ((at = buf.indexOf('\n\n')) >= 0) {
        const frame = buf.slice(0, at);
        buf = buf.slice(at + 2);
        // The first frame starts with `retry:`; every frame has one `id:` line.
        const id = frame.startsWith('id: ') ? 0 : frame.indexOf('\nid: ') + 1;
        if (id > 0 || frame.startsWith('id: ')) {
          const seq = Number(frame.slice(id + 4, frame.indexOf('\n', id)));
          seen(seq, t, frame.includes('\nevent: position'));
        }
      }
    });
  });
  req.on('error', () => {});
  req.end();
  return { ready, stop: () => req.destroy() };
}

async function ingest(url: string): Promise<number> {
  const bodies = Array.from({ length: 20 }, (_, b) =>
    JSON.stringify({
      events: Array.from({ length: BATCH }, (_, k) => benchEvent(b * BATCH + k, N)),
    }),
  );
  return postLoad({ urls: [url], bodies, batch: BATCH, total: N, clients: PRODUCERS });
}

/**
 * 5,000 events/s for `seconds`, in batches of 50 every 10 ms; latency at every client. Arrival
 * times go into typed arrays indexed from the stream's start position (its first frame), so
 * the measuring process makes next to no garbage while it measures.
 */
async function latency(url: string, seconds: number) {
  const capacity = seconds * 5000 + 10_000;
  const arrivals = Array.from({ length: CLIENTS }, () => ({
    base: -1,
    at: new Float64Array(capacity).fill(Number.NaN),
  }));
  const clients = arrivals.map((a) =>
    follow(url, (seq, t, position) => {
      if (position) {
        if (a.base < 0) a.base = seq + 1;
      } else if (a.base >= 0 && seq - a.base < capacity) a.at[seq - a.base] = t;
    }),
  );
  await Promise.all(clients.map((c) => c.ready));
  const acked: [number, number][] = [];
  const start = performance.now();
  const inFlight: Promise<void>[] = [];
  for (let i = 0; performance.now() - start < seconds * 1000; i++) {
    const wait = start + i * 10 - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const body = JSON.stringify({
      events: Array.from({ length: 50 }, (_, k) => benchEvent(i * 50 + k, 1_000_000)),
    });
    inFlight.push(
      (async () => {
        const res = await fetch(`${url}/v1/events`, { method: 'POST', headers, body });
        const t = performance.now();
        const events = ((await res.json()) as { events: { seq: number }[] }).events;
        acked.push([events[events.length - 1]!.seq, t]);
      })(),
    );
  }
  await Promise.all(inFlight);
  await new Promise((r) => setTimeout(r, 1000));
  for (const c of clients) c.stop();
  const samples: number[] = [];
  let missing = 0;
  for (const [seq, t] of acked) {
    for (const a of arrivals) {
      const at = a.at[seq - a.base];
      // A message can beat the 201 back to the producer: that is no latency at all.
      if (at === undefined || Number.isNaN(at)) missing++;
      else samples.push(Math.max(0, at - t));
    }
  }
  if (missing > 0) throw new Error(`${missing} (client, batch) messages never arrived`);
  return latencies(samples);
}

export async function streamBench(tmp: string): Promise<StreamFigures> {
  const server = await startServer(join(tmp, 'stream'));
  try {
    const none = await ingest(server.url);
    const readers = Array.from({ length: CLIENTS }, () => follow(server.url, undefined));
    await Promise.all(readers.map((r) => r.ready));
    const twenty = await ingest(server.url);
    const stalled = follow(server.url, undefined, true);
    await stalled.ready;
    const twentyAndStalled = await ingest(server.url);
    stalled.stop();
    for (const r of readers) r.stop();
    const lat = await latency(server.url, 10);
    return { events: N, none, twenty, twentyAndStalled, latency: lat };
  } finally {
    await server.stop();
  }
}

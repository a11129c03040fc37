/**
 * Capture in `npm run bench` (docs/benchmarks.md):
 *  - importers, in process on one core: records mapped per second for each JSON format against
 *    the cost of JSON.parse of the same lines (the floor: no importer can beat parsing);
 *  - receivers through one real `veritrail serve` (SQLite), against POST /v1/events of the same
 *    number of events measured on the same server in the same run: POST /v1/import (CloudTrail),
 *    OTLP/HTTP JSON, and syslog over TCP (RFC 5424, octet counting).
 *   BENCH_CAPTURE_EVENTS  events per run (default 50,000)
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { importRecords, type ImportFormat } from '../src/core/import/index.js';
import { ADMIN, ROOT, startServer, type BenchServer } from './server.js';
import { median } from './stats.js';
import { benchEvent } from './workload.js';

const N = Number(process.env.BENCH_CAPTURE_EVENTS ?? 50_000);
const CLIENTS = 4;
const BATCH = 500;
const SAMPLES = join(ROOT, '..', 'shared', 'samples');
const FIXTURES = join(ROOT, 'test', 'fixtures', 'import');

type Obj = Record<string, unknown>;

export interface CaptureFigures {
  readonly events: number;
  /** Per format: records/s mapped, and JSON.parse lines/s of the same text. */
  readonly importers: Record<string, { readonly rate: number; readonly parse: number }>;
  /** Events/s through the server. */
  readonly http: {
    readonly events: number;
    readonly import: number;
    readonly otlp: number;
    readonly syslog: number;
  };
}

const jsonLines = (file: string): Obj[] => {
  const text = readFileSync(file, 'utf8').trim();
  if (text.startsWith('[')) return JSON.parse(text) as Obj[];
  if (text.startsWith('{') && !text.includes('\n{')) return [JSON.parse(text) as Obj];
  return text.split('\n').map((l) => JSON.parse(l) as Obj);
};

const fromDir = (dir: string, ext: string): Obj[] =>
  existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => f.endsWith(ext))
        .flatMap((f) => jsonLines(join(dir, f)))
    : [];

/** Real records of each format, and the field holding the record's own id. */
const SOURCES: Record<string, { records: () => Obj[]; id: string }> = {
  cloudtrail: { records: () => fromDir(join(SAMPLES, 'cloudtrail'), '.json'), id: 'eventID' },
  'k8s-audit': { records: () => fromDir(join(SAMPLES, 'k8s-audit'), '.json'), id: 'auditID' },
  'gcp-audit': { records: () => fromDir(join(SAMPLES, 'gcp-audit'), '.json'), id: 'insertId' },
  github: { records: () => fromDir(join(FIXTURES, 'github'), '.jsonl'), id: '_document_id' },
  okta: { records: () => fromDir(join(FIXTURES, 'okta'), '.jsonl'), id: 'uuid' },
};

/** `n` records cycling through the samples, each with an id of its own. */
function replicate(format: string, n: number): Obj[] {
  const src = SOURCES[format]!;
  const base = src.records();
  if (base.length === 0) return [];
  return Array.from({ length: n }, (_, i) => {
    const r = structuredClone(base[i % base.length]!);
    r[src.id] = `${String(r[src.id])}-${i}`;
    return r;
  });
}

function time(fn: () => void): number {
  const t = performance.now();
  fn();
  return performance.now() - t;
}

function importers(): CaptureFigures['importers'] {
  const out: Record<string, { rate: number; parse: number }> = {};
  for (const format of Object.keys(SOURCES)) {
    const records = replicate(format, N);
    if (records.length === 0) continue;
    const text = records.map((r) => JSON.stringify(r)).join('\n');
    const runs = 3;
    const parse: number[] = [];
    const map: number[] = [];
    let mapped = 0;
    for (let k = 0; k < runs; k++) {
      parse.push(time(() => text.split('\n').forEach((l) => void JSON.parse(l))));
      map.push(
        time(() => {
          const r = importRecords(format as ImportFormat, text, { tenant: 'bench' });
          mapped = r.events.length;
        }),
      );
    }
    if (mapped !== N) throw new Error(`${format}: mapped ${mapped} of ${N} records`);
    out[format] = { rate: N / (median(map) / 1000), parse: N / (median(parse) / 1000) };
  }
  return out;
}

/** POSTs `bodies` (each holding `per` events) from CLIENTS concurrent clients; events/s. */
async function post(
  server: BenchServer,
  path: string,
  bodies: readonly string[],
  per: number,
  contentType: string,
  ok: (status: number, body: string) => boolean,
): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      while (next < bodies.length) {
        const body = bodies[next++]!;
        const res = await fetch(`${server.url}${path}`, {
          method: 'POST',
          headers: { authorization: `Bearer ${ADMIN}`, 'content-type': contentType },
          body,
        });
        const text = await res.text();
        if (!ok(res.status, text)) throw new Error(`${path}: HTTP ${res.status}: ${text}`);
      }
    }),
  );
  return (bodies.length * per) / ((performance.now() - started) / 1000);
}

const chunks = <T>(xs: readonly T[], size: number): T[][] =>
  Array.from({ length: Math.ceil(xs.length / size) }, (_, i) => xs.slice(i * size, (i + 1) * size));

function otlpBodies(): string[] {
  const attr = (key: string, value: string) => ({ key, value: { stringValue: value } });
  const t0 = BigInt(Date.now()) * 1_000_000n;
  return chunks(
    Array.from({ length: N }, (_, i) => ({
      timeUnixNano: String(t0 + BigInt(i)),
      severityNumber: 9,
      body: { stringValue: `user u${i % 500} signed in` },
      attributes: [
        attr('audit.id', `otlp-bench-${i}`),
        attr('audit.action', 'user.login'),
        attr('audit.actor.id', `u${i % 500}`),
        attr('audit.outcome', i % 10 === 0 ? 'failure' : 'success'),
        attr('client.address', `10.0.${(i >> 8) & 255}.${i & 255}`),
      ],
    })),
    BATCH,
  ).map((logRecords) =>
    JSON.stringify({
      resourceLogs: [
        {
          resource: { attributes: [attr('service.name', 'bench-app')] },
          scopeLogs: [{ scope: { name: 'bench' }, logRecords }],
        },
      ],
    }),
  );
}

/** RFC 5424 messages with audit structured data, octet-counted, over CLIENTS connections. */
async function syslogLoad(server: BenchServer, port: number): Promise<number> {
  const frame = (i: number) => {
    const msg = `<86>1 ${new Date().toISOString()} host-${i % 8} sshd ${1000 + (i % 50)} - [audit@32473 action="user.login" actor="u${i % 500}" outcome="success"] accepted publickey for u${i % 500}`;
    return `${Buffer.byteLength(msg)} ${msg}`;
  };
  const appended = async () => {
    const res = await fetch(`${server.url}/metrics`, {
      headers: { authorization: `Bearer ${ADMIN}` },
    });
    const m = /veritrail_received_records_total\{receiver="syslog",outcome="appended"\} (\d+)/.exec(
      await res.text(),
    );
    return m ? Number(m[1]) : 0;
  };
  const started = performance.now();
  await Promise.all(
    Array.from(
      { length: CLIENTS },
      (_, c) =>
        new Promise<void>((resolve, reject) => {
          const sock = connect(port, '127.0.0.1', () => {
            const per = Math.ceil(N / CLIENTS);
            const from = c * per;
            const to = Math.min(N, from + per);
            let i = from;
            const write = () => {
              while (i < to) {
                let chunk = '';
                for (let k = 0; k < 200 && i < to; k++) chunk += frame(i++);
                if (!sock.write(chunk)) return void sock.once('drain', write);
              }
              sock.end(resolve);
            };
            write();
          });
          sock.on('error', reject);
        }),
    ),
  );
  // Syslog has no acknowledgements: done when the server has appended them all.
  while ((await appended()) < N) await new Promise((r) => setTimeout(r, 20));
  return N / ((performance.now() - started) / 1000);
}

export async function captureBench(tmp: string): Promise<CaptureFigures> {
  const mapped = importers();
  const server = await startServer(join(tmp, 'capture'), {}, ['--syslog-tcp', '0']);
  try {
    const port = Number(/tcp [^\s,]+:(\d+)/.exec(server.banner)?.[1]);
    if (!Number.isInteger(port)) throw new Error(`no syslog port in: ${server.banner}`);
    const events = await post(
      server,
      '/v1/events',
      chunks(
        Array.from({ length: N }, (_, i) => benchEvent(i, N)),
        BATCH,
      ).map((events) => JSON.stringify({ events })),
      BATCH,
      'application/json',
      (s) => s === 201,
    );
    const trail = replicate('cloudtrail', N);
    const imported =
      trail.length === 0
        ? 0
        : await post(
            server,
            '/v1/import?format=cloudtrail&tenant=bench-import',
            chunks(trail, BATCH).map((Records) => JSON.stringify({ Records })),
            BATCH,
            'application/json',
            (s, body) => s === 200 && (JSON.parse(body) as { imported: number }).imported === BATCH,
          );
    const otlp = await post(
      server,
      '/otlp/v1/logs?tenant=bench-otlp',
      otlpBodies(),
      BATCH,
      'application/json',
      (s, body) => s === 200 && !body.includes('rejectedLogRecords'),
    );
    const syslog = await syslogLoad(server, port);
    return { events: N, importers: mapped, http: { events, import: imported, otlp, syslog } };
  } finally {
    await server.stop();
  }
}

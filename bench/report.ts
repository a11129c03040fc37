/**
 * Compliance reports (docs/reports.md): a tenant log of ~1M events over 90 days in SQLite
 * (bench/report-workload.ts), then each framework's report generated and timed. Target: any
 * framework under 5 s. Timed twice per framework: the report alone (`verify: false`) and with
 * the full `verify` of the log in the integrity attestation (once, for the first framework).
 *   BENCH_REPORT_EVENTS  events in the log (default 1,000,000)
 * Standalone: `npm run build && node dist/bench/report.js` prints a table.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServices } from '../src/app/services.js';
import { randomBytes } from '../src/core/crypto.js';
import { commit } from '../src/core/event/index.js';
import { FRAMEWORK_IDS, renderHtml, type FrameworkId } from '../src/core/report/index.js';
import { renderPdf } from '../src/app/report-pdf.js';
import { makeVerifierKey, signNote } from '../src/core/checkpoint/index.js';
import { ed25519PublicKeyOf, generateSigningKey } from '../src/core/crypto.js';
import { openStore } from '../src/main.js';
import { expectedCounts, reportDataset, type ReportDatasetOptions } from './report-workload.js';
import { printTable } from './stats.js';

export const REPORT_TARGET_SECONDS = 5;
const DAYS = 90;

export interface ReportBenchResult {
  readonly events: number;
  readonly loadSeconds: number;
  /** Bringing the report index up to the end of the log (the background job's work). */
  readonly indexSeconds: number;
  readonly frameworks: readonly { framework: FrameworkId; seconds: number; bytes: number }[];
  /**
   * The same run's baseline: the first framework over a period that starts one second after
   * midnight, which the index cannot serve, so the report reads every event itself.
   */
  readonly scan: { framework: FrameworkId; seconds: number };
  /** The first framework again, with `verify` over the whole log. */
  readonly withVerify: { framework: FrameworkId; seconds: number };
  /** What rendering the first framework's report as HTML and as PDF adds. */
  readonly renderings: readonly { format: 'html' | 'pdf'; seconds: number; bytes: number }[];
}

export async function reportBench(
  events = Number(process.env.BENCH_REPORT_EVENTS ?? 1_000_000),
): Promise<ReportBenchResult> {
  const dir = mkdtempSync(join(tmpdir(), 'veritrail-bench-report-'));
  const pem = generateSigningKey().privateKeyPem;
  const pub = ed25519PublicKeyOf(pem);
  const s = createServices({
    store: await openStore({ dataDir: dir, writerThread: false }),
    signer: {
      signNote: (body, name) => signNote(body, { name, privateKey: pem }),
      verifierKey: (name) => makeVerifierKey(name, pub),
    },
    version: 'bench',
  });
  try {
    const opts: ReportDatasetOptions = {
      tenant: 'bench',
      fromMs: Date.UTC(2026, 0, 1),
      days: DAYS,
      // Three sources, one of them silent for 10 of the 90 days.
      basePerSourceDay: Math.max(1, Math.ceil((events / DAYS - 5) / (3 - 10 / DAYS))),
      silent: { from: 30, to: 39 },
    };
    const total = expectedCounts(opts).events;
    const loadStart = performance.now();
    let batch = [];
    for (const e of reportDataset(opts)) {
      batch.push({ event: e, commitment: commit(e, randomBytes(32)) });
      if (batch.length === 5000) {
        await s.store.events.append(batch);
        batch = [];
      }
    }
    if (batch.length) await s.store.events.append(batch);
    await s.ledger.sign('bench');
    const loadSeconds = (performance.now() - loadStart) / 1000;
    // The index job runs as events arrive; here it catches up once, timed on its own.
    const indexStart = performance.now();
    await s.reportIndex.catchUp('bench');
    const indexSeconds = (performance.now() - indexStart) / 1000;
    const period = { tenant: 'bench', from: '2026-01-01', to: '2026-03-31' };
    const admin = { kind: 'admin' } as const;
    const frameworks = [];
    for (const framework of FRAMEWORK_IDS) {
      const t0 = performance.now();
      const r = await s.reports.generate(admin, { framework, ...period, verify: false });
      const seconds = (performance.now() - t0) / 1000;
      const bytes = Object.values(r.files).reduce((n, c) => n + Buffer.byteLength(c), 0);
      frameworks.push({ framework, seconds, bytes });
    }
    const first = FRAMEWORK_IDS[0];
    const ts = performance.now();
    await s.reports.generate(admin, {
      framework: first,
      ...period,
      from: '2026-01-01T00:00:01Z',
      verify: false,
    });
    const scan = { framework: first, seconds: (performance.now() - ts) / 1000 };
    const t0 = performance.now();
    const { report } = await s.reports.generate(admin, { framework: first, ...period });
    const withVerify = { framework: first, seconds: (performance.now() - t0) / 1000 };
    const t1 = performance.now();
    const html = renderHtml(report);
    const t2 = performance.now();
    const pdf = await renderPdf(report);
    const t3 = performance.now();
    const renderings = [
      { format: 'html' as const, seconds: (t2 - t1) / 1000, bytes: Buffer.byteLength(html) },
      { format: 'pdf' as const, seconds: (t3 - t2) / 1000, bytes: pdf.length },
    ];
    return { events: total, loadSeconds, indexSeconds, frameworks, scan, withVerify, renderings };
  } finally {
    await s.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export function reportRows(r: ReportBenchResult): string[][] {
  const fmt = (n: number) => n.toLocaleString('en-US');
  const ok = (sec: number) => (sec < REPORT_TARGET_SECONDS ? 'ok' : 'SLOW');
  return [
    ['report (SQLite)', 'seconds', `target < ${REPORT_TARGET_SECONDS} s`],
    [
      `load ${fmt(r.events)} events over ${DAYS} days (untimed setup)`,
      r.loadSeconds.toFixed(1),
      '',
    ],
    [
      `report index of those events, caught up once (${fmt(Math.round(r.events / r.indexSeconds))} ev/s; a background job)`,
      r.indexSeconds.toFixed(1),
      '',
    ],
    ...r.frameworks.map((f) => [
      `${f.framework} report (${(f.bytes / 1048576).toFixed(1)} MiB of files)`,
      f.seconds.toFixed(2),
      ok(f.seconds),
    ]),
    [
      `${r.scan.framework} report without the index, reading every event (baseline; index ${(r.scan.seconds / (r.frameworks[0]?.seconds ?? 1)).toFixed(0)}x faster)`,
      r.scan.seconds.toFixed(2),
      ok(r.scan.seconds),
    ],
    [
      `${r.withVerify.framework} report with verify of the whole log`,
      r.withVerify.seconds.toFixed(2),
      ok(r.withVerify.seconds),
    ],
    ...r.renderings.map((x) => [
      `${r.withVerify.framework} report.${x.format} (${(x.bytes / 1024).toFixed(0)} KiB), added`,
      x.seconds.toFixed(3),
      '',
    ]),
  ];
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  printTable(reportRows(await reportBench()));
}

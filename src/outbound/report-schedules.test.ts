/**
 * The report schedules job (src/app/report-schedules.ts) over its real adapters: the folder
 * sink on a temporary folder and the webhook notifier against a local HTTP receiver.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VeritrailError } from '../core/errors.js';
import { verifyWebhookSignature } from '../core/outbound/webhook-payload.js';
import { verifyReport } from '../core/report/index.js';
import {
  loadReportSchedules,
  ReportSchedulesJob,
  type ReportScheduleOptions,
  type ScheduledReportNotice,
} from '../app/report-schedules.js';
import type { Reports } from '../app/reports.js';
import { createServices, type Services } from '../app/services.js';
import { testSigner } from '../app/test-support/signer.js';
import { openStore } from '../main.js';
import { ReportFolderSink } from './report-folder.js';
import { reportNotifier } from './report-notifier.js';

const SECRET = 'report-schedule-secret-0123';
const signer = testSigner();
let dir: string;
let now = new Date('2026-02-10T12:00:00Z');
let s: Services;
let hook: Server;
let hookUrl: string;
/** Status codes the webhook answers with, in order; 200 once exhausted. */
let hookAnswers: number[] = [];
const received: { headers: Record<string, string | string[] | undefined>; body: string }[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'veritrail-schedules-'));
  s = createServices({
    store: await openStore({ dataDir: join(dir, 'data'), writerThread: false }),
    signer,
    clock: { now: () => now },
  });
  const ev = (at: string, i: number) => ({
    tenant: 'acme',
    action: 'user.login',
    category: 'authentication',
    outcome: 'failure',
    actor: { id: `u${i}` },
    observer: { service: 'web' },
    occurred_at: at,
  });
  await s.ingest.ingest(
    [
      ev('2026-01-05T10:00:00Z', 1),
      ev('2026-01-20T10:00:00Z', 2),
      ev('2026-01-31T23:59:59Z', 3),
      ev('2026-02-01T00:00:00Z', 4),
      ev('2026-02-14T08:00:00Z', 5),
    ],
    { kind: 'admin' },
  );
  await s.checkpointJob.flush();
  hook = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      res.statusCode = hookAnswers.shift() ?? 200;
      res.end();
    });
  });
  await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
  hookUrl = `http://127.0.0.1:${(hook.address() as { port: number }).port}/hook`;
});

afterAll(async () => {
  await new Promise((r) => hook.close(r));
  await s.close();
  rmSync(dir, { recursive: true, force: true });
});

function scheduleFile(out: string, extra = ''): string {
  return `schedules:
  - name: soc2-monthly
    cron: "0 6 1 * *"
    framework: soc2
    tenant: acme
    period: previous-month
    formats: [json, csv, html]
    out: ${out}
    notify:
      - type: webhook
        url: ${hookUrl}
        secret: ${SECRET}
${extra}`;
}

/** Reports.generate, counted. */
function counted(fail = 0): { reports: Pick<Reports, 'generate'>; calls: () => number } {
  let calls = 0;
  return {
    reports: {
      generate: (p, r) => {
        calls++;
        if (calls <= fail) return Promise.reject(new Error('store is busy'));
        return s.reports.generate(p, r);
      },
    },
    calls: () => calls,
  };
}

function job(
  text: string,
  reports: Pick<Reports, 'generate'>,
  opts: ReportScheduleOptions = {},
): ReportSchedulesJob {
  return new ReportSchedulesJob(
    loadReportSchedules(text, 'schedules.yaml', (o) => join(dir, o)),
    {
      reports,
      sink: new ReportFolderSink(),
      notifiers: (d) => reportNotifier(d, 5000),
      coordination: { isLeader: () => true },
      clock: { now: () => now },
    },
    { sleep: () => Promise.resolve(), ...opts },
  );
}

function readFolder(path: string): Map<string, Uint8Array> {
  return new Map(readdirSync(path).map((n) => [n, readFileSync(join(path, n))]));
}

/** The log's key, pinned: not the one the manifest names. */
const key = () => signer.verifierKey('localhost/veritrail/acme');

describe('ReportSchedulesJob', () => {
  it('writes each monthly run once, verifiable, and notifies a signed webhook', async () => {
    const errors: unknown[] = [];
    const gen = counted();
    const j = job(scheduleFile('monthly'), gen.reports, { onError: (e) => errors.push(e) });
    const base = join(dir, 'monthly', 'soc2-monthly');

    // Started on 10 February: the latest scheduled instant (1 February) is caught up.
    await j.tick();
    await j.settled();
    expect(readdirSync(base)).toEqual(['20260201T0600Z']);
    const feb = readFolder(join(base, '20260201T0600Z'));
    expect(verifyReport(feb, key())).toMatchObject({ ok: true });
    const janReport = JSON.parse(Buffer.from(feb.get('report.json')!).toString()) as {
      period: { from: string; to: string };
      events: number;
    };
    expect(janReport.period).toEqual({
      from: '2026-01-01T00:00:00.000Z',
      to: '2026-02-01T00:00:00.000Z',
    });
    expect(janReport.events).toBe(3);

    // A second check in the same month writes nothing.
    await j.tick();
    expect(gen.calls()).toBe(1);

    now = new Date('2026-03-01T06:00:00Z');
    await j.tick();
    await j.settled();
    expect(readdirSync(base).sort()).toEqual(['20260201T0600Z', '20260301T0600Z']);
    const mar = readFolder(join(base, '20260301T0600Z'));
    expect(verifyReport(mar, key())).toMatchObject({ ok: true });
    expect(JSON.parse(Buffer.from(mar.get('report.json')!).toString())).toMatchObject({
      events: 2,
      period: { from: '2026-02-01T00:00:00.000Z', to: '2026-03-01T00:00:00.000Z' },
    });
    expect(gen.calls()).toBe(2);
    expect(errors).toEqual([]);

    // Two notices, each signed with the webhook secret and naming the files it wrote.
    const notices = received.splice(0);
    expect(notices).toHaveLength(2);
    for (const n of notices) {
      expect(
        verifyWebhookSignature(
          SECRET,
          String(n.headers['x-veritrail-timestamp']),
          n.body,
          String(n.headers['x-veritrail-signature']),
        ),
      ).toBe(true);
    }
    const last = JSON.parse(notices[1]!.body) as ScheduledReportNotice;
    expect(last).toMatchObject({
      type: 'report.scheduled',
      schedule: 'soc2-monthly',
      scheduled_for: '2026-03-01T06:00:00.000Z',
      framework: 'soc2',
      tenant: 'acme',
      events: 2,
      folder: join(base, '20260301T0600Z'),
      verification_ok: true,
      period: { from: '2026-02-01T00:00:00.000Z', to: '2026-03-01T00:00:00.000Z' },
    });
    const manifest = JSON.parse(Buffer.from(mar.get('manifest.json')!).toString()) as {
      report: string;
      files: unknown[];
    };
    expect(last.report).toBe(manifest.report);
    expect(last.files).toEqual(manifest.files);
    expect(last.manifest_sha256).toMatch(/^[0-9a-f]{64}$/);
    // No temporary folder is left beside the runs.
    expect(readdirSync(base).filter((n) => n.startsWith('.'))).toEqual([]);

    expect(j.list()).toEqual([
      expect.objectContaining({
        name: 'soc2-monthly',
        notify: ['webhook'],
        next_run: '2026-04-01T06:00:00.000Z',
        last_run: expect.objectContaining({
          scheduled_for: '2026-03-01T06:00:00.000Z',
          outcome: 'written',
          report: manifest.report,
          notified: { delivered: 1, failed: 0 },
        }) as unknown,
      }),
    ]);
    expect(JSON.stringify(j.list())).not.toContain(SECRET);
    expect(JSON.stringify(j.list())).not.toContain(hookUrl);

    // A restart (a new job over the same folders) does not write or announce the run again.
    const manifestPath = join(base, '20260301T0600Z', 'manifest.json');
    const written = readFileSync(manifestPath);
    const gen2 = counted();
    const restarted = job(scheduleFile('monthly'), gen2.reports);
    await restarted.tick();
    await restarted.settled();
    expect(gen2.calls()).toBe(0);
    expect(received).toHaveLength(0);
    expect(restarted.list()[0]!.last_run).toMatchObject({ outcome: 'exists' });
    expect(readFileSync(manifestPath).equals(written)).toBe(true);
    expect(readdirSync(base)).toHaveLength(2);
    await j.stop();
    await restarted.stop();
  });

  it('retries a failed generation on a later check, after its backoff', async () => {
    now = new Date('2026-03-01T06:00:10Z');
    const errors: Error[] = [];
    const gen = counted(1);
    const j = job(scheduleFile('retry'), gen.reports, {
      retryBaseMs: 60_000,
      onError: (e) => errors.push(e as Error),
    });
    await j.tick();
    expect(gen.calls()).toBe(1);
    expect(errors[0]?.message).toMatch(/soc2-monthly: run 20260301T0600Z failed.*store is busy/);
    expect(j.list()[0]!.last_run).toMatchObject({ outcome: 'failed', error: 'store is busy' });

    await j.tick(); // within the backoff: not tried
    expect(gen.calls()).toBe(1);
    now = new Date('2026-03-01T06:01:11Z');
    await j.tick();
    await j.settled();
    expect(gen.calls()).toBe(2);
    expect(readdirSync(join(dir, 'retry', 'soc2-monthly'))).toEqual(['20260301T0600Z']);
    received.splice(0);
    await j.stop();
  });

  it('retries a refused notification, then gives up without holding up other schedules', async () => {
    now = new Date('2026-03-01T07:00:00Z');
    const errors: Error[] = [];
    const other = `  - name: hipaa-daily
    cron: "0 1 * * *"
    framework: hipaa
    tenant: acme
    period: previous-day
    formats: [json]
    out: notify
`;
    // The first notice is refused twice then accepted; the second always refused.
    hookAnswers = [500, 503, 500, 500, 500, 500, 500];
    const j = job(scheduleFile('notify', other), counted().reports, {
      notifyAttempts: 3,
      onError: (e) => errors.push(e as Error),
    });
    await j.tick();
    await j.settled();
    expect(readdirSync(join(dir, 'notify')).sort()).toEqual(['hipaa-daily', 'soc2-monthly']);
    const bodies = received.splice(0).map((r) => JSON.parse(r.body) as ScheduledReportNotice);
    expect(bodies).toHaveLength(3);
    expect(errors).toHaveLength(1);
    expect(errors[0]!.message).toMatch(/soc2-monthly: webhook notification .* after 3 attempt/);
    expect(j.list()[0]!.last_run?.notified).toEqual({ delivered: 0, failed: 1 });
    hookAnswers = [];
    await j.stop();
  });
});

describe('loadReportSchedules', () => {
  it('names the file, the schedule and the field', () => {
    const text = scheduleFile('x').replace('formats: [json, csv, html]', 'formats: [json, xml]');
    expect(() => loadReportSchedules(text, '/etc/veritrail/schedules.yaml')).toThrow(
      /invalid report schedules file \/etc\/veritrail\/schedules\.yaml: schedules\.0\.formats \(soc2-monthly\) unknown format "xml"/,
    );
    try {
      loadReportSchedules('schedules:\n  - name: a\n', 'f.yaml');
    } catch (e) {
      expect(e).toBeInstanceOf(VeritrailError);
      expect((e as VeritrailError).details.map((d) => d.path)).toContain('schedules.0.cron');
    }
  });
});

describe('ReportFolderSink', () => {
  const sink = new ReportFolderSink();

  it('writes a new folder, and leaves an existing one as it is', async () => {
    const target = join(dir, 'sink', 'a', '20260101T0000Z');
    expect(await sink.exists(target)).toBe(false);
    expect(await sink.writeRun(target, { 'a.txt': 'one', 'b.bin': new Uint8Array([1, 2]) })).toBe(
      'written',
    );
    expect(readdirSync(target).sort()).toEqual(['a.txt', 'b.bin']);
    expect(readFileSync(join(target, 'b.bin'))).toEqual(Buffer.from([1, 2]));
    expect(await sink.writeRun(target, { 'a.txt': 'two' })).toBe('exists');
    expect(readFileSync(join(target, 'a.txt'), 'utf8')).toBe('one');
  });

  it('writes nothing when a file name would leave the folder', async () => {
    const target = join(dir, 'sink', 'b', '20260101T0000Z');
    await expect(sink.writeRun(target, { 'ok.txt': 'x', '../escape.txt': 'x' })).rejects.toThrow(
      /refusing file name/,
    );
    expect(readdirSync(join(dir, 'sink', 'b'))).toEqual([]);
    expect(readdirSync(join(dir, 'sink'))).not.toContain('escape.txt');
  });
});

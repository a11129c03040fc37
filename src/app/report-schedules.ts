/**
 * Report schedules (docs/reports.md "Schedules"): the leader, every interval, looks at each
 * schedule's most recent scheduled instant at or before now. A run not yet written is generated
 * (`Reports.generate`, as the admin), written to `<out>/<name>/<YYYYMMDDTHHMMZ>/` through the
 * sink (all files or none: a folder that exists means the run is done, whichever process or
 * start wrote it) and announced to the schedule's destinations. Only the latest missed run is
 * caught up: a server down over several instants writes the last one only.
 */
import { join } from 'node:path';
import { abortableSleep } from './abortable-sleep.js';
import { sha256 } from '../core/crypto.js';
import { VeritrailError, type Issue } from '../core/errors.js';
import {
  lastRunAtOrBefore,
  nextRuns,
  parseScheduleText,
  reportPeriod,
  runKey,
  scheduleSummary,
  type ScheduleSummary,
  type NotifyDestination,
  type ReportSchedule,
  type ScheduledReportNotice,
} from '../core/report/schedule.js';
import { LeaderTimer } from './leader-timer.js';
import type { Clock, Coordination } from './ports.js';
import { reportFormats, type Reports } from './reports.js';

export type { ScheduledReportNotice };

/** Writes a report folder: all files or none. */
export interface ReportSink {
  /** Whether the run's folder exists (the run is done). */
  exists(dir: string): Promise<boolean>;
  /**
   * Writes `files` into a new folder `dir` atomically (a temporary folder beside it, each file
   * synced, then renamed); `exists` when `dir` is already there, and nothing is written.
   */
  writeRun(
    dir: string,
    files: Readonly<Record<string, string | Uint8Array>>,
  ): Promise<'written' | 'exists'>;
}

/** Sends one notice to one destination; any rejection means "not delivered". */
export interface ReportNotifier {
  send(notice: ScheduledReportNotice): Promise<void>;
  close(): Promise<void>;
}

export type ReportNotifierFactory = (d: NotifyDestination) => ReportNotifier;

/**
 * Parses and validates a schedule file's text; a relative `out` is resolved by `resolveOut`.
 * Throws `validation_failed` naming the file, each schedule and field.
 */
export function loadReportSchedules(
  text: string,
  file: string,
  resolveOut: (out: string) => string = (o) => o,
): ReportSchedule[] {
  const r = parseScheduleText(text);
  const issues: Issue[] = r.ok ? [] : [...r.error];
  const schedules = r.ok ? r.value : [];
  schedules.forEach((s, i) => {
    try {
      reportFormats(s.formats);
    } catch (e) {
      issues.push({
        path: `schedules.${i}.formats`,
        message: `(${s.name}) ${e instanceof VeritrailError ? (e.details?.[0]?.message ?? e.message) : String(e)}`,
      });
    }
  });
  if (issues.length > 0)
    throw new VeritrailError(
      'validation_failed',
      `invalid report schedules file ${file}: ${issues.map((i) => `${i.path} ${i.message}`).join('; ')}`,
      issues,
    );
  return schedules.map((s) => ({ ...s, out: resolveOut(s.out) }));
}

export interface LastRun {
  readonly scheduledFor: string;
  /** written: by this run; exists: the folder was already there; failed: will be retried. */
  readonly outcome: 'written' | 'exists' | 'failed';
  readonly at: string;
  readonly folder: string;
  readonly report?: string;
  readonly error?: string;
  readonly attempts?: number;
  /** Destinations that accepted / gave up on the notice (written runs only). */
  readonly notified?: { readonly delivered: number; readonly failed: number };
}

/** GET /v1/report-schedules: a schedule without its destinations' URLs or secrets. */
export interface ReportScheduleView extends ScheduleSummary {
  readonly next_run: string | null;
  readonly last_run: {
    readonly scheduled_for: string;
    readonly outcome: LastRun['outcome'];
    readonly at: string;
    readonly folder: string;
    readonly report: string | null;
    readonly error: string | null;
    readonly notified: { readonly delivered: number; readonly failed: number } | null;
  } | null;
}

export interface ReportScheduleDeps {
  readonly reports: Pick<Reports, 'generate'>;
  readonly sink: ReportSink;
  readonly notifiers: ReportNotifierFactory;
  readonly coordination: Pick<Coordination, 'isLeader'>;
  readonly clock: Clock;
}

export interface ReportScheduleOptions {
  /** Between two checks (default 30 s). */
  readonly intervalMs?: number;
  /** First wait after a failed generation, doubled each time (default 60 s, at most 1 h). */
  readonly retryBaseMs?: number;
  readonly retryCapMs?: number;
  /** Attempts per destination and notice (default 5), `notifyBackoffMs` doubled between. */
  readonly notifyAttempts?: number;
  readonly notifyBackoffMs?: number;
  /** Waits `ms` or until `signal` fires (tests inject a fake). */
  readonly sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  readonly onError?: (e: unknown) => void;
}

interface State {
  /** Run key known to be done. */
  done?: string;
  /** The failing run's key, how often it failed, and when to try again. */
  failing?: { key: string; failures: number; retryAtMs: number } | undefined;
  last?: LastRun;
}

const message = (e: unknown) => (e instanceof Error ? e.message : String(e)).slice(0, 1000);

export class ReportSchedulesJob {
  private readonly timer: LeaderTimer;
  private readonly states = new Map<string, State>();
  private readonly notifying = new Set<Promise<void>>();
  private readonly stopping = new AbortController();
  private readonly opts: Required<Omit<ReportScheduleOptions, 'intervalMs'>>;

  constructor(
    readonly schedules: readonly ReportSchedule[],
    private readonly deps: ReportScheduleDeps,
    opts: ReportScheduleOptions = {},
  ) {
    this.opts = {
      retryBaseMs: opts.retryBaseMs ?? 60_000,
      retryCapMs: opts.retryCapMs ?? 3_600_000,
      notifyAttempts: opts.notifyAttempts ?? 5,
      notifyBackoffMs: opts.notifyBackoffMs ?? 2000,
      sleep: opts.sleep ?? abortableSleep,
      onError: opts.onError ?? (() => {}),
    };
    for (const s of schedules) this.states.set(s.name, {});
    this.timer = new LeaderTimer(
      deps.coordination,
      () => this.run(),
      opts.intervalMs ?? 30_000,
      this.opts.onError,
    );
  }

  start(): void {
    if (this.schedules.length > 0) this.timer.start();
  }

  /** One check now, if this process leads the jobs and no check is in progress. */
  tick(): Promise<void> {
    return this.timer.tick();
  }

  /** Notifications in flight (tests wait for them). */
  async settled(): Promise<void> {
    while (this.notifying.size > 0) await Promise.all([...this.notifying]);
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    await this.timer.stop();
    await this.settled();
  }

  list(): ReportScheduleView[] {
    const now = this.deps.clock.now().getTime();
    return this.schedules.map((s) => {
      const last = this.states.get(s.name)?.last;
      const next = nextRuns(s, now, 1)[0];
      return {
        ...scheduleSummary(s),
        next_run: next === undefined ? null : new Date(next).toISOString(),
        last_run:
          last === undefined
            ? null
            : {
                scheduled_for: last.scheduledFor,
                outcome: last.outcome,
                at: last.at,
                folder: last.folder,
                report: last.report ?? null,
                error: last.error ?? null,
                notified: last.notified ?? null,
              },
      };
    });
  }

  private async run(): Promise<void> {
    for (const s of this.schedules) {
      if (this.stopping.signal.aborted || !this.deps.coordination.isLeader()) return;
      await this.runSchedule(s);
    }
  }

  private async runSchedule(s: ReportSchedule): Promise<void> {
    const st = this.states.get(s.name)!;
    const now = this.deps.clock.now().getTime();
    const due = lastRunAtOrBefore(s, now);
    if (due === undefined) return;
    const key = runKey(due);
    if (st.done === key) return;
    if (st.failing?.key === key && now < st.failing.retryAtMs) return;
    const folder = join(s.out, s.name, key);
    const scheduledFor = new Date(due).toISOString();
    const at = () => this.deps.clock.now().toISOString();
    try {
      if (await this.deps.sink.exists(folder)) {
        st.done = key;
        st.failing = undefined;
        if (st.last?.scheduledFor !== scheduledFor)
          st.last = { scheduledFor, outcome: 'exists', at: at(), folder };
        return;
      }
      const { fromMs, toMs } = reportPeriod(due, s.period, s.timezone);
      const g = await this.deps.reports.generate(
        { kind: 'admin' },
        {
          framework: s.framework,
          tenant: s.tenant,
          from: new Date(fromMs).toISOString(),
          to: new Date(toMs).toISOString(),
          verify: s.verify,
          formats: s.formats,
        },
      );
      const written = await this.deps.sink.writeRun(folder, { ...g.files, ...g.binaryFiles });
      st.done = key;
      st.failing = undefined;
      if (written === 'exists') {
        st.last = { scheduledFor, outcome: 'exists', at: at(), folder };
        return;
      }
      const last: LastRun = {
        scheduledFor,
        outcome: 'written',
        at: at(),
        folder,
        report: g.report.id,
      };
      st.last = last;
      if (s.notify.length === 0) return;
      const notice: ScheduledReportNotice = {
        type: 'report.scheduled',
        schedule: s.name,
        scheduled_for: scheduledFor,
        report: g.report.id,
        framework: s.framework,
        tenant: s.tenant,
        period: { from: g.report.period.from, to: g.report.period.to },
        events: g.report.events,
        folder,
        files: g.manifest.files.map((f) => ({ name: f.name, sha256: f.sha256, bytes: f.bytes })),
        manifest_sha256: sha256(g.files['manifest.json'] ?? '').toString('hex'),
        verification_ok: g.report.integrity.verification?.ok ?? null,
      };
      // In the background: a slow or failing destination never holds up the next schedule.
      const p = this.notifyAll(s, notice).then((notified) => {
        if (st.last === last) st.last = { ...last, notified };
      });
      this.notifying.add(p);
      void p.finally(() => this.notifying.delete(p));
    } catch (e) {
      const failures = st.failing?.key === key ? st.failing.failures + 1 : 1;
      const wait = Math.min(this.opts.retryCapMs, this.opts.retryBaseMs * 2 ** (failures - 1));
      st.failing = { key, failures, retryAtMs: now + wait };
      st.last = {
        scheduledFor,
        outcome: 'failed',
        at: at(),
        folder,
        error: message(e),
        attempts: failures,
      };
      this.opts.onError(
        new Error(
          `report schedule ${s.name}: run ${key} failed (attempt ${failures}, next in ${Math.round(wait / 1000)} s): ${message(e)}`,
          { cause: e },
        ),
      );
    }
  }

  private async notifyAll(
    s: ReportSchedule,
    notice: ScheduledReportNotice,
  ): Promise<{ delivered: number; failed: number }> {
    const results = await Promise.all(s.notify.map((d) => this.notifyOne(s, d, notice)));
    const delivered = results.filter(Boolean).length;
    return { delivered, failed: results.length - delivered };
  }

  /** Tries one destination a few times; true when it accepted the notice. */
  private async notifyOne(
    s: ReportSchedule,
    d: NotifyDestination,
    notice: ScheduledReportNotice,
  ): Promise<boolean> {
    let notifier: ReportNotifier;
    try {
      notifier = this.deps.notifiers(d);
    } catch (e) {
      this.opts.onError(new Error(`report schedule ${s.name}: ${d.type}: ${message(e)}`));
      return false;
    }
    try {
      for (let attempt = 1; ; attempt++) {
        try {
          await notifier.send(notice);
          return true;
        } catch (e) {
          if (attempt >= this.opts.notifyAttempts || this.stopping.signal.aborted) {
            this.opts.onError(
              new Error(
                `report schedule ${s.name}: ${d.type} notification of ${notice.report} failed after ${attempt} attempt(s): ${message(e)}`,
                { cause: e },
              ),
            );
            return false;
          }
          await this.opts.sleep(
            this.opts.notifyBackoffMs * 2 ** (attempt - 1),
            this.stopping.signal,
          );
          if (this.stopping.signal.aborted) {
            this.opts.onError(
              new Error(
                `report schedule ${s.name}: ${d.type} notification of ${notice.report} not sent: the server is stopping`,
              ),
            );
            return false;
          }
        }
      }
    } finally {
      await notifier.close().catch(() => {});
    }
  }
}

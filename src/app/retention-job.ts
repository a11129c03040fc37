/**
 * The purge job (docs/retention.md): every interval, the process leading background jobs
 * purges each log by its policies. Leader-only, like the checkpoint signer and outbound
 * delivery: on PostgreSQL one process purges at a time (advisory-lock leadership).
 */
import type { Coordination } from './ports.js';
import type { PurgeReport, Retention } from './retention.js';

export interface RetentionJobOptions {
  /** Between two runs (default one hour). */
  readonly intervalMs?: number;
  readonly onError?: (e: unknown) => void;
  /** Each run's reports (logging, metrics). */
  readonly onRun?: (reports: readonly PurgeReport[]) => void;
}

export class RetentionJob {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly retention: Retention,
    private readonly coordination: Coordination,
    private readonly opts: RetentionJobOptions = {},
  ) {}

  start(): void {
    this.timer ??= setInterval(() => void this.tick(), this.opts.intervalMs ?? 3_600_000);
    this.timer.unref();
    void this.tick();
  }

  /** One run now, if this process leads the jobs and no run is in progress. */
  tick(): Promise<void> {
    if (!this.coordination.isLeader()) return Promise.resolve();
    this.running ??= this.retention
      .purgeAll()
      .then((reports) => this.opts.onRun?.(reports))
      .catch((e: unknown) => this.opts.onError?.(e))
      .finally(() => (this.running = undefined));
    return this.running;
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }
}

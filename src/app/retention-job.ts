/**
 * The purge job (docs/retention.md): every interval, the process leading background jobs
 * purges each log by its policies. Leader-only, like the checkpoint signer and outbound
 * delivery: on PostgreSQL one process purges at a time (advisory-lock leadership).
 */
import type { Coordination } from './ports.js';
import type { PurgeReport, Retention } from './retention.js';
import { LeaderTimer } from './leader-timer.js';

export interface RetentionJobOptions {
  /** Between two runs (default one hour). */
  readonly intervalMs?: number;
  readonly onError?: (e: unknown) => void;
  /** Each run's reports (logging, metrics). */
  readonly onRun?: (reports: readonly PurgeReport[]) => void;
}

export class RetentionJob {
  private readonly timer: LeaderTimer;

  constructor(retention: Retention, coordination: Coordination, opts: RetentionJobOptions = {}) {
    this.timer = new LeaderTimer(
      coordination,
      async () => opts.onRun?.(await retention.purgeAll()),
      opts.intervalMs ?? 3_600_000,
      opts.onError,
    );
  }

  start(): void {
    this.timer.start();
  }

  /** One run now, if this process leads the jobs and no run is in progress. */
  tick(): Promise<void> {
    return this.timer.tick();
  }

  stop(): Promise<void> {
    return this.timer.stop();
  }
}

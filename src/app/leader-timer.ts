/**
 * A background job that runs every interval in the process leading the jobs (on PostgreSQL,
 * one process at a time; on SQLite, always): at most one run in progress, errors reported and
 * never thrown, and `stop()` waits for the run in progress.
 */
import type { Coordination } from './ports.js';

export class LeaderTimer {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly coordination: Pick<Coordination, 'isLeader'>,
    private readonly run: () => Promise<void>,
    private readonly intervalMs: number,
    private readonly onError: (e: unknown) => void = () => {},
  ) {}

  /** Runs now, then every interval; the timer does not keep the process alive. */
  start(): void {
    this.timer ??= setInterval(() => void this.tick(), this.intervalMs);
    this.timer.unref();
    void this.tick();
  }

  /** One run now, if this process leads the jobs and no run is in progress. */
  tick(): Promise<void> {
    if (!this.coordination.isLeader()) return Promise.resolve();
    this.running ??= this.run()
      .catch((e: unknown) => this.onError(e))
      .finally(() => (this.running = undefined));
    return this.running;
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }
}

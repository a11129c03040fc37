/**
 * Checkpoint signer (ARCHITECTURE §3, §4): every interval, the process leading background jobs
 * signs a checkpoint for each log that grew past its latest one. Which logs grew is read from
 * the store, not remembered: appends by other processes, or by a process that died before
 * signing, are signed all the same.
 */
import type { Ledger } from './ledger.js';
import type { CheckpointStore, Coordination } from './ports.js';

export class CheckpointJob {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly ledger: Ledger,
    private readonly checkpoints: CheckpointStore,
    private readonly coordination: Coordination,
    private readonly intervalMs: number,
    private readonly onError: (e: unknown) => void,
  ) {}

  start(): void {
    this.timer ??= setInterval(() => {
      if (this.coordination.isLeader()) void this.flush().catch(this.onError);
    }, this.intervalMs);
    this.timer.unref();
  }

  /** Signs every grown log now (on demand; one pass at a time). */
  async flush(): Promise<void> {
    await this.running?.catch(() => {});
    this.running = (async () => {
      for (const t of await this.checkpoints.unsigned()) await this.ledger.sign(t);
    })();
    try {
      await this.running;
    } finally {
      this.running = undefined;
    }
  }

  /** Stops the timer; the leader signs what grew, so a clean shutdown leaves nothing unsigned. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    if (this.coordination.isLeader()) await this.flush();
    else await this.running?.catch(() => {});
  }
}

/**
 * Checkpoint signer (ARCHITECTURE §3): a checkpoint is written when a log grows, at most once
 * per interval per log; `flush` signs every grown log at once (on demand and at shutdown).
 */
import type { Ledger } from './ledger.js';

export class CheckpointJob {
  private readonly dirty = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly ledger: Ledger,
    private readonly intervalMs: number,
    private readonly onError: (e: unknown) => void,
  ) {}

  /** Marks logs as grown (wired to the ingest's after-commit hook). */
  grown(tenants: Iterable<string>): void {
    for (const t of tenants) this.dirty.add(t);
  }

  start(): void {
    this.timer ??= setInterval(() => void this.flush().catch(this.onError), this.intervalMs);
    this.timer.unref();
  }

  async flush(): Promise<void> {
    await this.running;
    const tenants = [...this.dirty];
    this.dirty.clear();
    this.running = (async () => {
      for (const t of tenants) await this.ledger.sign(t);
    })();
    try {
      await this.running;
    } finally {
      this.running = undefined;
    }
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.flush();
  }
}

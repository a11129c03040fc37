/**
 * Keeps each log's report index (docs/reports.md "The report index") up to its end: reads the
 * entries after the index's cursor in seq order, adds their day measures and section marks, and
 * moves the cursor in the same transaction (compare-and-set), so indexers in several processes,
 * or a report catching up while the job runs, never count an entry twice. A change of the
 * definitions (REPORT_INDEX_VERSION) drops the index and rebuilds it.
 */
import { VeritrailError } from '../core/errors.js';
import { DayIndexer, REPORT_INDEX_VERSION } from '../core/report/day-index.js';
import { yieldToEventLoop } from './abortable-sleep.js';
import { LeaderTimer } from './leader-timer.js';
import type { Coordination, EventStore, ReportIndexStore } from './ports.js';
import { SYSTEM_TENANT } from './principal.js';

/**
 * Entries read and applied per transaction. On SQLite each batch runs on the event loop (reads
 * and parsing, about 25 ms for 2,000), so batches are small and the loop is yielded between
 * them: requests are served while a large log is indexed.
 */
const BATCH = 2000;

export interface ReportIndexOptions {
  /** Between two runs of the job over every log (default 10 s). */
  readonly intervalMs?: number;
  readonly onError?: (e: unknown) => void;
}

export class ReportIndex {
  private readonly timer: LeaderTimer;
  /** One catch-up per log at a time in this process; others wait for it. */
  private readonly running = new Map<string, Promise<void>>();

  constructor(
    private readonly deps: {
      readonly events: EventStore;
      readonly index: ReportIndexStore;
      readonly coordination: Coordination;
    },
    opts: ReportIndexOptions = {},
  ) {
    this.timer = new LeaderTimer(
      deps.coordination,
      () => this.run(),
      opts.intervalMs ?? 10_000,
      opts.onError,
    );
  }

  start(): void {
    this.timer.start();
  }

  stop(): Promise<void> {
    return this.timer.stop();
  }

  /** Every tenant's log (not `_system`, which reports scan) brought up to its end. */
  async run(): Promise<void> {
    for (const tenant of await this.deps.events.tenants())
      if (tenant !== SYSTEM_TENANT) await this.catchUp(tenant);
  }

  /**
   * Indexes the log up to at least its size when called; returns the seq it reached (-1: empty).
   * Entries appended meanwhile may or may not be included.
   */
  async catchUp(tenant: string): Promise<number> {
    for (;;) {
      const pending = this.running.get(tenant);
      if (!pending) break;
      await pending.catch(() => {});
    }
    const target = await this.deps.events.size(tenant);
    const work = this.indexTo(tenant, target);
    this.running.set(tenant, work);
    try {
      await work;
    } finally {
      this.running.delete(tenant);
    }
    return target - 1;
  }

  private async indexTo(tenant: string, size: number): Promise<void> {
    const { events, index } = this.deps;
    let state = await index.state(tenant);
    if (state?.version !== REPORT_INDEX_VERSION) {
      await index.reset(tenant, REPORT_INDEX_VERSION);
      state = { afterSeq: -1, version: REPORT_INDEX_VERSION };
    }
    let after = state.afterSeq;
    while (after + 1 < size) {
      const records = await events.range(tenant, after + 1, Math.min(size, after + 1 + BATCH));
      if (records.length === 0) return;
      const indexer = new DayIndexer(tenant, { marks: true });
      // A purged entry (payload blanked by retention) has nothing to measure: it is skipped.
      for (const r of records) if (r.event) indexer.add(r.seq, r.event, r.occurredMs);
      const last = records[records.length - 1]!.seq;
      const applied = await index.apply(tenant, {
        expectAfter: after,
        afterSeq: last,
        version: REPORT_INDEX_VERSION,
        days: indexer.dayMeasures(),
        marks: indexer.takeMarks(),
      });
      await yieldToEventLoop();
      if (applied) {
        after = last;
        continue;
      }
      // Another indexer moved first: carry on from where it is.
      const now = await index.state(tenant);
      // Resetting back would make two versions undo each other for ever (a rolling upgrade).
      if (now?.version !== REPORT_INDEX_VERSION)
        throw new VeritrailError(
          'unavailable',
          `the report index of ${tenant} was rebuilt by another Veritrail version; run one version`,
        );
      after = now.afterSeq;
    }
  }
}

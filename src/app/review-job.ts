/**
 * The review job (docs/reviews.md): the leader opens, for every review task, one review per
 * period that has ended, each with its packet: the count and ids of the events in the task's
 * scope over the period, and the alerts raised in it. Opening is idempotent across processes:
 * the task's count of opened reviews moves by one in the same transaction as the insert.
 */
import { yieldToEventLoop } from './abortable-sleep.js';
import { LeaderTimer } from './leader-timer.js';
import { v7 as uuidv7 } from 'uuid';
import { parseQuery } from '../core/query/index.js';
import type {
  AlertStore,
  Clock,
  Coordination,
  EventStore,
  ReviewStore,
  ReviewTaskRecord,
  SearchPosition,
} from './ports.js';

/** Event ids listed in a packet at most (the count is always exact). */
export const PACKET_EVENT_IDS = 1000;
const PACKET_ALERTS = 500;
const PAGE = 5000;
/** Reviews opened per task per run at most: a task created far in the past catches up. */
const CATCH_UP = 50;

export interface ReviewJobDeps {
  readonly events: EventStore;
  readonly alerts: AlertStore;
  readonly reviews: ReviewStore;
  readonly coordination: Coordination;
  readonly clock: Clock;
}

export interface ReviewJobOptions {
  /** Between two runs (default 5 minutes). */
  readonly intervalMs?: number;
  readonly onError?: (e: unknown) => void;
}

export class ReviewJob {
  private readonly timer: LeaderTimer;

  constructor(
    private readonly deps: ReviewJobDeps,
    opts: ReviewJobOptions = {},
  ) {
    this.timer = new LeaderTimer(
      deps.coordination,
      () => this.run(),
      opts.intervalMs ?? 300_000,
      opts.onError,
    );
  }

  start(): void {
    this.timer.start();
  }

  stop(): Promise<void> {
    return this.timer.stop();
  }

  /** One run now, if this process leads the jobs and no run is in progress. */
  tick(): Promise<void> {
    return this.timer.tick();
  }

  private async run(): Promise<void> {
    const now = this.deps.clock.now().getTime();
    for (const task of await this.deps.reviews.tasks(undefined)) {
      let t = task;
      for (let i = 0; i < CATCH_UP && this.deps.coordination.isLeader(); i++) {
        const toMs = t.startsMs + (t.opened + 1) * t.everyMs;
        if (toMs > now) break;
        if (!(await this.openOne(t, toMs - t.periodMs, toMs))) break;
        t = { ...t, opened: t.opened + 1 };
      }
    }
  }

  private async openOne(t: ReviewTaskRecord, fromMs: number, toMs: number): Promise<boolean> {
    const packet = {
      scope: t.scope,
      ...(await this.eventsIn(t, fromMs, toMs)),
      ...(await this.alertsIn(t.tenant, fromMs, toMs)),
    };
    return this.deps.reviews.open(
      {
        id: `rv_${uuidv7().replace(/-/g, '')}`,
        taskId: t.id,
        tenant: t.tenant,
        name: t.name,
        fromMs,
        toMs,
        packet,
        createdAt: this.deps.clock.now().toISOString(),
        signOff: null,
      },
      t.opened + 1,
    );
  }

  private async eventsIn(t: ReviewTaskRecord, fromMs: number, toMs: number) {
    const query = parseQuery(t.scope);
    const ids: string[] = [];
    const byAction = new Map<string, number>();
    let count = 0;
    let after: SearchPosition | undefined;
    for (;;) {
      const page = await this.deps.events.search({
        tenant: t.tenant,
        query,
        sinceMs: fromMs,
        untilMs: toMs,
        limit: PAGE,
        ...(after ? { after } : {}),
      });
      for (const r of page) {
        if (!r.event) continue;
        count++;
        if (ids.length < PACKET_EVENT_IDS) ids.push(r.event.id);
        byAction.set(r.event.action, (byAction.get(r.event.action) ?? 0) + 1);
      }
      if (page.length < PAGE) break;
      const last = page[page.length - 1]!;
      after = { occurredMs: last.occurredMs, seq: last.seq };
      await yieldToEventLoop();
    }
    return {
      events: count,
      by_action: Object.fromEntries([...byAction].sort((a, b) => b[1] - a[1])),
      event_ids: ids,
      event_ids_truncated: count > ids.length,
    };
  }

  /** Alerts created in the period (newest first), at most PACKET_ALERTS listed. */
  private async alertsIn(tenant: string, fromMs: number, toMs: number) {
    const rows = await this.deps.alerts.list({ tenant, sinceMs: fromMs, limit: PACKET_ALERTS });
    const raised = rows.filter((a) => {
      const at = Date.parse(a.createdAt);
      return at >= fromMs && at < toMs;
    });
    return {
      alerts: raised.length,
      alerts_truncated: rows.length === PACKET_ALERTS,
      alert_list: raised.map((a) => ({
        id: a.id,
        rule: a.ruleId,
        title: a.ruleTitle,
        severity: a.severity,
        status: a.status,
        count: a.count,
      })),
    };
  }
}

/**
 * The source health job (docs/source-health.md): the leader follows every tenant's log from its
 * own cursor, keeps each source's first/last seen times, count and last `observer.seq`, stores
 * every jump in `observer.seq` as a gap and raises an alert for it; then raises an alert for
 * every source quiet for longer than its expected cadence. Alerts go through detection's
 * raise-or-add logic (recordFinding): one alert per source and rule while it is open, within
 * the rule's suppression window. Veritrail's own entries (observer.service `veritrail`) are
 * not a source. Events are untrusted: a seq only counts when it is a safe integer (the schema
 * guarantees it).
 */
import { yieldToEventLoop } from './abortable-sleep.js';
import { LeaderTimer } from './leader-timer.js';
import type { Finding, RuleInfo } from '../core/detect/types.js';
import { timestampMs, type StoredEvent } from '../core/event/index.js';
import { recordFinding, type FindingSink } from './detection.js';
import type {
  Coordination,
  EventStore,
  SourceGap,
  SourceHealthStore,
  SourceRecord,
} from './ports.js';
import { isSilent } from './source-health.js';

const DAY = 86_400_000;

const rule = (id: string, title: string, description: string): RuleInfo => ({
  id,
  title,
  description,
  type: 'sigma',
  severity: 'high',
  tags: ['veritrail.source-health'],
  file: 'builtin/source-health',
  line: 0,
  suppressMs: DAY,
});

export const SOURCE_SILENT_RULE = rule(
  'veritrail.source-silent',
  'Audit source silent',
  'A source sent nothing for longer than its expected cadence.',
);
export const SOURCE_GAP_RULE = rule(
  'veritrail.source-seq-gap',
  'Audit source sequence gap',
  'Events of a source are missing: its observer.seq jumped.',
);

export interface SourceHealthJobDeps extends FindingSink {
  readonly events: EventStore;
  readonly sources: SourceHealthStore;
  readonly coordination: Coordination;
}

export interface SourceHealthJobOptions {
  /** Between two runs (default 30 s). */
  readonly intervalMs?: number;
  /** Entries read per log per step (default 1000). */
  readonly readChunk?: number;
  readonly onError?: (e: unknown) => void;
}

const groupKey = (service: string) => `observer.service=${service}`;

const empty = (tenant: string, service: string): SourceRecord => ({
  tenant,
  service,
  firstEventMs: null,
  lastEventMs: null,
  firstReceivedMs: null,
  lastReceivedMs: null,
  count: 0,
  lastObserverSeq: null,
  expectedEveryMs: null,
});

const min = (a: number | null, b: number) => (a === null ? b : Math.min(a, b));
const max = (a: number | null, b: number) => (a === null ? b : Math.max(a, b));

/**
 * One event's effect on its source, in order of arrival, and the gap it reveals, if any. A seq
 * above last + 1 is a gap; at or below the last one it is a duplicate or a late event and
 * changes nothing, except 0, which is the producer's counter starting again (no gap).
 */
export function observe(
  s: SourceRecord,
  e: StoredEvent,
): { next: SourceRecord; gap?: { fromSeq: number; toSeq: number } } {
  const at = timestampMs(e.occurred_at);
  const recv = timestampMs(e.received_at);
  const seq = e.observer?.seq;
  let lastSeq = s.lastObserverSeq;
  let gap: { fromSeq: number; toSeq: number } | undefined;
  if (seq !== undefined) {
    if (lastSeq === null || seq === 0) lastSeq = seq;
    else if (seq > lastSeq) {
      if (seq > lastSeq + 1) gap = { fromSeq: lastSeq + 1, toSeq: seq - 1 };
      lastSeq = seq;
    }
  }
  const next: SourceRecord = {
    ...s,
    firstEventMs: min(s.firstEventMs, at),
    lastEventMs: max(s.lastEventMs, at),
    firstReceivedMs: min(s.firstReceivedMs, recv),
    lastReceivedMs: max(s.lastReceivedMs, recv),
    count: s.count + 1,
    lastObserverSeq: lastSeq,
  };
  return gap ? { next, gap } : { next };
}

export class SourceHealthJob {
  private readonly timer: LeaderTimer;
  private readonly readChunk: number;

  constructor(
    private readonly deps: SourceHealthJobDeps,
    private readonly opts: SourceHealthJobOptions = {},
  ) {
    this.readChunk = opts.readChunk ?? 1000;
    this.timer = new LeaderTimer(
      deps.coordination,
      () => this.run(),
      opts.intervalMs ?? 30_000,
      opts.onError,
    );
  }

  start(): void {
    this.timer.start();
  }

  stop(): Promise<void> {
    return this.timer.stop();
  }

  /** One run now (follow the logs to their end, then check silence), if this process leads. */
  tick(): Promise<void> {
    return this.timer.tick();
  }

  private async run(): Promise<void> {
    // Bounded: at most 1000 steps per run; the next run goes on from the cursors.
    for (let i = 0; i < 1000 && this.deps.coordination.isLeader(); i++) {
      if ((await this.step()) === 0) break;
      await yieldToEventLoop();
    }
    if (this.deps.coordination.isLeader()) await this.checkSilence();
  }

  /** At most `readChunk` entries of each log after its cursor; the number read. */
  async step(): Promise<number> {
    const { events, sources } = this.deps;
    let read = 0;
    for (const tenant of await events.tenants()) {
      const start = (await sources.cursor(tenant)) + 1;
      const size = await events.size(tenant);
      if (start >= size) continue;
      const records = await events.range(tenant, start, Math.min(size, start + this.readChunk));
      const touched = new Map<string, SourceRecord>();
      const gaps: SourceGap[] = [];
      for (const r of records) {
        const e = r.event;
        if (e === null || e.observer === undefined || e.observer.service === 'veritrail') continue;
        const svc = e.observer.service;
        const s = touched.get(svc) ?? (await sources.get(tenant, svc)) ?? empty(tenant, svc);
        const { next, gap } = observe(s, e);
        touched.set(svc, next);
        if (gap)
          gaps.push({
            tenant,
            service: svc,
            ...gap,
            detectedMs: timestampMs(e.received_at),
            eventId: e.id,
          });
      }
      for (const s of touched.values()) await sources.saveObserved(s);
      for (const g of gaps) {
        await sources.addGap(g);
        await recordFinding(this.deps, tenant, gapFinding(g));
      }
      const last = records.at(-1);
      if (last) await sources.saveCursor(tenant, last.seq);
      read += records.length;
    }
    return read;
  }

  /**
   * An alert for every source silent past its cadence, once per silence: while an active alert
   * of the source already covers its last received time, nothing is added.
   */
  async checkSilence(): Promise<void> {
    const { sources, alerts, clock } = this.deps;
    const now = clock.now().getTime();
    for (const s of await sources.withCadence()) {
      if (!isSilent(s, now) || s.lastReceivedMs === null) continue;
      const active = await alerts.findActive(s.tenant, SOURCE_SILENT_RULE.id, groupKey(s.service));
      if (active && active.lastSeenMs >= s.lastReceivedMs) continue;
      await recordFinding(this.deps, s.tenant, silentFinding(s, now));
    }
  }
}

function gapFinding(g: SourceGap): Finding {
  const missing = g.toSeq - g.fromSeq + 1;
  return {
    rule: SOURCE_GAP_RULE,
    tenant: g.tenant,
    groupKey: groupKey(g.service),
    eventIds: [g.eventId],
    firstTime: g.detectedMs,
    lastTime: g.detectedMs,
    count: 1,
    summary: `${g.service}: observer.seq ${g.fromSeq}..${g.toSeq} missing (${missing} events)`,
    context: { service: g.service, missing_from: g.fromSeq, missing_to: g.toSeq, missing },
  };
}

function silentFinding(s: SourceRecord, now: number): Finding {
  const last = s.lastReceivedMs ?? now;
  const quietMin = Math.floor((now - last) / 60_000);
  return {
    rule: SOURCE_SILENT_RULE,
    tenant: s.tenant,
    groupKey: groupKey(s.service),
    eventIds: [],
    firstTime: last,
    lastTime: last,
    count: 1,
    summary: `${s.service} sent nothing for ${quietMin} min (expected every ${Math.round((s.expectedEveryMs ?? 0) / 60_000)} min)`,
    context: {
      service: s.service,
      last_received: new Date(last).toISOString(),
      expected_every_ms: s.expectedEveryMs,
    },
  };
}

/**
 * Detection (docs/api.md "Alerts and rules"): the leader follows every log, `_system`
 * included, from a cursor stored per log, feeds each entry in seq order to the Detector and
 * turns its findings into alerts. A finding with the (tenant, rule, group key) of an open or
 * acknowledged alert last seen within the rule's suppression window adds to that alert; any
 * other raises a new one, appended to the tenant's log as `alert.raised`. Entries that
 * detection wrote itself are never evaluated, so alerts cannot feed on alerts.
 *
 * Delivery of findings is at least once: the cursor is saved after every entry that produced
 * a finding and after every chunk, so a crash re-evaluates at most the rest of one chunk. The
 * Detector's own state lives in memory: after a restart it rebuilds from new entries only.
 */
import { abortableSleep, yieldToEventLoop } from './abortable-sleep.js';
import { v7 as uuidv7 } from 'uuid';
import type { Detector, Finding, RuleInfo, Severity } from '../core/detect/types.js';
import { LIMITS, type StoredEvent } from '../core/event/index.js';
import { alertEvent, mergeEventIds } from './alerts.js';
import type { LogWatch } from './log-watch.js';
import type { AlertRecord, AlertStore, Clock, Coordination, EventStore } from './ports.js';

export interface DetectionDeps {
  readonly events: EventStore;
  readonly alerts: AlertStore;
  readonly coordination: Coordination;
  readonly watch: LogWatch;
  readonly clock: Clock;
  /** Appends Veritrail's own, already valid events (Ingest.append). */
  readonly append: (events: readonly StoredEvent[]) => Promise<unknown>;
  readonly detector: Detector;
  readonly onRaised?: (severity: Severity) => void;
}

export interface DetectionOptions {
  /** How often the logs are polled, whatever the notices say (default 1000 ms). */
  readonly pollMs?: number;
  /** Entries read and evaluated per log per step (default 1000): the bound on one step's work. */
  readonly readChunk?: number;
  readonly onError?: (e: unknown) => void;
  /** Waits `ms` or until `signal` fires (tests inject a fake). */
  readonly sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

/** Entries written by detection itself (alert.* events of Veritrail): never evaluated. */
export const isDetectionEvent = (e: StoredEvent): boolean =>
  e.action.startsWith('alert.') && e.observer?.service === 'veritrail';

const MAX_GROUP_KEY = 1024;
const MAX_CONTEXT_BYTES = 16 * 1024;

/** A finding's untrusted-size parts, bounded before they are stored. */
function bounded(f: Finding) {
  const context =
    Buffer.byteLength(JSON.stringify(f.context)) > MAX_CONTEXT_BYTES
      ? { truncated: true }
      : f.context;
  return {
    groupKey: f.groupKey.slice(0, MAX_GROUP_KEY),
    summary: f.summary.slice(0, LIMITS.textLength),
    context,
  };
}

/** Whether a finding adds to an alert last seen at `lastSeenMs` (event time). */
export const withinSuppression = (f: Finding, lastSeenMs: number): boolean =>
  f.firstTime - lastSeenMs <= f.rule.suppressMs;

const realSleep = abortableSleep;

export class DetectionJob {
  private readonly opts: Required<DetectionOptions>;
  private stopping = new AbortController();
  private wakeUp = new AbortController();
  private unsubscribe: (() => void) | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly deps: DetectionDeps,
    opts: DetectionOptions = {},
  ) {
    this.opts = {
      pollMs: opts.pollMs ?? 1000,
      readChunk: opts.readChunk ?? 1000,
      onError: opts.onError ?? (() => {}),
      sleep: opts.sleep ?? realSleep,
    };
  }

  start(): void {
    if (this.running) return;
    this.stopping = new AbortController();
    this.unsubscribe = this.deps.watch.subscribe(() => this.wakeUp.abort());
    this.running = this.loop();
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    this.wakeUp.abort();
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    await this.running;
    this.running = undefined;
  }

  private async loop(): Promise<void> {
    while (!this.stopping.signal.aborted) {
      let evaluated = 0;
      try {
        evaluated = await this.step();
      } catch (e) {
        this.opts.onError(e);
      }
      if (this.stopping.signal.aborted) continue;
      if (evaluated > 0) {
        await yieldToEventLoop();
        continue;
      }
      const wake = this.wakeUp;
      await this.opts.sleep(this.opts.pollMs, wake.signal);
      if (wake.signal.aborted) this.wakeUp = new AbortController();
    }
  }

  /**
   * One bounded step: at most `readChunk` entries of each log after its cursor. Only the leader
   * works; the number of entries read is returned (0: nothing to do).
   */
  async step(): Promise<number> {
    const { events, alerts, coordination } = this.deps;
    let read = 0;
    for (const tenant of await events.tenants()) {
      if (!coordination.isLeader() || this.stopping.signal.aborted) break;
      const start = (await alerts.cursor(tenant)) + 1;
      const size = await events.size(tenant);
      if (start >= size) continue;
      const records = await events.range(
        tenant,
        start,
        Math.min(size, start + this.opts.readChunk),
      );
      for (const r of records) {
        if (r.event === null || isDetectionEvent(r.event)) continue;
        let findings: readonly Finding[];
        try {
          findings = this.deps.detector.evaluate(r.event);
        } catch (e) {
          // One entry a rule cannot handle must not stop detection for the whole log.
          this.opts.onError(e);
          continue;
        }
        if (findings.length === 0) continue;
        for (const f of findings) await recordFinding(this.deps, tenant, f);
        await alerts.saveCursor(tenant, r.seq);
      }
      const last = records.at(-1);
      if (last) await alerts.saveCursor(tenant, last.seq);
      read += records.length;
    }
    return read;
  }
}

/** What turning a finding into an alert needs (detection, source health). */
export type FindingSink = Pick<DetectionDeps, 'alerts' | 'clock' | 'append' | 'onRaised'>;

/**
 * Adds the finding to the alert it belongs to (same tenant, rule and group key, open or
 * acknowledged, within the rule's suppression window), or raises a new one.
 */
export async function recordFinding(deps: FindingSink, tenant: string, f: Finding): Promise<void> {
  const { alerts, clock } = deps;
  const b = bounded(f);
  for (let attempt = 0; attempt < 5; attempt++) {
    const at = clock.now().toISOString();
    const active = await alerts.findActive(tenant, f.rule.id, b.groupKey);
    if (active && withinSuppression(f, active.lastSeenMs)) {
      const next: AlertRecord = {
        ...active,
        count: active.count + f.count,
        firstSeenMs: Math.min(active.firstSeenMs, f.firstTime),
        lastSeenMs: Math.max(active.lastSeenMs, f.lastTime),
        eventIds: mergeEventIds(active.eventIds, f.eventIds),
        summary: b.summary,
        context: b.context,
        updatedAt: at,
        revision: active.revision + 1,
      };
      if (await alerts.update(next)) return;
      continue; // changed meanwhile (a status change): decide again on a fresh read
    }
    return raise(deps, tenant, f.rule, f, b, at);
  }
  throw new Error(`alert of rule ${f.rule.id} for "${b.groupKey}" kept changing; finding dropped`);
}

async function raise(
  deps: FindingSink,
  tenant: string,
  rule: RuleInfo,
  f: Finding,
  b: ReturnType<typeof bounded>,
  at: string,
): Promise<void> {
  const a: AlertRecord = {
    id: `al_${uuidv7().replace(/-/g, '')}`,
    tenant,
    ruleId: rule.id,
    ruleTitle: rule.title,
    severity: rule.severity,
    groupKey: b.groupKey,
    status: 'open',
    firstSeenMs: f.firstTime,
    lastSeenMs: f.lastTime,
    count: f.count,
    eventIds: mergeEventIds([], f.eventIds),
    summary: b.summary,
    context: b.context,
    createdAt: at,
    updatedAt: at,
    history: [{ status: 'open', by: `rule:${rule.id}`, at, note: null }],
    revision: 1,
  };
  await deps.alerts.create(a);
  await deps.append([alertEvent(a, 'alert.raised', { id: `rule:${rule.id}`, type: 'system' }, at)]);
  deps.onRaised?.(rule.severity);
}

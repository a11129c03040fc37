/**
 * Backtest (docs/cli.md "rules backtest"): runs a Detector over a tenant's stored entries in a
 * time range, in seq order, and returns the alerts it would have raised (findings merged with
 * the same suppression logic as detection.ts), without storing anything. Pages are read ahead
 * while the previous one is evaluated; there is no store round trip per entry.
 */
import type { Detector, Finding, Severity } from '../core/detect/types.js';
import { mergeEventIds } from './alerts.js';
import { isDetectionEvent, withinSuppression } from './detection.js';
import type { EventStore, StoredRecord } from './ports.js';

export interface BacktestRequest {
  readonly tenant: string;
  /** Inclusive lower bound on occurred_at, ms since the epoch. */
  readonly sinceMs?: number;
  /** Exclusive upper bound on occurred_at, ms since the epoch. */
  readonly untilMs?: number;
  /** Alerts kept in the result (default 1000); the counts cover them all. */
  readonly maxAlerts?: number;
  readonly pageSize?: number;
}

export interface BacktestAlert {
  readonly rule_id: string;
  readonly rule_title: string;
  readonly severity: Severity;
  readonly group_key: string;
  first_seen_ms: number;
  last_seen_ms: number;
  count: number;
  findings: number;
  event_ids: string[];
  summary: string;
  context: Readonly<Record<string, unknown>>;
}

export interface BacktestRuleCount {
  readonly rule_id: string;
  readonly rule_title: string;
  readonly severity: Severity;
  alerts: number;
  findings: number;
}

export interface BacktestResult {
  readonly tenant: string;
  /** Entries read (the whole log up to its size when the backtest started). */
  readonly scanned: number;
  /** Entries in the time range that were evaluated. */
  readonly evaluated: number;
  readonly findings: number;
  readonly alerts_total: number;
  readonly alerts: BacktestAlert[];
  readonly truncated: boolean;
  readonly by_rule: BacktestRuleCount[];
}

export async function backtest(
  events: EventStore,
  detector: Detector,
  req: BacktestRequest,
): Promise<BacktestResult> {
  const pageSize = req.pageSize ?? 5000;
  const maxAlerts = req.maxAlerts ?? 1000;
  const since = req.sinceMs ?? -Infinity;
  const until = req.untilMs ?? Infinity;
  const size = await events.size(req.tenant);
  const active = new Map<string, BacktestAlert>();
  const byRule = new Map<string, BacktestRuleCount>();
  const kept: BacktestAlert[] = [];
  let scanned = 0;
  let evaluated = 0;
  let findings = 0;
  let alertsTotal = 0;

  const absorb = (f: Finding) => {
    findings++;
    const key = `${f.rule.id}\u0000${f.groupKey}`;
    let rule = byRule.get(f.rule.id);
    if (!rule) {
      rule = {
        rule_id: f.rule.id,
        rule_title: f.rule.title,
        severity: f.rule.severity,
        alerts: 0,
        findings: 0,
      };
      byRule.set(f.rule.id, rule);
    }
    rule.findings++;
    const a = active.get(key);
    if (a && withinSuppression(f, a.last_seen_ms)) {
      a.count += f.count;
      a.findings++;
      a.first_seen_ms = Math.min(a.first_seen_ms, f.firstTime);
      a.last_seen_ms = Math.max(a.last_seen_ms, f.lastTime);
      a.event_ids = mergeEventIds(a.event_ids, f.eventIds);
      a.summary = f.summary;
      a.context = f.context;
      return;
    }
    const fresh: BacktestAlert = {
      rule_id: f.rule.id,
      rule_title: f.rule.title,
      severity: f.rule.severity,
      group_key: f.groupKey,
      first_seen_ms: f.firstTime,
      last_seen_ms: f.lastTime,
      count: f.count,
      findings: 1,
      event_ids: mergeEventIds([], f.eventIds),
      summary: f.summary,
      context: f.context,
    };
    active.set(key, fresh);
    rule.alerts++;
    alertsTotal++;
    if (kept.length < maxAlerts) kept.push(fresh);
  };

  const read = (start: number): Promise<StoredRecord[]> | undefined =>
    start < size ? events.range(req.tenant, start, Math.min(size, start + pageSize)) : undefined;
  let next = read(0);
  for (let start = 0; next; start += pageSize) {
    const page = await next;
    if (page.length === 0) break;
    next = read(start + pageSize); // read ahead while this page is evaluated
    scanned += page.length;
    for (const r of page) {
      if (r.event === null || r.occurredMs < since || r.occurredMs >= until) continue;
      if (isDetectionEvent(r.event)) continue;
      evaluated++;
      for (const f of detector.evaluate(r.event)) absorb(f);
    }
  }
  return {
    tenant: req.tenant,
    scanned,
    evaluated,
    findings,
    alerts_total: alertsTotal,
    alerts: kept,
    truncated: alertsTotal > kept.length,
    by_rule: [...byRule.values()].sort(
      (a, b) => b.alerts - a.alerts || a.rule_id.localeCompare(b.rule_id),
    ),
  };
}

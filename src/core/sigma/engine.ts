/**
 * The Sigma engine: routes each event to the rules whose logsource applies (logsource.ts),
 * applies meta filters, and feeds correlation rules. Pure and synchronous; correlation state
 * lives in the engine and is bounded (correlator.ts).
 */
import { compilePath, type Walker } from './field-path.js';
import { type Correlator, DEFAULT_LIMITS, type CorrelationLimits } from './correlator.js';
import { type Feed, filtersByRule, indexRules, wireCorrelations } from './engine-wiring.js';
import { auditdRecords } from './auditd-records.js';
import { logsourceOf, routeOf } from './logsource.js';
import type { CorrelationRule, Predicate, SigmaFilter, SigmaRule, Target } from './types.js';

export interface RuleMatch {
  readonly kind: 'rule';
  readonly rule: SigmaRule;
  /** What the rule matched: the imported record (`raw`) or the event itself. */
  readonly target: 'raw' | 'native';
  /** Values of the rule's `fields` in the matched object (first value; null when absent). */
  readonly fields: Readonly<Record<string, unknown>>;
}

export interface CorrelationMatch {
  readonly kind: 'correlation';
  readonly rule: CorrelationRule;
  /** group-by field (or alias) → value. */
  readonly group: Readonly<Record<string, unknown>>;
  /** Count that met the condition (events, distinct values or rules). */
  readonly count: number;
  /** Ids of the events in the window (bounded). */
  readonly eventIds: readonly string[];
  /** Event-time bounds of the matching window, ms since the epoch. */
  readonly firstTime: number;
  readonly lastTime: number;
}

export type SigmaMatch = RuleMatch | CorrelationMatch;

export interface EngineOptions {
  readonly filters?: readonly SigmaFilter[];
  readonly correlations?: readonly CorrelationRule[];
  readonly limits?: Partial<CorrelationLimits>;
}

export interface StateSize {
  readonly correlations: number;
  readonly groups: number;
  readonly entries: number;
  readonly byRule: readonly {
    readonly id: string;
    readonly groups: number;
    readonly entries: number;
  }[];
}

interface Compiled {
  readonly rule: SigmaRule;
  readonly match: Predicate;
  /** False when only correlations use the rule (`generate: false`). */
  readonly emit: boolean;
  readonly feeds: readonly Feed[];
  readonly fieldWalkers: readonly { readonly name: string; readonly walker: Walker }[];
  /** Native rules with a logsource service: the `observer.service` required (lower case). */
  readonly service: string | null;
}

/** Sets an own property even for a name like `__proto__` (names come from rule files). */
const setOwn = (o: Record<string, unknown>, k: string, v: unknown) =>
  Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });

const EMPTY: readonly SigmaMatch[] = Object.freeze([]);

const firstValue = (walker: Walker, t: Target): unknown => {
  let out: unknown = null;
  walker(t, (v) => {
    out = v;
    return true;
  });
  return out;
};

const observerService = (event: Target): string | null => {
  const o = event.observer;
  if (typeof o !== 'object' || o === null) return null;
  const s = (o as Record<string, unknown>).service;
  return typeof s === 'string' ? s.toLowerCase() : null;
};

const eventTime = (event: Target): number | null => {
  for (const key of ['occurred_at', 'received_at']) {
    const v = event[key];
    if (typeof v === 'string') {
      const t = Date.parse(v);
      if (!Number.isNaN(t)) return t;
    }
  }
  return null;
};

export class SigmaEngine {
  private readonly bySource = new Map<string, Compiled[]>();
  private readonly nativeAll: Compiled[] = [];
  private readonly nativeByCategory = new Map<string, Compiled[]>();
  private readonly correlators: readonly Correlator[];
  /** Correlation rules fed by other correlations (chains). */
  private readonly chained: ReadonlyMap<CorrelationRule, readonly Feed[]>;
  /** Problems found while wiring rules together (unknown references, unroutable rules). */
  readonly warnings: string[] = [];

  constructor(rules: readonly SigmaRule[], options: EngineOptions = {}) {
    const limits: CorrelationLimits = { ...DEFAULT_LIMITS, ...options.limits };
    const warn = (w: string) => this.warnings.push(w);
    const byRef = indexRules(rules, warn);
    const filtersOf = filtersByRule(rules, options.filters ?? [], byRef, warn);
    const wired = wireCorrelations(options.correlations ?? [], byRef, limits, warn);
    this.correlators = wired.correlators;
    this.chained = wired.chained;
    for (const rule of rules) {
      const route = routeOf(rule.logsource);
      const filters = filtersOf.get(rule) ?? [];
      const base = rule.match;
      const match: Predicate =
        filters.length === 0 ? base : (t) => base(t) && !filters.some((f) => f(t));
      const compiled: Compiled = {
        rule,
        match,
        emit: wired.emits(rule),
        feeds: wired.feedsOf.get(rule) ?? [],
        fieldWalkers: rule.fields.map((name) => ({ name, walker: compilePath(name) })),
        service: route.kind === 'native' ? (route.service ?? null) : null,
      };
      switch (route.kind) {
        case 'raw':
          for (const key of route.keys) {
            const list = this.bySource.get(key) ?? [];
            list.push(compiled);
            this.bySource.set(key, list);
          }
          break;
        case 'native':
          if (route.category === undefined) this.nativeAll.push(compiled);
          else {
            const list = this.nativeByCategory.get(route.category) ?? [];
            list.push(compiled);
            this.nativeByCategory.set(route.category, list);
          }
          break;
        case 'none':
          this.warnings.push(
            `${rule.file}:${rule.line}: rule '${rule.title}' has a logsource (${JSON.stringify(rule.logsource)}) that no Veritrail source provides; it never matches`,
          );
          break;
      }
    }
  }

  /** Every rule (and correlation) that matches `event`, in rule order. */
  match(event: Target): readonly SigmaMatch[] {
    let out: SigmaMatch[] | null = null;
    const source = logsourceOf(event);
    if (source !== null) {
      const raw = event.raw;
      const list = this.bySource.get(source.key);
      if (list !== undefined && typeof raw === 'object' && raw !== null && !Array.isArray(raw)) {
        const target = raw as Target;
        out = this.run(
          list,
          source.product === 'linux' ? auditdRecords(target) : target,
          'raw',
          event,
          out,
        );
      }
    }
    if (this.nativeAll.length > 0) out = this.run(this.nativeAll, event, 'native', event, out);
    const category = event.category;
    if (typeof category === 'string') {
      const list = this.nativeByCategory.get(category);
      if (list !== undefined) out = this.run(list, event, 'native', event, out);
    }
    return out ?? EMPTY;
  }

  private run(
    list: readonly Compiled[],
    /** The object to match, or several (auditd records): a rule matches when one does. */
    targets: Target | readonly Target[],
    kind: 'raw' | 'native',
    event: Target,
    out: SigmaMatch[] | null,
  ): SigmaMatch[] | null {
    let service: string | null | undefined;
    for (let i = 0; i < list.length; i++) {
      const c = list[i] as Compiled;
      if (c.service !== null) {
        service ??= observerService(event);
        if (c.service !== service) continue;
      }
      let target: Target | undefined;
      if (Array.isArray(targets)) target = (targets as readonly Target[]).find(c.match);
      else if (c.match(targets as Target)) target = targets as Target;
      if (target === undefined) continue;
      if (c.emit) {
        const fields: Record<string, unknown> = {};
        for (const f of c.fieldWalkers) setOwn(fields, f.name, firstValue(f.walker, target));
        (out ??= []).push({ kind: 'rule', rule: c.rule, target: kind, fields });
      }
      for (const feed of c.feeds) out = this.feed(feed, target, event, out, 0);
    }
    return out;
  }

  private feed(
    feed: Feed,
    target: Target,
    event: Target,
    out: SigmaMatch[] | null,
    depth: number,
  ): SigmaMatch[] | null {
    const time = eventTime(event);
    if (time === null || depth > 8) return out;
    const values = feed.groupBy.map((g) => firstValue(g.walker, target));
    const key = JSON.stringify(values);
    let value: string | null = null;
    if (feed.field !== null) {
      const v = firstValue(feed.field, target);
      value = v === null || v === undefined ? null : typeof v === 'string' ? v : JSON.stringify(v);
    }
    const id = typeof event.id === 'string' ? event.id : null;
    const hit = feed.correlator.add(key, feed.ruleIndex, time, value, id);
    if (hit === null) return out;
    // Built only for a match: most events join a group without completing it.
    const group: Record<string, unknown> = {};
    feed.groupBy.forEach((g, i) => setOwn(group, g.name, values[i]));
    const rule = feed.correlator.rule;
    (out ??= []).push({
      kind: 'correlation',
      rule,
      group,
      count: hit.count,
      eventIds: hit.eventIds,
      firstTime: hit.firstTime,
      lastTime: hit.lastTime,
    });
    for (const next of this.chained.get(rule) ?? [])
      out = this.feed(next, group, event, out, depth + 1);
    return out;
  }

  /** Size of the correlation state, to watch its bounds. */
  stateSize(): StateSize {
    const byRule = this.correlators.map((c) => ({
      id: c.rule.id ?? c.rule.name ?? c.rule.title,
      ...c.size,
    }));
    return {
      correlations: byRule.length,
      groups: byRule.reduce((n, r) => n + r.groups, 0),
      entries: byRule.reduce((n, r) => n + r.entries, 0),
      byRule,
    };
  }
}

/**
 * How the engine wires rules together: rule references by id or name, meta filters attached
 * to the rules they name, and correlation rules fed by the rules (or correlations) they use.
 */
import { compilePath, type Walker } from './field-path.js';
import { Correlator, type CorrelationLimits } from './correlator.js';
import type { CorrelationRule, Predicate, SigmaFilter, SigmaRule } from './types.js';

/** Where a matched rule's event goes for one correlation rule. */
export interface Feed {
  readonly correlator: Correlator;
  readonly ruleIndex: number;
  readonly groupBy: readonly { readonly name: string; readonly walker: Walker }[];
  readonly field: Walker | null;
}

type Warn = (warning: string) => void;

/** Rules by id and by name; a reused id or name is warned about and resolves to the last. */
export function indexRules(rules: readonly SigmaRule[], warn: Warn): Map<string, SigmaRule> {
  const byRef = new Map<string, SigmaRule>();
  for (const r of rules) {
    for (const ref of [r.id, r.name]) {
      if (ref === undefined) continue;
      const other = byRef.get(ref);
      if (other !== undefined && other !== r)
        warn(
          `${r.file}:${r.line}: rule '${r.title}' reuses the id or name '${ref}' of ${other.file}:${other.line}; references resolve to the last one`,
        );
      byRef.set(ref, r);
    }
  }
  return byRef;
}

/** The filter predicates that suppress each rule's matches. */
export function filtersByRule(
  rules: readonly SigmaRule[],
  filters: readonly SigmaFilter[],
  byRef: ReadonlyMap<string, SigmaRule>,
  warn: Warn,
): Map<SigmaRule, Predicate[]> {
  const filtersOf = new Map<SigmaRule, Predicate[]>();
  for (const f of filters) {
    if (f.rules === 'any') {
      const ls = f.logsource;
      for (const r of rules) {
        const same = (k: 'category' | 'product' | 'service') =>
          ls[k] === undefined || ls[k] === r.logsource[k];
        if (same('category') && same('product') && same('service'))
          filtersOf.set(r, [...(filtersOf.get(r) ?? []), f.match]);
      }
      continue;
    }
    for (const ref of f.rules) {
      const r = byRef.get(ref);
      if (r === undefined) {
        warn(`${f.file}:${f.line}: filter '${f.title}' refers to unknown rule '${ref}'`);
        continue;
      }
      filtersOf.set(r, [...(filtersOf.get(r) ?? []), f.match]);
    }
  }
  return filtersOf;
}

export interface Wiring {
  readonly correlators: Correlator[];
  readonly feedsOf: ReadonlyMap<SigmaRule, readonly Feed[]>;
  readonly chained: ReadonlyMap<CorrelationRule, readonly Feed[]>;
  /** Whether a rule raises matches of its own. */
  readonly emits: (rule: SigmaRule) => boolean;
}

export function wireCorrelations(
  correlations: readonly CorrelationRule[],
  byRef: ReadonlyMap<string, SigmaRule>,
  limits: CorrelationLimits,
  warn: Warn,
): Wiring {
  const correlators: Correlator[] = [];
  const chained = new Map<CorrelationRule, Feed[]>();
  const corrByRef = new Map<string, CorrelationRule>();
  for (const c of correlations) {
    if (c.id !== undefined) corrByRef.set(c.id, c);
    if (c.name !== undefined) corrByRef.set(c.name, c);
  }
  const feedsOf = new Map<SigmaRule, Feed[]>();
  // A correlated rule raises its own matches only when a correlation says `generate: true`.
  const suppressed = new Set<SigmaRule>();
  const generated = new Set<SigmaRule>();
  for (const c of correlations) {
    const correlator = new Correlator(c, limits);
    correlators.push(correlator);
    c.rules.forEach((ref, ruleIndex) => {
      const base = byRef.get(ref);
      const chainedFrom = corrByRef.get(ref);
      const target = base ?? chainedFrom;
      if (target === undefined) {
        warn(`${c.file}:${c.line}: correlation '${c.title}' refers to unknown rule '${ref}'`);
        return;
      }
      const refs = [target.id, target.name].filter((x): x is string => x !== undefined);
      // An alias names, per correlated rule (by id or name), the field to read (spec, "Field Name Aliases").
      const walkerFor = (name: string) => {
        const alias = Object.hasOwn(c.aliases, name) ? c.aliases[name] : undefined;
        const mapped =
          alias === undefined
            ? undefined
            : [ref, ...refs]
                .map((k) => (Object.hasOwn(alias, k) ? alias[k] : undefined))
                .find((x) => x !== undefined);
        return compilePath(mapped ?? name);
      };
      const feed: Feed = {
        correlator,
        ruleIndex,
        groupBy: c.groupBy.map((name) => ({ name, walker: walkerFor(name) })),
        field: c.field === undefined ? null : walkerFor(c.field),
      };
      if (base !== undefined) {
        feedsOf.set(base, [...(feedsOf.get(base) ?? []), feed]);
        if (c.generate) generated.add(base);
        else suppressed.add(base);
      } else if (chainedFrom !== undefined) {
        chained.set(chainedFrom, [...(chained.get(chainedFrom) ?? []), feed]);
      }
    });
  }
  return {
    correlators,
    feedsOf,
    chained,
    emits: (rule) => !suppressed.has(rule) || generated.has(rule),
  };
}

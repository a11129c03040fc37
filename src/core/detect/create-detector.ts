/**
 * Builds one `Detector` from rule files (docs/detection.md): Sigma rules, meta filters and
 * correlations go to the Sigma engine; Veritrail rule documents (a `veritrail:` mapping with a
 * `type`) become stateful rules of the four Veritrail types. Rule files are untrusted: every
 * problem is a `LoadError` naming the file and line, and a bad rule never stops the others.
 */
import { sha256 } from '../crypto.js';
import { TENANT_PATTERN, timestampMs, type StoredEvent } from '../event/schema.js';
import { DEFAULT_LIMITS, loadRules, SigmaEngine } from '../sigma/index.js';
import type {
  CorrelationRule,
  RuleMeta,
  SigmaErrorCode,
  SigmaFilter,
  SigmaLevel,
  SigmaRule,
  TypedRuleDocument,
} from '../sigma/types.js';
import type { GeoLookup } from './geo.js';
import { impossibleTravel } from './impossible-travel.js';
import { LruMap } from './lru.js';
import { newTerms } from './new-terms.js';
import { offHours } from './off-hours.js';
import { ParamError, Params } from './params.js';
import { selectorOf, type Selector } from './select-events.js';
import { correlationFinding, ruleFinding } from './sigma-findings.js';
import type { RuleBuilder, TypedRule } from './typed-rule.js';
import type { Detector, Finding, RuleInfo, Severity } from './types.js';
import { volumeSpike } from './volume-spike.js';

export type LoadErrorCode = SigmaErrorCode | 'invalid_parameter' | 'unknown_type';

/** A rule that did not load: where, and why. */
export interface LoadError {
  readonly code: LoadErrorCode;
  readonly file: string;
  /** 1-based line (and column) of the offending key, or of the document. */
  readonly line: number;
  readonly column: number;
  /** Dotted path inside the document, e.g. `veritrail.lookback`. */
  readonly path: string;
  readonly message: string;
}

export interface DetectorLimits {
  /** Sigma correlations: groups per rule and per tenant (default 10 000). */
  readonly maxGroups?: number;
  /** Sigma correlations: entries per group (default 1 000). */
  readonly maxEntries?: number;
  /** Tenants whose correlation state is kept, least recently seen evicted (default 1 000). */
  readonly maxTenants?: number;
  /** Default `max_entities` of the Veritrail rule types (default 10 000). */
  readonly maxEntities?: number;
}

export interface DetectorOptions {
  readonly files: readonly { readonly name: string; readonly text: string }[];
  /** City database for `impossible_travel` (src/geo); else country centroids only. */
  readonly geo?: GeoLookup;
  /** Clock, ms since the epoch (default `Date.now`): events dated more than 15 min ahead of
   *  it do not feed the Veritrail rules' state, and it dates events that carry no time. */
  readonly now?: () => number;
  readonly limits?: DetectorLimits;
  /** Values of `%name%` placeholders for the Sigma `expand` modifier. */
  readonly placeholders?: Readonly<Record<string, readonly string[]>>;
}

export interface DetectorResult {
  readonly detector: Detector;
  readonly errors: readonly LoadError[];
  /** Rules that load but never match (unknown references, logsources nothing provides). */
  readonly warnings: readonly string[];
}

/** Suppression window of a rule without `veritrail.suppress`. */
export const DEFAULT_SUPPRESS_MS = 15 * 60_000;
/** The reserved log of Veritrail's own actions (ARCHITECTURE §5). */
export const SYSTEM_TENANT = '_system';
const FUTURE_SKEW_MS = 15 * 60_000;

const SEVERITY: Readonly<Record<SigmaLevel, Severity>> = {
  informational: 'info',
  low: 'low',
  medium: 'medium',
  high: 'high',
  critical: 'critical',
};

const BUILDERS: Readonly<Record<string, { type: RuleInfo['type']; build: RuleBuilder }>> = {
  new_terms: { type: 'new_terms', build: newTerms },
  volume_spike: { type: 'volume_spike', build: volumeSpike },
  off_hours: { type: 'off_hours', build: offHours },
  impossible_travel: { type: 'impossible_travel', build: impossibleTravel },
};

/**
 * The tenant a finding belongs to: the event's, except for events of the `_system` log
 * (Veritrail's own actions), whose first target names the tenant acted upon.
 */
export function findingTenant(event: StoredEvent): string {
  if (event.tenant !== SYSTEM_TENANT) return event.tenant;
  const target = event.targets?.[0]?.id;
  return target !== undefined && TENANT_PATTERN.test(target) ? target : SYSTEM_TENANT;
}

/** Event time: `occurred_at`, else `received_at`, else the clock. */
function eventTime(event: StoredEvent, now: () => number): number {
  for (const t of [event.occurred_at, event.received_at]) {
    const ms = typeof t === 'string' ? timestampMs(t) : NaN;
    if (!Number.isNaN(ms)) return ms;
  }
  return now();
}

interface TypedEntry {
  readonly info: RuleInfo;
  readonly select: Selector;
  readonly rule: TypedRule;
}

export function createDetector(options: DetectorOptions): DetectorResult {
  const now = options.now ?? Date.now;
  const limits = options.limits ?? {};
  const errors: LoadError[] = [];
  const rules: SigmaRule[] = [];
  const filters: SigmaFilter[] = [];
  const correlations: CorrelationRule[] = [];
  const typedDocs: TypedRuleDocument[] = [];
  for (const file of options.files) {
    const r = loadRules(file.text, file.name, {
      ...(options.placeholders !== undefined ? { placeholders: options.placeholders } : {}),
    });
    errors.push(...r.errors);
    rules.push(...r.rules);
    filters.push(...r.filters);
    correlations.push(...r.correlations);
    typedDocs.push(...r.typed);
  }

  const usedIds = new Set<string>();
  const infoOf = (meta: RuleMeta, type: RuleInfo['type']): RuleInfo => {
    let id = meta.id ?? `h-${sha256(`${meta.file}\n${meta.title}`).toString('hex').slice(0, 24)}`;
    if (meta.id === undefined && usedIds.has(id)) {
      let n = 2;
      while (usedIds.has(`${id}-${n}`)) n++;
      id = `${id}-${n}`;
    }
    usedIds.add(id);
    return {
      id,
      title: meta.title,
      type,
      severity: meta.level === undefined ? 'medium' : SEVERITY[meta.level],
      ...(meta.description !== undefined ? { description: meta.description } : {}),
      ...(meta.author !== undefined ? { author: meta.author } : {}),
      tags: meta.tags,
      file: meta.file,
      line: meta.line,
      suppressMs: meta.suppressMs ?? DEFAULT_SUPPRESS_MS,
    };
  };

  const infos = new Map<SigmaRule | CorrelationRule, RuleInfo>();
  for (const r of rules) infos.set(r, infoOf(r, 'sigma'));
  for (const c of correlations) infos.set(c, infoOf(c, 'correlation'));

  const ctx = { geo: options.geo, maxEntities: limits.maxEntities ?? 10_000 };
  const typed: TypedEntry[] = [];
  for (const doc of typedDocs) {
    const fail = (code: LoadErrorCode, path: readonly (string | number)[], message: string) => {
      const at = doc.locate(path);
      errors.push({
        code,
        file: doc.meta.file,
        line: at.line,
        column: at.column,
        path: path.join('.'),
        message,
      });
    };
    const kind = Object.hasOwn(BUILDERS, doc.type) ? BUILDERS[doc.type] : undefined;
    if (kind === undefined) {
      fail(
        'unknown_type',
        ['veritrail', 'type'],
        `unknown rule type '${doc.type}' (${Object.keys(BUILDERS).join(', ')})`,
      );
      continue;
    }
    const select = selectorOf(doc);
    if (typeof select === 'string') {
      fail('invalid_field', ['logsource'], select);
      continue;
    }
    try {
      const params = new Params(doc.spec, ['veritrail']);
      params.raw('type');
      params.raw('suppress'); // checked by the Sigma loader
      const rule = kind.build(params, ctx);
      typed.push({ info: infoOf(doc.meta, kind.type), select, rule });
    } catch (e) {
      if (!(e instanceof ParamError)) throw e;
      fail('invalid_parameter', e.path, e.message);
    }
  }

  const engineOptions = {
    filters,
    correlations,
    limits: {
      maxGroups: limits.maxGroups ?? DEFAULT_LIMITS.maxGroups,
      maxEntries: limits.maxEntries ?? DEFAULT_LIMITS.maxEntries,
    },
  };
  const template = new SigmaEngine(rules, engineOptions);
  const warnings = [...template.warnings];
  // Correlation state is per tenant (one engine each), so that no group mixes two tenants.
  const engines = new LruMap<SigmaEngine>(limits.maxTenants ?? 1000);
  const engineFor = (tenant: string): SigmaEngine => {
    if (correlations.length === 0) return template;
    let e = engines.get(tenant);
    if (e === undefined) {
      e = new SigmaEngine(rules, engineOptions);
      engines.set(tenant, e);
    }
    return e;
  };

  // Rules are listed in file order, then line order.
  const fileOrder = new Map(options.files.map((f, i) => [f.name, i]));
  const detector: Detector = {
    rules: [...infos.values(), ...typed.map((t) => t.info)].sort(
      (a, b) => (fileOrder.get(a.file) ?? 0) - (fileOrder.get(b.file) ?? 0) || a.line - b.line,
    ),
    evaluate(event: StoredEvent): readonly Finding[] {
      const tenant = findingTenant(event);
      const time = eventTime(event, now);
      const out: Finding[] = [];
      for (const m of engineFor(tenant).match(event)) {
        const info = infos.get(m.rule);
        if (info === undefined) continue;
        out.push(
          m.kind === 'rule'
            ? ruleFinding(m, info, event, tenant, time)
            : correlationFinding(m, info, tenant),
        );
      }
      if (typed.length > 0 && time <= now() + FUTURE_SKEW_MS) {
        for (const t of typed) {
          if (!t.select(event)) continue;
          const hit = t.rule.evaluate(event, tenant, time);
          if (hit !== null) out.push({ rule: t.info, tenant, ...hit });
        }
      }
      return out;
    },
    stateSize() {
      let entries = 0;
      let approxBytes = 0;
      const sigma = correlations.length === 0 ? [template] : [...engines.values()];
      for (const e of sigma) {
        const s = e.stateSize();
        entries += s.groups + s.entries;
        // A group: its key, map entry and arrays; an entry: a time, an id and a value.
        approxBytes += s.groups * 200 + s.entries * 120;
      }
      for (const t of typed) {
        const s = t.rule.size();
        entries += s.entries;
        approxBytes += s.approxBytes;
      }
      return { entries, approxBytes };
    },
  };
  return { detector, errors, warnings };
}

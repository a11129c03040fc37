/**
 * The detection contract (docs/detection.md): what every kind of rule produces, whatever its
 * kind (a Sigma detection, a Sigma correlation, or a Veritrail rule type: new terms, volume
 * spike, off hours, impossible travel). Pure data: the app layer turns findings into alerts
 * (deduplication, suppression, storage, notifications).
 */
import type { StoredEvent } from '../event/schema.js';

export type Severity = 'info' | 'low' | 'medium' | 'high' | 'critical';

/** What a loaded rule says about itself (GET /v1/rules, `veritrail rules list`). */
export interface RuleInfo {
  /** Stable id: the rule's `id` (a UUID in Sigma), else a hash of file + title. */
  readonly id: string;
  readonly title: string;
  /** `sigma` (detection), `correlation`, or a Veritrail type. */
  readonly type:
    'sigma' | 'correlation' | 'new_terms' | 'volume_spike' | 'off_hours' | 'impossible_travel';
  readonly severity: Severity;
  readonly description?: string;
  readonly author?: string;
  readonly tags: readonly string[];
  /** `builtin/…` for the built-in pack, else the file path it was loaded from. */
  readonly file: string;
  readonly line: number;
  /** Suppression window for alerts of this rule, ms (the rule's `veritrail.suppress`, else a default). */
  readonly suppressMs: number;
}

/** One thing a rule found: becomes a new alert, or adds to an open one with the same key. */
export interface Finding {
  readonly rule: RuleInfo;
  readonly tenant: string;
  /**
   * What makes two findings the same alert: rule id + the entity (group-by values, the actor,
   * …) as a stable string, e.g. `actor.id=alice` or `source.ip=10.0.0.7`. Empty for rules
   * without an entity.
   */
  readonly groupKey: string;
  /** The events that triggered it, oldest first (bounded, at most 100). */
  readonly eventIds: readonly string[];
  /** Event-time bounds, ms since the epoch. */
  readonly firstTime: number;
  readonly lastTime: number;
  /** How many events (or distinct values, for value counts) met the rule. */
  readonly count: number;
  /** A one-line human summary, e.g. `12 failed logins for alice from 3 addresses in 5 min`. */
  readonly summary: string;
  /** Extra context for the alert (group values, matched fields, distance and speed, …). */
  readonly context: Readonly<Record<string, unknown>>;
}

/** The stateful evaluator the app feeds with every appended event, in seq order per tenant. */
export interface Detector {
  readonly rules: readonly RuleInfo[];
  /** Findings for one event. Pure apart from the detector's own bounded state. */
  evaluate(event: StoredEvent): readonly Finding[];
  /** State held (groups, entries, entities), for metrics and the benchmark. */
  stateSize(): { readonly entries: number; readonly approxBytes: number };
}

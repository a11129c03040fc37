/**
 * Public types of the Sigma rule engine (docs/sigma.md). Expected failures (a bad rule file)
 * are values: `SigmaLoadError` with a code, the file, the line and a message.
 */

export type SigmaErrorCode =
  | 'yaml_syntax'
  | 'too_large'
  | 'invalid_document'
  | 'missing_field'
  | 'invalid_field'
  | 'invalid_detection'
  | 'invalid_modifier'
  | 'invalid_value'
  | 'invalid_regex'
  | 'unresolved_placeholder'
  | 'invalid_condition'
  | 'unsupported'
  | 'invalid_correlation'
  | 'invalid_filter'
  | 'duplicate_rule';

export interface SigmaLoadError {
  readonly code: SigmaErrorCode;
  readonly file: string;
  /** 1-based line of the offending YAML node (or of the nearest enclosing one). */
  readonly line: number;
  /** 1-based column. */
  readonly column: number;
  /** Dotted path inside the document, e.g. `detection.selection.eventName|contains`. */
  readonly path: string;
  readonly message: string;
}

export type SigmaLevel = 'informational' | 'low' | 'medium' | 'high' | 'critical';
export type SigmaStatus = 'stable' | 'test' | 'experimental' | 'deprecated' | 'unsupported';

export interface Logsource {
  readonly category?: string;
  readonly product?: string;
  readonly service?: string;
}

/** A JSON-like record: the object a rule is matched against. */
export type Target = Readonly<Record<string, unknown>>;
export type Predicate = (target: Target) => boolean;

/** Metadata kept from a rule document (shown with matches; keeps the author attribution). */
export interface RuleMeta {
  readonly title: string;
  readonly id?: string;
  readonly name?: string;
  readonly status?: SigmaStatus;
  readonly level?: SigmaLevel;
  readonly description?: string;
  readonly author?: string;
  readonly license?: string;
  readonly date?: string;
  readonly modified?: string;
  readonly tags: readonly string[];
  readonly references: readonly string[];
  readonly falsepositives: readonly string[];
  readonly fields: readonly string[];
  /** Alert suppression window from `veritrail: { suppress }` (docs/detection.md), ms. */
  readonly suppressMs?: number;
  /** Where the rule came from, for messages. */
  readonly file: string;
  readonly line: number;
}

export interface SigmaRule extends RuleMeta {
  readonly kind: 'rule';
  readonly logsource: Logsource;
  /** The compiled detection: true when the target matches the condition. */
  readonly match: Predicate;
}

export interface SigmaFilter {
  readonly kind: 'filter';
  readonly title: string;
  readonly id?: string;
  readonly logsource: Logsource;
  /** Ids or names of the rules the filter applies to, or `any`: every rule whose logsource
   *  has the filter's category, product and service. */
  readonly rules: readonly string[] | 'any';
  /** True when the filter's condition holds: the rule's match is then suppressed. */
  readonly match: Predicate;
  readonly file: string;
  readonly line: number;
}

export type CorrelationType = 'event_count' | 'value_count' | 'temporal' | 'temporal_ordered';

/** `gt`/`gte`/`lt`/`lte`/`eq`/`neq` bounds, all of which must hold (a range is two bounds). */
export interface CountCondition {
  readonly gt?: number;
  readonly gte?: number;
  readonly lt?: number;
  readonly lte?: number;
  readonly eq?: number;
  readonly neq?: number;
}

export interface CorrelationRule extends RuleMeta {
  readonly kind: 'correlation';
  readonly type: CorrelationType;
  /** Ids or names of the rules (or correlations) correlated. */
  readonly rules: readonly string[];
  readonly groupBy: readonly string[];
  /** Window length in milliseconds. */
  readonly timespanMs: number;
  readonly condition: CountCondition;
  /** value_count: the field whose distinct values are counted. */
  readonly field?: string;
  /** alias → (rule id or name → field path). */
  readonly aliases: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** When true, the correlated rules also raise their own matches. */
  readonly generate: boolean;
}

/**
 * A Veritrail rule document (docs/detection.md): a rule whose top level has a `veritrail:`
 * mapping with a `type`. The loader checks its metadata, logsource and detection like a Sigma
 * rule's and hands it over; the detection module checks the type and its parameters.
 */
export interface TypedRuleDocument {
  readonly kind: 'typed';
  /** `veritrail.type` as written. */
  readonly type: string;
  readonly meta: RuleMeta;
  /** The rule's logsource, when it has one. */
  readonly logsource?: Logsource;
  /** The compiled `detection`, when the rule has one: which events the rule looks at. */
  readonly match?: Predicate;
  /** The `veritrail` mapping (untrusted: type, parameters, suppress). */
  readonly spec: Readonly<Record<string, unknown>>;
  /** Line and column of a path inside the document (e.g. `['veritrail', 'lookback']`). */
  readonly locate: (path: readonly (string | number)[]) => {
    readonly line: number;
    readonly column: number;
  };
}

export interface LoadResult {
  readonly rules: SigmaRule[];
  readonly filters: SigmaFilter[];
  readonly correlations: CorrelationRule[];
  /** Veritrail rule documents, handed over to the detection module. */
  readonly typed: TypedRuleDocument[];
  readonly errors: SigmaLoadError[];
}

export interface LoadOptions {
  /** Values of `%name%` placeholders for the `expand` modifier. */
  readonly placeholders?: Readonly<Record<string, readonly string[]>>;
}

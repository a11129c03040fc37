/**
 * The report model (docs/reports.md): everything a renderer (JSON, HTML, PDF) needs, with no
 * further lookup. Populations are in the CSV files named here; the JSON keeps the first rows of
 * each so a human-readable rendering can show examples.
 */
import type { EnvelopePart, FrameworkId, SectionId, SectionLog } from './frameworks.js';

export const REPORT_SCHEMA = 'veritrail.report/v1';

/** One event of a population, flattened to the CSV columns (EVENT_COLUMNS). */
export type EventRow = readonly (string | number | boolean | null)[];

export interface ReportQuery {
  readonly id: string;
  readonly log: SectionLog;
  readonly query: string;
  /** SHA-256 hex of the query text (UTF-8). */
  readonly sha256: string;
  readonly rows: number;
}

export interface ReportSection {
  readonly id: SectionId;
  readonly title: string;
  readonly description: string;
  readonly requirements: readonly string[];
  readonly log: SectionLog;
  /** Id of the query in `queries` (the section id). */
  readonly query: string;
  readonly count: number;
  /** Counts by action, most frequent first. */
  readonly byAction: readonly { readonly action: string; readonly count: number }[];
  readonly file: string;
  /** The first rows (oldest first), at most SAMPLE_ROWS; the file has all of them. */
  readonly sample: readonly EventRow[];
  readonly note: string | null;
}

export interface SourceCoverage {
  readonly service: string;
  readonly total: number;
  /** Events per day, aligned with `coverage.days`. */
  readonly perDay: readonly number[];
  /** Runs of whole days without any event from this source. */
  readonly gaps: readonly { readonly from: string; readonly to: string; readonly days: number }[];
}

export interface Coverage {
  readonly requirements: readonly string[];
  /** UTC days of the period (YYYY-MM-DD). */
  readonly days: readonly string[];
  readonly sources: readonly SourceCoverage[];
  readonly file: string;
  /** Jumps in a source's observer.seq detected in the period (docs/source-health.md). */
  readonly sequenceGaps?: readonly SequenceGap[];
}

/** observer.seq numbers `fromSeq`..`toSeq` of a source that never arrived. */
export interface SequenceGap {
  readonly service: string;
  readonly fromSeq: number;
  readonly toSeq: number;
  /** When the event after the gap was received (RFC 3339). */
  readonly detectedAt: string;
  readonly eventId: string;
}

export interface FieldCompleteness {
  readonly field: string;
  readonly present: number;
  /** present / total, 0 when there are no events. */
  readonly ratio: number;
}

export interface Completeness {
  readonly requirements: readonly string[];
  readonly events: number;
  readonly fields: readonly FieldCompleteness[];
  readonly file: string;
}

export interface CheckpointRef {
  readonly size: number;
  readonly createdAt: string;
  /** The signed note as stored. */
  readonly note: string;
}

export interface Integrity {
  readonly requirements: readonly string[];
  /** `verify` over the whole log (null when skipped). */
  readonly verification: {
    readonly ok: boolean;
    readonly size: number;
    readonly purged: number;
    readonly checkpoints: number;
    readonly failure: {
      readonly problem: string;
      readonly seq: number | null;
      readonly message: string;
    } | null;
  } | null;
  /** Highest seq of an event in the period (null: none). */
  readonly lastSeq: number | null;
  /** The oldest signed checkpoint whose tree includes lastSeq (null: none yet). */
  readonly checkpoint: CheckpointRef | null;
  /** The signed-note verifier key of the tenant's log. */
  readonly key: string;
  readonly checkpointsInPeriod: readonly CheckpointRef[];
}

export interface TimeIntegrity {
  readonly requirements: readonly string[];
  readonly events: number;
  /**
   * received_at − occurred_at in milliseconds: min and max exact; nearest-rank percentiles
   * exact below 1,024 ms, else rounded towards zero to within 1/64 (skew-histogram.ts).
   */
  readonly skewMs: {
    readonly min: number;
    readonly p50: number;
    readonly p90: number;
    readonly p99: number;
    readonly max: number;
  } | null;
  /** Events stamped later than their arrival (clock ahead). */
  readonly future: number;
  /** Events that arrived more than an hour after they occurred. */
  readonly lateOverHour: number;
}

export interface Retention {
  readonly requirements: readonly string[];
  /** Whether any retention policy is in force for the tenant. */
  readonly configured: boolean;
  readonly note: string;
  /** The tenant's retention policies when the report was made. */
  readonly policies: readonly {
    readonly name: string;
    /** Query-language text; empty: the whole tenant. */
    readonly scope: string;
    readonly minDays: number;
    readonly maxDays: number | null;
    readonly updatedAt: string;
  }[];
  /** The tenant's legal holds, released ones included. */
  readonly holds: readonly {
    readonly id: string;
    readonly scope: string;
    readonly reason: string;
    readonly createdAt: string;
    readonly releasedAt: string | null;
  }[];
}

export interface AlertSummary {
  readonly id: string;
  readonly ruleId: string;
  readonly ruleTitle: string;
  readonly severity: string;
  readonly status: string;
  readonly firstSeen: string;
  readonly lastSeen: string;
  readonly count: number;
  readonly createdAt: string;
  readonly history: readonly {
    readonly status: string;
    readonly by: string;
    readonly at: string;
    readonly note: string | null;
  }[];
}

export interface Report {
  readonly schema: typeof REPORT_SCHEMA;
  readonly id: string;
  readonly framework: { readonly id: FrameworkId; readonly name: string; readonly version: string };
  readonly tenant: string;
  /** [from, to): RFC 3339. */
  readonly period: { readonly from: string; readonly to: string };
  readonly generatedAt: string;
  readonly generator: { readonly name: 'veritrail'; readonly version: string };
  readonly events: number;
  readonly queries: readonly ReportQuery[];
  readonly coverage: Coverage;
  readonly completeness: Completeness;
  readonly integrity: Integrity;
  readonly time: TimeIntegrity;
  readonly retention: Retention;
  readonly access: { readonly requirements: readonly string[]; readonly section: SectionId };
  readonly sections: readonly ReportSection[];
  /** Alerts from the alert store whose events fall in the period. */
  readonly alertRecords: {
    readonly count: number;
    readonly file: string;
    readonly items: readonly AlertSummary[];
  };
  readonly envelopeRequirements: Readonly<Record<EnvelopePart, readonly string[]>>;
}

/**
 * The envelope's measures: coverage per source per day with its gaps, completeness per field,
 * and clock skew percentiles (received_at − occurred_at).
 */
import type { StoredEvent } from '../event/index.js';
import { csvTable } from './csv.js';
import type { FieldCompleteness, SourceCoverage } from './model.js';

const DAY = 86_400_000;
/** A period of more than ~3 years is refused rather than building a huge day table. */
export const MAX_REPORT_DAYS = 1100;

/**
 * The period cut into 24-hour days from its start, labelled with the UTC date each starts on
 * (UTC days when the period starts at midnight UTC, which the CLI and API do for dates).
 */
export function utcDays(fromMs: number, toMs: number): string[] {
  const n = Math.ceil((toMs - fromMs) / DAY);
  if (n > MAX_REPORT_DAYS)
    throw new RangeError(`the period is longer than ${MAX_REPORT_DAYS} days`);
  return Array.from({ length: n }, (_, i) => new Date(fromMs + i * DAY).toISOString().slice(0, 10));
}

export function coverageOf(
  days: readonly string[],
  perSource: ReadonlyMap<string, readonly number[]>,
): { sources: SourceCoverage[]; csv: string } {
  const sources = [...perSource.keys()].sort().map((service): SourceCoverage => {
    const perDay = perSource.get(service)!;
    const gaps: { from: string; to: string; days: number }[] = [];
    let start = -1;
    for (let i = 0; i <= days.length; i++) {
      const silent = i < days.length && (perDay[i] ?? 0) === 0;
      if (silent && start < 0) start = i;
      if (!silent && start >= 0) {
        gaps.push({ from: days[start]!, to: days[i - 1]!, days: i - start });
        start = -1;
      }
    }
    return { service, total: perDay.reduce((a, b) => a + b, 0), perDay, gaps };
  });
  const rows = sources.flatMap((s) => days.map((d, i) => [s.service, d, s.perDay[i] ?? 0]));
  return { sources, csv: csvTable(['service', 'day', 'events'], rows) };
}

/** The fields auditors sample for (PCI DSS 10.2.2, NIST AU-3): who, what, when, where, outcome. */
export const COMPLETENESS_FIELDS: readonly {
  readonly field: string;
  readonly present: (e: StoredEvent) => boolean;
}[] = [
  { field: 'actor.type', present: (e) => e.actor.type !== undefined },
  { field: 'actor.name', present: (e) => e.actor.name !== undefined },
  { field: 'actor.session_id', present: (e) => e.actor.session_id !== undefined },
  { field: 'outcome (known)', present: (e) => e.outcome !== 'unknown' },
  { field: 'targets', present: (e) => (e.targets?.length ?? 0) > 0 },
  { field: 'source.ip', present: (e) => e.source?.ip !== undefined },
  { field: 'source.user_agent', present: (e) => e.source?.user_agent !== undefined },
  { field: 'observer.service', present: (e) => e.observer?.service !== undefined },
  { field: 'observer.host', present: (e) => e.observer?.host !== undefined },
  { field: 'correlation.request_id', present: (e) => e.correlation?.request_id !== undefined },
];

export function completenessOf(
  present: readonly number[],
  total: number,
): { fields: FieldCompleteness[]; csv: string } {
  const fields = COMPLETENESS_FIELDS.map(({ field }, i) => {
    const n = present[i] ?? 0;
    return { field, present: n, ratio: total === 0 ? 0 : Math.round((n / total) * 1e6) / 1e6 };
  });
  const csv = csvTable(
    ['field', 'present', 'events', 'ratio'],
    fields.map((f) => [f.field, f.present, total, f.ratio]),
  );
  return { fields, csv };
}

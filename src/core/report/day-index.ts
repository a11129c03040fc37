/**
 * The report index (docs/reports.md "The report index"): what a report needs from a tenant's
 * log, kept per UTC day and source as entries are indexed, so a report over a long period reads
 * a few hundred rows instead of every event:
 * - day measures: events, field presence, clock skew histogram, future and late counts, the
 *   highest seq — the envelope's coverage, completeness and time parts add these up;
 * - marks: the seq of every entry that one of the tenant-log section queries selects, with a
 *   bit per section — the sections read only those entries back.
 * The same accumulation serves a report that scans events itself (periods that do not start at
 * midnight UTC), so both paths give the same figures. Pure: events in, plain values out.
 */
import type { StoredEvent } from '../event/index.js';
import { compileMatcher, parseQuery, type EventMatcher } from '../query/index.js';
import { sha256 } from '../crypto.js';
import { SECTIONS, SECTION_IDS, sectionQuery, type SectionId } from './frameworks.js';
import { COMPLETENESS_FIELDS } from './measures.js';
import { SkewHistogram, type SkewHistogramJson } from './skew-histogram.js';

export const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

/** One UTC day of one source (observer.service, '(none)' when absent) of a tenant's log. */
export interface DayMeasure {
  /** Days of occurred_at since the indexer's origin (in the index: since 1970-01-01, UTC). */
  readonly day: number;
  readonly service: string;
  readonly events: number;
  /** Events with each of COMPLETENESS_FIELDS present, in that order. */
  readonly present: readonly number[];
  /** Stamped later than received (clock ahead). */
  readonly future: number;
  /** Received more than an hour after they occurred. */
  readonly lateOverHour: number;
  readonly maxSeq: number;
  readonly skew: SkewHistogramJson;
}

/** An entry that at least one tenant-log section selects; bit i = SECTION_IDS[i]. */
export interface ReportMark {
  readonly seq: number;
  readonly occurredMs: number;
  readonly sections: number;
}

const TENANT_SECTIONS = SECTION_IDS.map((id, bit) => ({ id, bit, def: SECTIONS[id] })).filter(
  (s) => s.def.log === 'tenant',
);

/**
 * Identifies what the index holds: a change of a section query, of the completeness fields or
 * of the histogram makes stored indexes stale, and they are rebuilt.
 */
export const REPORT_INDEX_VERSION = sha256(
  JSON.stringify({
    format: 1,
    sections: TENANT_SECTIONS.map((s) => [s.id, s.def.query]),
    fields: COMPLETENESS_FIELDS.map((f) => f.field),
    skew: 'floor-log2-64',
  }),
)
  .toString('hex')
  .slice(0, 16);

export function sectionBit(id: SectionId): number {
  return 1 << SECTION_IDS.indexOf(id);
}

/** Mutable per-day accumulator behind a DayMeasure. */
class DayAcc {
  events = 0;
  readonly present = new Array<number>(COMPLETENESS_FIELDS.length).fill(0);
  future = 0;
  lateOverHour = 0;
  maxSeq = -1;
  readonly skew = new SkewHistogram();

  constructor(
    readonly day: number,
    readonly service: string,
  ) {}

  add(seq: number, e: StoredEvent, occurredMs: number): void {
    this.events++;
    for (let i = 0; i < COMPLETENESS_FIELDS.length; i++)
      if (COMPLETENESS_FIELDS[i]!.present(e)) this.present[i]! += 1;
    const skew = Date.parse(e.received_at) - occurredMs;
    this.skew.add(skew);
    if (skew < 0) this.future++;
    else if (skew > HOUR_MS) this.lateOverHour++;
    if (seq > this.maxSeq) this.maxSeq = seq;
  }

  measure(): DayMeasure {
    return {
      day: this.day,
      service: this.service,
      events: this.events,
      present: [...this.present],
      future: this.future,
      lateOverHour: this.lateOverHour,
      maxSeq: this.maxSeq,
      skew: this.skew.toJSON(),
    };
  }
}

/** Accumulates day measures (and, when asked, marks) over events in any order. */
export class DayIndexer {
  private readonly days = new Map<string, DayAcc>();
  private readonly marks: ReportMark[] = [];
  private readonly matchers: { bit: number; match: EventMatcher }[];
  private readonly originMs: number;

  /**
   * `originMs`: day 0 starts there (default 0: UTC days since the epoch, as the index keeps
   * them); a report scanning events itself counts 24-hour days from its period's start.
   */
  constructor(tenant: string, opts: { readonly marks: boolean; readonly originMs?: number }) {
    this.originMs = opts.originMs ?? 0;
    this.matchers = opts.marks
      ? TENANT_SECTIONS.map((s) => ({
          bit: 1 << s.bit,
          match: compileMatcher(parseQuery(sectionQuery(s.def, tenant))),
        }))
      : [];
  }

  add(seq: number, e: StoredEvent, occurredMs: number): void {
    const day = Math.floor((occurredMs - this.originMs) / DAY_MS);
    const service = e.observer?.service ?? '(none)';
    const key = `${day}\u0000${service}`;
    let acc = this.days.get(key);
    if (!acc) this.days.set(key, (acc = new DayAcc(day, service)));
    acc.add(seq, e, occurredMs);
    let sections = 0;
    for (const m of this.matchers) if (m.match(e)) sections |= m.bit;
    if (sections !== 0) this.marks.push({ seq, occurredMs, sections });
  }

  dayMeasures(): DayMeasure[] {
    return [...this.days.values()].map((a) => a.measure());
  }

  takeMarks(): ReportMark[] {
    return this.marks.splice(0);
  }
}

/** The sum of two measures of the same day and source. */
export function mergeDayMeasures(a: DayMeasure, b: DayMeasure): DayMeasure {
  if (a.day !== b.day || a.service !== b.service)
    throw new RangeError('merging measures of different days or sources');
  const skew = new SkewHistogram();
  skew.merge(a.skew);
  skew.merge(b.skew);
  return {
    day: a.day,
    service: a.service,
    events: a.events + b.events,
    present: a.present.map((n, i) => n + (b.present[i] ?? 0)),
    future: a.future + b.future,
    lateOverHour: a.lateOverHour + b.lateOverHour,
    maxSeq: Math.max(a.maxSeq, b.maxSeq),
    skew: skew.toJSON(),
  };
}

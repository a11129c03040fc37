/**
 * Builds a report in one pass over the period's events (ARCHITECTURE §7): every section's query
 * is compiled to the in-memory matcher, which selects exactly what the SQL search would (the
 * query package's property test), so one scan yields every count, population, the coverage,
 * the field completeness and the clock skew. Events are untrusted producer data: they are only
 * counted and copied into cells (csv.ts neutralises formulas).
 */
import type { StoredEvent } from '../event/index.js';
import { compileMatcher, parseQuery, type EventMatcher } from '../query/index.js';
import { sha256 } from '../crypto.js';
import { csvTable } from './csv.js';
import {
  FRAMEWORKS,
  SECTIONS,
  sectionQuery,
  type FrameworkId,
  type SectionDefinition,
} from './frameworks.js';
import {
  REPORT_SCHEMA,
  type AlertSummary,
  type EventRow,
  type Integrity,
  type Report,
  type ReportSection,
  type Retention,
  type SequenceGap,
} from './model.js';
import { coverageOf, completenessOf, COMPLETENESS_FIELDS, utcDays } from './measures.js';
import { DAY_MS, DayIndexer, type DayMeasure } from './day-index.js';
import { SkewHistogram } from './skew-histogram.js';

export const SAMPLE_ROWS = 20;

export const EVENT_COLUMNS = [
  'seq',
  'id',
  'occurred_at',
  'received_at',
  'action',
  'category',
  'outcome',
  'severity',
  'actor_id',
  'actor_type',
  'actor_name',
  'actor_roles',
  'actor_privileged',
  'targets',
  'source_ip',
  'service',
  'reason',
] as const;

export function eventRow(seq: number, e: StoredEvent): EventRow {
  return [
    seq,
    e.id,
    e.occurred_at,
    e.received_at,
    e.action,
    e.category,
    e.outcome,
    e.severity,
    e.actor.id,
    e.actor.type ?? null,
    e.actor.name ?? null,
    e.actor.roles?.join(' ') ?? null,
    e.actor.privileged ?? null,
    e.targets?.map((t) => (t.type ? `${t.type}:${t.id}` : t.id)).join(' ') ?? null,
    e.source?.ip ?? null,
    e.observer?.service ?? null,
    e.reason ?? null,
  ];
}

interface Population {
  readonly def: SectionDefinition;
  readonly requirements: readonly string[];
  readonly text: string;
  readonly match: EventMatcher;
  readonly rows: { ms: number; row: EventRow }[];
  readonly byAction: Map<string, number>;
}

export interface ReportContext {
  readonly id: string;
  readonly framework: FrameworkId;
  readonly tenant: string;
  readonly fromMs: number;
  readonly toMs: number;
  readonly generatedAt: string;
  readonly version: string;
}

export interface ReportExtras {
  readonly integrity: Omit<Integrity, 'requirements' | 'lastSeq'>;
  readonly alerts: readonly AlertSummary[];
  /** The retention in force; omitted: none is configured. */
  readonly retention?: Omit<Retention, 'requirements'>;
  /** Sequence gaps detected in the period; omitted: source health is not tracked. */
  readonly sequenceGaps?: readonly SequenceGap[];
}

export interface BuiltReport {
  readonly report: Report;
  /** File name → content (UTF-8), report.json included. */
  readonly files: Readonly<Record<string, string>>;
}

export class ReportBuilder {
  private readonly pops: Population[];
  private readonly days: string[];
  private readonly perSource = new Map<string, number[]>();
  private readonly present = new Array<number>(COMPLETENESS_FIELDS.length).fill(0);
  private readonly skew = new SkewHistogram();
  /** Measures of the events given one by one (addTenantEvent), folded in at finish. */
  private readonly scanned: DayIndexer;
  private events = 0;
  private future = 0;
  private lateOverHour = 0;
  private maxSeq: number | null = null;

  constructor(private readonly ctx: ReportContext) {
    if (!(ctx.toMs > ctx.fromMs)) throw new RangeError('the period must end after it starts');
    this.days = utcDays(ctx.fromMs, ctx.toMs);
    this.scanned = new DayIndexer(ctx.tenant, { marks: false, originMs: ctx.fromMs });
    this.pops = FRAMEWORKS[ctx.framework].sections.map(({ id, requirements }) => {
      const def = SECTIONS[id];
      const text = sectionQuery(def, ctx.tenant);
      return {
        def,
        requirements,
        text,
        match: compileMatcher(parseQuery(text)),
        rows: [],
        byAction: new Map(),
      };
    });
  }

  /** The highest seq of the tenant's events in the period so far (null: none). */
  get lastSeq(): number | null {
    return this.maxSeq;
  }

  /** The section queries, per log, for callers that prefer to let the store filter. */
  queries(): readonly { id: string; log: 'tenant' | 'system'; query: string }[] {
    return this.pops.map((p) => ({ id: p.def.id, log: p.def.log, query: p.text }));
  }

  /**
   * An event of the tenant's log, measured and offered to every section; those outside the
   * period are ignored. Any order. `occurredMs` (the store's column) saves parsing it again.
   */
  addTenantEvent(seq: number, e: StoredEvent, occurredMs?: number): void {
    const occurred = occurredMs ?? Date.parse(e.occurred_at);
    if (!this.inPeriod(occurred)) return;
    this.scanned.add(seq, e, occurred);
    if (this.maxSeq === null || seq > this.maxSeq) this.maxSeq = seq;
    this.addSectionCandidate(seq, e, occurred);
  }

  /**
   * Measures kept by the report index for whole UTC days (DayMeasure.day counted from the
   * epoch). Only for a period that starts at midnight UTC, so its days are UTC days.
   */
  addDayMeasures(measures: readonly DayMeasure[]): void {
    if (this.ctx.fromMs % DAY_MS !== 0)
      throw new RangeError('day measures need a period that starts at midnight UTC');
    const first = this.ctx.fromMs / DAY_MS;
    for (const m of measures) {
      const day = m.day - first;
      if (day < 0 || (first + day + 1) * DAY_MS > this.ctx.toMs)
        throw new RangeError(`day ${m.day} is not a whole day of the period`);
      this.fold(day, m);
    }
  }

  /**
   * An event that the index marked for a section (already measured through its day): offered to
   * every section, whose query decides. Events outside the period are ignored.
   */
  addSectionCandidate(seq: number, e: StoredEvent, occurredMs: number): void {
    if (!this.inPeriod(occurredMs)) return;
    for (const p of this.pops) if (p.def.log === 'tenant') this.take(p, seq, e);
  }

  /** An entry of the `_system` log with occurred_at in the period. */
  addSystemEvent(seq: number, e: StoredEvent): void {
    if (!this.inPeriod(Date.parse(e.occurred_at))) return;
    for (const p of this.pops) if (p.def.log === 'system') this.take(p, seq, e);
  }

  private inPeriod(ms: number): boolean {
    return ms >= this.ctx.fromMs && ms < this.ctx.toMs;
  }

  private fold(day: number, m: DayMeasure): void {
    let perDay = this.perSource.get(m.service);
    if (!perDay)
      this.perSource.set(m.service, (perDay = new Array<number>(this.days.length).fill(0)));
    perDay[day] = (perDay[day] ?? 0) + m.events;
    for (let i = 0; i < this.present.length; i++) this.present[i]! += m.present[i] ?? 0;
    this.events += m.events;
    this.future += m.future;
    this.lateOverHour += m.lateOverHour;
    this.skew.merge(m.skew);
    if (m.events > 0 && (this.maxSeq === null || m.maxSeq > this.maxSeq)) this.maxSeq = m.maxSeq;
  }

  private take(p: Population, seq: number, e: StoredEvent): void {
    if (!p.match(e)) return;
    p.rows.push({ ms: Date.parse(e.occurred_at), row: eventRow(seq, e) });
    p.byAction.set(e.action, (p.byAction.get(e.action) ?? 0) + 1);
  }

  finish(extras: ReportExtras): BuiltReport {
    for (const m of this.scanned.dayMeasures()) this.fold(m.day, m);
    const fw = FRAMEWORKS[this.ctx.framework];
    const files: Record<string, string> = {};
    const sections: ReportSection[] = this.pops.map((p) => {
      // Oldest first; ties (same instant) by seq within each log.
      p.rows.sort((a, b) => a.ms - b.ms || (a.row[0] as number) - (b.row[0] as number));
      const rows = p.rows.map((r) => r.row);
      const file = `${p.def.id.replaceAll('_', '-')}.csv`;
      files[file] = csvTable(EVENT_COLUMNS, rows);
      return {
        id: p.def.id,
        title: p.def.title,
        description: p.def.description,
        requirements: p.requirements,
        log: p.def.log,
        query: p.def.id,
        count: p.rows.length,
        byAction: [...p.byAction]
          .map(([action, count]) => ({ action, count }))
          .sort((a, b) => b.count - a.count || cmp(a.action, b.action)),
        file,
        sample: rows.slice(0, SAMPLE_ROWS),
        note: p.rows.length === 0 ? p.def.emptyNote : null,
      };
    });
    const coverage = coverageOf(this.days, this.perSource);
    files['coverage.csv'] = coverage.csv;
    const completeness = completenessOf(this.present, this.events);
    files['field-completeness.csv'] = completeness.csv;
    const alertsFile = 'alert-records.csv';
    files[alertsFile] = csvTable(
      [
        'id',
        'rule_id',
        'rule_title',
        'severity',
        'status',
        'first_seen',
        'last_seen',
        'count',
        'created_at',
        'history',
      ],
      extras.alerts.map((a) => [
        a.id,
        a.ruleId,
        a.ruleTitle,
        a.severity,
        a.status,
        a.firstSeen,
        a.lastSeen,
        a.count,
        a.createdAt,
        a.history
          .map((h) => `${h.at} ${h.status} by ${h.by}${h.note ? `: ${h.note}` : ''}`)
          .join(' | '),
      ]),
    );
    const skew = this.skew;
    const skewMs =
      this.events === 0
        ? null
        : {
            min: skew.min,
            p50: skew.percentile(50),
            p90: skew.percentile(90),
            p99: skew.percentile(99),
            max: skew.max,
          };
    const report: Report = {
      schema: REPORT_SCHEMA,
      id: this.ctx.id,
      framework: { id: fw.id, name: fw.name, version: fw.version },
      tenant: this.ctx.tenant,
      period: {
        from: new Date(this.ctx.fromMs).toISOString(),
        to: new Date(this.ctx.toMs).toISOString(),
      },
      generatedAt: this.ctx.generatedAt,
      generator: { name: 'veritrail', version: this.ctx.version },
      events: this.events,
      queries: this.pops.map((p) => ({
        id: p.def.id,
        log: p.def.log,
        query: p.text,
        sha256: sha256(p.text).toString('hex'),
        rows: p.rows.length,
      })),
      coverage: {
        requirements: fw.envelope.coverage,
        days: this.days,
        sources: coverage.sources,
        file: 'coverage.csv',
        ...(extras.sequenceGaps ? { sequenceGaps: extras.sequenceGaps } : {}),
      },
      completeness: {
        requirements: fw.envelope.completeness,
        events: this.events,
        fields: completeness.fields,
        file: 'field-completeness.csv',
      },
      integrity: {
        requirements: fw.envelope.integrity,
        lastSeq: this.lastSeq,
        ...extras.integrity,
      },
      time: {
        requirements: fw.envelope.time,
        events: this.events,
        skewMs,
        future: this.future,
        lateOverHour: this.lateOverHour,
      },
      retention: {
        requirements: fw.envelope.retention,
        ...(extras.retention ?? {
          configured: false,
          note: 'Retention is not configured: every entry of the log is kept; nothing is purged by policy.',
          policies: [],
          holds: [],
        }),
      },
      access: { requirements: fw.envelope.access, section: 'audit_log_access' },
      sections,
      alertRecords: { count: extras.alerts.length, file: alertsFile, items: extras.alerts },
      envelopeRequirements: fw.envelope,
    };
    files['report.json'] = `${JSON.stringify(report, null, 2)}\n`;
    return { report, files };
  }
}

const cmp = (a: unknown, b: unknown): number =>
  String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0;

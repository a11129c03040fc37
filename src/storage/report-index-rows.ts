/** Rows of the report index (migration 6), shared by the SQLite and PostgreSQL adapters. */
import type { DayMeasure, ReportMark } from '../core/report/day-index.js';
import { mergeDayMeasures } from '../core/report/day-index.js';

export interface DayRow {
  readonly day: number | string;
  readonly service: string;
  readonly measure: string;
}

export interface MarkRow {
  readonly seq: number | string;
  readonly occurred_ms: number | string;
  readonly sections: number | string;
}

/** The stored JSON: the measure without its key columns. */
export function measureJson(m: DayMeasure): string {
  return JSON.stringify({
    events: m.events,
    present: m.present,
    future: m.future,
    lateOverHour: m.lateOverHour,
    maxSeq: m.maxSeq,
    skew: m.skew,
  });
}

export function toMeasure(r: DayRow): DayMeasure {
  return {
    day: Number(r.day),
    service: r.service,
    ...(JSON.parse(r.measure) as Omit<DayMeasure, 'day' | 'service'>),
  };
}

export function toMark(r: MarkRow): ReportMark {
  return { seq: Number(r.seq), occurredMs: Number(r.occurred_ms), sections: Number(r.sections) };
}

/** The measures of an update merged with those stored for the same day and source. */
export function mergedMeasures(
  updates: readonly DayMeasure[],
  stored: (day: number, service: string) => DayMeasure | undefined,
): DayMeasure[] {
  return updates.map((m) => {
    const old = stored(m.day, m.service);
    return old ? mergeDayMeasures(old, m) : m;
  });
}

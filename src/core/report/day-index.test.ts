import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { StoredEvent } from '../event/index.js';
import { BASE_MS, eventArb } from '../query/test-support/event-arbitrary.js';
import { ReportBuilder, type BuiltReport } from './builder.js';
import { DAY_MS, DayIndexer, mergeDayMeasures, sectionBit, type DayMeasure } from './day-index.js';
import { FRAMEWORK_IDS, type FrameworkId } from './frameworks.js';

const HOUR = 3_600_000;

/** Schema-shaped events (roles and targets lists) at known instants around BASE_MS. */
const timedEventArb = fc
  .record({
    e: eventArb,
    occurred: fc.integer({ min: BASE_MS - 2 * DAY_MS, max: BASE_MS + 4 * DAY_MS }),
    // Skews from clock-ahead to days late, exact and histogram ranges alike.
    skew: fc.oneof(
      fc.integer({ min: -5000, max: 5000 }),
      fc.integer({ min: -3 * DAY_MS, max: 3 * DAY_MS }),
      fc.constantFrom(0, HOUR, HOUR + 1, -1, 1023, 1024),
    ),
  })
  .map(({ e, occurred, skew }): StoredEvent => {
    const targets = Array.isArray(e.targets)
      ? e.targets.filter((t): t is Exclude<typeof t, string> => typeof t === 'object')
      : [];
    const roles = e.actor.roles;
    return {
      ...(e as unknown as StoredEvent),
      actor: {
        ...e.actor,
        ...(roles === undefined ? {} : { roles: typeof roles === 'string' ? [roles] : roles }),
      },
      targets: targets,
      occurred_at: new Date(occurred).toISOString(),
      received_at: new Date(occurred + skew).toISOString(),
    } as StoredEvent;
  });

const extras = {
  integrity: {
    verification: null,
    checkpoint: null,
    key: 'localhost/veritrail/acme+00000000+AA',
    checkpointsInPeriod: [],
  },
  alerts: [],
};

function builder(framework: FrameworkId, fromMs: number, toMs: number): ReportBuilder {
  return new ReportBuilder({
    id: 'rp_test',
    framework,
    tenant: 'acme',
    fromMs,
    toMs,
    generatedAt: '2024-02-01T00:00:00.000Z',
    version: '0.0.0',
  });
}

/** Indexes the events in `chunks` batches and sums the batches as the store does. */
function indexInBatches(
  events: readonly StoredEvent[],
  cuts: readonly number[],
): { days: DayMeasure[]; marks: { seq: number; occurredMs: number; sections: number }[] } {
  const days = new Map<string, DayMeasure>();
  const marks = [];
  const bounds = [...new Set([0, ...cuts.map((c) => c % (events.length + 1)), events.length])];
  bounds.sort((a, b) => a - b);
  for (let b = 0; b + 1 < bounds.length; b++) {
    const ix = new DayIndexer('acme', { marks: true });
    for (let seq = bounds[b]!; seq < bounds[b + 1]!; seq++) {
      const e = events[seq]!;
      ix.add(seq, e, Date.parse(e.occurred_at));
    }
    for (const m of ix.dayMeasures()) {
      const key = `${m.day}/${m.service}`;
      const old = days.get(key);
      days.set(key, old ? mergeDayMeasures(old, m) : m);
    }
    marks.push(...ix.takeMarks());
  }
  return { days: [...days.values()], marks };
}

describe('the report index', () => {
  it('gives the same report as reading every event, for any events, batches and period', () => {
    fc.assert(
      fc.property(
        fc.array(timedEventArb, { maxLength: 60 }),
        fc.array(fc.nat(), { maxLength: 4 }),
        fc.constantFrom(...FRAMEWORK_IDS),
        fc.integer({ min: -1, max: 1 }),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 0, max: 23 }),
        (events, cuts, framework, startDay, days, extraHours) => {
          const fromMs = BASE_MS + startDay * DAY_MS;
          const toMs = fromMs + days * DAY_MS + extraHours * HOUR;
          const wholeTo = Math.floor(toMs / DAY_MS) * DAY_MS;

          const scan = builder(framework, fromMs, toMs);
          events.forEach((e, seq) => scan.addTenantEvent(seq, e));
          const a = scan.finish(extras);

          const { days: measures, marks } = indexInBatches(events, cuts);
          const ix = builder(framework, fromMs, toMs);
          ix.addDayMeasures(
            measures.filter((m) => m.day >= fromMs / DAY_MS && m.day < wholeTo / DAY_MS),
          );
          for (const k of marks)
            if (k.occurredMs >= fromMs && k.occurredMs < wholeTo)
              ix.addSectionCandidate(k.seq, events[k.seq]!, k.occurredMs);
          events.forEach((e, seq) => {
            const ms = Date.parse(e.occurred_at);
            if (ms >= wholeTo) ix.addTenantEvent(seq, e, ms);
          });
          const b = ix.finish(extras);
          expect(b.files).toEqual(a.files);
          expect(ix.lastSeq).toBe(scan.lastSeq);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('marks exactly the entries each tenant-log section selects', () => {
    const e = (over: Partial<StoredEvent>): StoredEvent => ({
      id: 'e',
      tenant: 'acme',
      action: 'user.login',
      category: 'authentication',
      outcome: 'success',
      severity: 'info',
      actor: { id: 'u' },
      occurred_at: '2024-01-01T00:00:00.000Z',
      received_at: '2024-01-01T00:00:00.000Z',
      ...over,
    });
    const ix = new DayIndexer('acme', { marks: true });
    ix.add(0, e({}), BASE_MS);
    ix.add(1, e({ outcome: 'failure' }), BASE_MS);
    ix.add(2, e({ actor: { id: 'root', privileged: true }, category: 'change' }), BASE_MS);
    ix.add(3, e({ action: 'review.signed_off' }), BASE_MS);
    const marks = ix.takeMarks();
    expect(marks.map((m) => m.seq)).toEqual([1, 2, 3]);
    expect(marks[0]!.sections & sectionBit('failed_access')).not.toBe(0);
    expect(marks[1]!.sections & sectionBit('privileged_actions')).not.toBe(0);
    expect(marks[1]!.sections & sectionBit('changes')).not.toBe(0);
    expect(marks[1]!.sections & sectionBit('failed_access')).toBe(0);
    expect(marks[2]!.sections).toBe(sectionBit('reviews'));
    // System-log sections are never marked: reports read `_system` themselves.
    expect(marks.some((m) => (m.sections & sectionBit('audit_log_access')) !== 0)).toBe(false);
  });

  it('refuses day measures for a period that does not start at midnight UTC', () => {
    const b = builder('soc2', BASE_MS + HOUR, BASE_MS + 3 * DAY_MS);
    expect(() => b.addDayMeasures([])).toThrow(/midnight UTC/);
    const c = builder('soc2', BASE_MS, BASE_MS + 2 * DAY_MS + HOUR);
    const ix = new DayIndexer('acme', { marks: false });
    ix.add(
      0,
      { occurred_at: '', received_at: '', actor: {} } as unknown as StoredEvent,
      BASE_MS + 2 * DAY_MS,
    );
    expect(() => c.addDayMeasures(ix.dayMeasures())).toThrow(/not a whole day/);
  });

  it('keeps built reports identical in shape to the scan path (sanity on a fixed report)', () => {
    const r: BuiltReport = builder('pci-dss', BASE_MS, BASE_MS + DAY_MS).finish(extras);
    expect(r.report.events).toBe(0);
    expect(r.report.time.skewMs).toBeNull();
  });
});

/**
 * The correlation state as first written (one array per window, filtered on every event): a
 * reference that the bounded, amortised `Correlator` must agree with event by event, bounds
 * reached or not (correlator-reference.test.ts).
 */
import { conditionHolds } from '../parse-correlation.js';
import type { CorrelationRule } from '../types.js';
import type { CorrelationHit, CorrelationLimits } from '../correlator.js';

interface Group {
  watermark: number;
  /** event_count: event times (sorted). */
  times: number[];
  /** value_count: value → newest time; temporal: rule index → times (sorted). */
  values: Map<string, number>;
  steps: number[][];
  /** Ids and times of the events in the window (bounded like the rest). */
  events: { readonly t: number; readonly id: string }[];
}

export class ReferenceCorrelator {
  private readonly groups = new Map<string, Group>();
  constructor(
    readonly rule: CorrelationRule,
    private readonly limits: CorrelationLimits,
  ) {}

  get size(): { groups: number; entries: number } {
    let entries = 0;
    for (const g of this.groups.values())
      entries +=
        g.times.length +
        g.values.size +
        g.steps.reduce((n, s) => n + s.length, 0) +
        g.events.length;
    return { groups: this.groups.size, entries };
  }

  /** Feeds one event matched by the referenced rule number `ruleIndex`. */
  add(
    groupKey: string,
    ruleIndex: number,
    time: number,
    value: string | null,
    eventId: string | null,
  ): CorrelationHit | null {
    const { rule, limits } = this;
    let g = this.groups.get(groupKey);
    if (g === undefined) {
      g = {
        watermark: time,
        times: [],
        values: new Map(),
        steps: rule.rules.map(() => []),
        events: [],
      };
      if (this.groups.size >= limits.maxGroups) {
        const oldest = this.groups.keys().next();
        if (!oldest.done) this.groups.delete(oldest.value);
      }
    } else {
      this.groups.delete(groupKey); // re-inserted below: Map order = least recently updated first
    }
    this.groups.set(groupKey, g);
    if (time > g.watermark) g.watermark = time;
    const from = g.watermark - rule.timespanMs;
    if (time <= from) return null; // late: outside the window
    if (eventId !== null) {
      g.events.push({ t: time, id: eventId });
      if (g.events.length > limits.maxEntries) g.events.shift();
    }
    g.events = g.events.filter((e) => e.t > from);
    let count: number;
    let first = time;
    switch (rule.type) {
      case 'event_count': {
        insertSorted(g.times, time, limits.maxEntries);
        while ((g.times[0] ?? Infinity) <= from) g.times.shift();
        count = g.times.length;
        first = g.times[0] ?? time;
        break;
      }
      case 'value_count': {
        if (value === null) return null;
        const prev = g.values.get(value);
        if (prev === undefined || time > prev) {
          g.values.delete(value);
          g.values.set(value, time);
        }
        for (const [v, t] of g.values) if (t <= from) g.values.delete(v);
        while (g.values.size > limits.maxEntries) {
          const k = g.values.keys().next();
          if (k.done) break;
          g.values.delete(k.value);
        }
        count = g.values.size;
        for (const t of g.values.values()) first = Math.min(first, t);
        break;
      }
      case 'temporal':
      case 'temporal_ordered': {
        const step = g.steps[ruleIndex];
        if (step === undefined) return null;
        insertSorted(step, time, limits.maxEntries);
        for (const s of g.steps) while ((s[0] ?? Infinity) <= from) s.shift();
        if (rule.type === 'temporal') {
          count = g.steps.filter((s) => s.length > 0).length;
          for (const s of g.steps) if (s[0] !== undefined) first = Math.min(first, s[0]);
        } else {
          const start = orderedStart(g.steps, g.watermark, from);
          count = start === null ? 0 : g.steps.length;
          first = start ?? time;
        }
        break;
      }
    }
    if (!conditionHolds(rule.condition, count)) return null;
    const hit = {
      count,
      eventIds: g.events.map((e) => e.id),
      firstTime: first,
      lastTime: g.watermark,
    };
    this.groups.delete(groupKey);
    return hit;
  }
}

function insertSorted(list: number[], t: number, max: number): void {
  let i = list.length;
  while (i > 0 && (list[i - 1] ?? 0) > t) i--;
  list.splice(i, 0, t);
  if (list.length > max) list.shift();
}

/**
 * temporal_ordered: is there t0 < t1 < … < tn with every ti in step i, all inside the window?
 * Greedy from the front: the earliest usable time of each step after the previous one.
 * Returns the first time of the sequence, or null.
 */
function orderedStart(steps: readonly number[][], end: number, from: number): number | null {
  let prev = from;
  let first: number | null = null;
  for (const s of steps) {
    const t = s.find((x) => x > prev && x <= end);
    if (t === undefined) return null;
    first ??= t;
    prev = t;
  }
  return first;
}

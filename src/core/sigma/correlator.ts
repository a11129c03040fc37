/**
 * State of one correlation rule (Sigma correlation rules specification v2.0.0), bounded:
 * at most `maxGroups` groups per rule (the least recently updated group is evicted first) and
 * at most `maxEntries` remembered events or values per group (the oldest dropped first).
 *
 * Windows run on EVENT time. Each group keeps a watermark, the newest event time it has
 * seen; the window is (watermark − timespan, watermark]. An event older than the window is
 * late and ignored; events out of order inside the window are counted normally. After a
 * correlation matches, its group is cleared, so one burst raises one match.
 *
 * Cost: an event looks its group up once (the recency order is a linked list beside the map)
 * and its windows expire by moving head indices (time-window.ts), so a stream in time order
 * costs amortised O(1) per event whatever the window holds; correlator-reference.test.ts
 * checks that this agrees with filtering plain arrays on every event.
 */
import { conditionHolds } from './parse-correlation.js';
import { EventWindow, SortedTimes, ValueWindow } from './time-window.js';
import type { CorrelationRule } from './types.js';

export interface CorrelationLimits {
  readonly maxGroups: number;
  readonly maxEntries: number;
}
export const DEFAULT_LIMITS: CorrelationLimits = { maxGroups: 10_000, maxEntries: 1_000 };

interface Group {
  readonly key: string;
  /** Neighbours in the recency list (least recently updated first). */
  older: Group | null;
  newer: Group | null;
  watermark: number;
  /** Ids and times of the events in the window (bounded like the rest). */
  readonly events: EventWindow;
  /** event_count: event times. */
  readonly times: SortedTimes | null;
  /** value_count: value → newest time. */
  readonly values: ValueWindow | null;
  /** temporal, temporal_ordered: the times of each referenced rule, by rule index. */
  readonly steps: readonly SortedTimes[];
}

const NO_STEPS: readonly SortedTimes[] = [];

export interface CorrelationHit {
  readonly count: number;
  readonly eventIds: readonly string[];
  readonly firstTime: number;
  readonly lastTime: number;
}

export class Correlator {
  private readonly groups = new Map<string, Group>();
  /** The recency list, kept beside the map so that a touch does not rewrite the map. */
  private oldest: Group | null = null;
  private newest: Group | null = null;
  constructor(
    readonly rule: CorrelationRule,
    private readonly limits: CorrelationLimits,
  ) {}

  get size(): { groups: number; entries: number } {
    let entries = 0;
    for (const g of this.groups.values()) {
      entries += g.events.length + (g.times?.length ?? 0) + (g.values?.size ?? 0);
      for (const step of g.steps) entries += step.length;
    }
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
      g = newGroup(rule, groupKey, time);
      if (this.groups.size >= limits.maxGroups && this.oldest !== null) this.drop(this.oldest);
      this.groups.set(groupKey, g);
      this.append(g);
    } else if (g !== this.newest) {
      this.unlink(g);
      this.append(g);
    }
    if (time > g.watermark) g.watermark = time;
    const from = g.watermark - rule.timespanMs;
    if (time <= from) return null; // late: outside the window
    if (eventId !== null) g.events.push(time, eventId, limits.maxEntries);
    g.events.expire(from);
    let count: number;
    let first = time;
    switch (rule.type) {
      case 'event_count': {
        const times = g.times as SortedTimes;
        times.insert(time, limits.maxEntries);
        times.expire(from);
        count = times.length;
        first = times.first() ?? time;
        break;
      }
      case 'value_count': {
        if (value === null) return null;
        const values = g.values as ValueWindow;
        values.set(value, time);
        values.expire(from, limits.maxEntries);
        count = values.size;
        if (conditionHolds(rule.condition, count)) first = values.firstTime(time);
        break;
      }
      case 'temporal':
      case 'temporal_ordered': {
        const step = g.steps[ruleIndex];
        if (step === undefined) return null;
        step.insert(time, limits.maxEntries);
        for (const s of g.steps) s.expire(from);
        if (rule.type === 'temporal') {
          count = 0;
          for (const s of g.steps) {
            const t = s.first();
            if (t === undefined) continue;
            count++;
            if (t < first) first = t;
          }
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
      eventIds: g.events.idList(),
      firstTime: first,
      lastTime: g.watermark,
    };
    this.drop(g);
    return hit;
  }

  private drop(g: Group): void {
    this.groups.delete(g.key);
    this.unlink(g);
  }

  private append(g: Group): void {
    g.older = this.newest;
    g.newer = null;
    if (this.newest === null) this.oldest = g;
    else this.newest.newer = g;
    this.newest = g;
  }

  private unlink(g: Group): void {
    if (g.older === null) this.oldest = g.newer;
    else g.older.newer = g.newer;
    if (g.newer === null) this.newest = g.older;
    else g.newer.older = g.older;
    g.older = null;
    g.newer = null;
  }
}

function newGroup(rule: CorrelationRule, key: string, time: number): Group {
  const temporal = rule.type === 'temporal' || rule.type === 'temporal_ordered';
  return {
    key,
    older: null,
    newer: null,
    watermark: time,
    events: new EventWindow(),
    times: rule.type === 'event_count' ? new SortedTimes() : null,
    values: rule.type === 'value_count' ? new ValueWindow() : null,
    steps: temporal ? rule.rules.map(() => new SortedTimes()) : NO_STEPS,
  };
}

/**
 * temporal_ordered: is there t0 < t1 < … < tn with every ti in step i, all inside the window?
 * Greedy from the front: the earliest usable time of each step after the previous one.
 * Returns the first time of the sequence, or null.
 */
function orderedStart(steps: readonly SortedTimes[], end: number, from: number): number | null {
  let prev = from;
  let first: number | null = null;
  for (const s of steps) {
    const t = s.firstAfter(prev);
    if (t === undefined || t > end) return null;
    first ??= t;
    prev = t;
  }
  return first;
}

/**
 * The windows of one correlation group (correlator.ts), built so that the usual stream, events
 * arriving in time order, costs amortised O(1) per event: each window drops expired entries
 * from its front by moving a head index instead of filtering or shifting an array, and keeps
 * times in plain number arrays instead of one object per event. Events out of order are still
 * handled exactly; they cost a scan when something in the window expires.
 *
 * Every window holds exactly the entries the documented semantics keep (docs/sigma.md
 * "Correlation rules"): after `expire(from)`, no entry has a time ≤ `from`.
 */

/** Past this many dead slots at the front (and half the array), the array is compacted. */
const COMPACT_AT = 64;

/** Times in ascending order from `head`; the front is dropped by moving `head`. */
export class SortedTimes {
  private readonly t: number[] = [];
  private head = 0;

  get length(): number {
    return this.t.length - this.head;
  }

  /** The smallest time, or undefined when empty. */
  first(): number | undefined {
    return this.t[this.head];
  }

  /** Inserts `time` in order; past `max` entries the smallest is dropped (maybe `time`). */
  insert(time: number, max: number): void {
    const a = this.t;
    let i = a.length;
    while (i > this.head && (a[i - 1] as number) > time) i--;
    if (i === a.length) a.push(time);
    else a.splice(i, 0, time);
    if (a.length - this.head > max) this.head++;
    this.compact();
  }

  /** Drops every time ≤ `from`. */
  expire(from: number): void {
    const a = this.t;
    while (this.head < a.length && (a[this.head] as number) <= from) this.head++;
    this.compact();
  }

  /** The first time > `after`, or undefined. */
  firstAfter(after: number): number | undefined {
    const a = this.t;
    let lo = this.head;
    let hi = a.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((a[mid] as number) > after) hi = mid;
      else lo = mid + 1;
    }
    return a[lo];
  }

  private compact(): void {
    const a = this.t;
    if (this.head === a.length) {
      a.length = 0;
      this.head = 0;
    } else if (this.head >= COMPACT_AT && this.head * 2 >= a.length) {
      a.splice(0, this.head);
      this.head = 0;
    }
  }
}

/**
 * Ids and times of the events in the window, in arrival order (a match reports the ids in
 * that order). While times arrive in order the window is sorted and expires from its front;
 * once one arrives out of order it is filtered in place, only when its smallest time may have
 * expired, and becomes sorted again when a filter finds it so.
 */
export class EventWindow {
  private readonly ts: number[] = [];
  private readonly ids: string[] = [];
  private head = 0;
  private sorted = true;
  /** No time in the window is smaller (a lower bound, exact after a filter). */
  private low = Infinity;

  get length(): number {
    return this.ts.length - this.head;
  }

  /** Appends an event; past `max` entries the earliest arrived is dropped. */
  push(time: number, id: string, max: number): void {
    const n = this.ts.length;
    if (n > this.head && (this.ts[n - 1] as number) > time) this.sorted = false;
    this.ts.push(time);
    this.ids.push(id);
    if (time < this.low) this.low = time;
    if (n + 1 - this.head > max) this.head++;
  }

  /** Drops every event with a time ≤ `from`. */
  expire(from: number): void {
    const { ts, ids } = this;
    if (this.sorted) {
      while (this.head < ts.length && (ts[this.head] as number) <= from) this.head++;
    } else if (this.low <= from) {
      let w = 0;
      let low = Infinity;
      let sorted = true;
      for (let r = this.head; r < ts.length; r++) {
        const t = ts[r] as number;
        if (t <= from) continue;
        if (w > 0 && (ts[w - 1] as number) > t) sorted = false;
        ts[w] = t;
        ids[w] = ids[r] as string;
        w++;
        if (t < low) low = t;
      }
      ts.length = w;
      ids.length = w;
      this.head = 0;
      this.low = low;
      this.sorted = sorted;
    }
    if (this.head === ts.length) {
      ts.length = 0;
      ids.length = 0;
      this.head = 0;
      this.sorted = true;
      this.low = Infinity;
    } else if (this.head >= COMPACT_AT && this.head * 2 >= ts.length) {
      ts.splice(0, this.head);
      ids.splice(0, this.head);
      this.head = 0;
    }
  }

  /** The ids, in arrival order (a new array). */
  idList(): string[] {
    return this.ids.slice(this.head);
  }
}

/**
 * value_count: each distinct value with its newest time. Map order is the order of the last
 * update (a value seen again later moves to the end), so while times arrive in order the map
 * is sorted by time and expires from its front; otherwise it is scanned, only when its
 * smallest time may have expired.
 */
export class ValueWindow {
  private readonly times = new Map<string, number>();
  private sorted = true;
  /** Time of the last entry in map order (while it is not dropped, the map stays non-empty). */
  private last = -Infinity;
  /** No time in the map is smaller (a lower bound, exact after a scan). */
  private low = Infinity;

  get size(): number {
    return this.times.size;
  }

  /** Records `value` at `time`, unless it was already seen at a later time. */
  set(value: string, time: number): void {
    const prev = this.times.get(value);
    if (prev !== undefined && time <= prev) return;
    if (prev !== undefined) this.times.delete(value);
    this.times.set(value, time);
    if (time < this.last) this.sorted = false;
    this.last = time;
    if (time < this.low) this.low = time;
  }

  /** Drops every value whose time is ≤ `from`, then the oldest updated past `max`. */
  expire(from: number, max: number): void {
    const m = this.times;
    if (this.sorted) {
      for (const [v, t] of m) {
        if (t > from) break;
        m.delete(v);
      }
    } else if (this.low <= from) {
      let low = Infinity;
      let prev = -Infinity;
      let sorted = true;
      for (const [v, t] of m) {
        if (t <= from) {
          m.delete(v);
          continue;
        }
        if (t < prev) sorted = false;
        prev = t;
        if (t < low) low = t;
      }
      this.low = low;
      this.sorted = sorted;
      this.last = prev;
    }
    while (m.size > max) {
      const k = m.keys().next();
      if (k.done === true) break;
      m.delete(k.value);
    }
    if (m.size === 0) {
      this.sorted = true;
      this.last = -Infinity;
      this.low = Infinity;
    }
  }

  /** The smallest time, or `bound` when smaller. */
  firstTime(bound: number): number {
    let first = bound;
    for (const t of this.times.values()) if (t < first) first = t;
    return first;
  }
}

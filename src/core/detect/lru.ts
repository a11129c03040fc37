/**
 * A map bounded in entries that evicts the least recently used one: the state of every
 * stateful rule is keyed by entities taken from untrusted events, so it must not grow without
 * bound. JavaScript `Map` keeps insertion order; touching a key moves it to the end.
 */
export class LruMap<V> {
  private readonly map = new Map<string, V>();
  /** The most recently used key, when it is known: touching it again changes no order. */
  private newest: string | undefined;

  constructor(readonly max: number) {}

  get size(): number {
    return this.map.size;
  }

  /** The value, marked as most recently used. */
  get(key: string): V | undefined {
    const v = this.map.get(key);
    if (v !== undefined && key !== this.newest) {
      this.map.delete(key);
      this.map.set(key, v);
      this.newest = key;
    }
    return v;
  }

  /** Sets the value (most recently used); returns the evicted value, if one was. */
  set(key: string, value: V): V | undefined {
    this.map.delete(key);
    this.map.set(key, value);
    this.newest = key;
    if (this.map.size <= this.max) return undefined;
    const oldest = this.map.keys().next();
    if (oldest.done === true) return undefined;
    const evicted = this.map.get(oldest.value);
    this.map.delete(oldest.value);
    if (oldest.value === this.newest) this.newest = undefined;
    return evicted;
  }

  delete(key: string): void {
    this.map.delete(key);
    if (key === this.newest) this.newest = undefined;
  }

  values(): IterableIterator<V> {
    return this.map.values();
  }
}

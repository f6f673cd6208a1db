/**
 * A Map with a bound on its entries and an optional time to live: the one cache of the code base.
 * At the bound the oldest insertion goes (first in, first out: the caches it serves hold compiled
 * expressions, validators, definitions of immutable versions and short-lived tokens, where a
 * recently used entry is no likelier to be used again than an old one, so LRU bookkeeping on every
 * hit would cost more than it saves).
 */
export class BoundedCache<K, V> {
  private readonly entries = new Map<K, { value: V; until: number }>();

  /**
   * `max` entries at most; each lives `ttlMs` (default: until evicted). `onDrop` hears of each
   * entry the cache drops by itself (pushed out at the bound, or found expired), for values that
   * hold something to release (a client's connections); not of `delete` and `clear`.
   */
  constructor(
    readonly max: number,
    readonly ttlMs = Number.POSITIVE_INFINITY,
    private readonly onDrop?: (value: V, key: K) => void,
  ) {
    if (!(max >= 1)) throw new RangeError('a bounded cache holds at least one entry');
  }

  /** The live value of `key`, or undefined (an expired entry is dropped). */
  get(key: K): V | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    if (e.until <= Date.now()) {
      this.entries.delete(key);
      this.onDrop?.(e.value, key);
      return undefined;
    }
    return e.value;
  }

  /** Stores `value` for `key`; evicts the oldest entry when full. `ttlMs` overrides the cache's for this entry. */
  set(key: K, value: V, ttlMs = this.ttlMs): this {
    if (!this.entries.has(key) && this.entries.size >= this.max) {
      const [oldest, e] = this.entries.entries().next().value as [K, { value: V }];
      this.entries.delete(oldest);
      this.onDrop?.(e.value, oldest);
    }
    this.entries.set(key, { value, until: ttlMs === Number.POSITIVE_INFINITY ? ttlMs : Date.now() + ttlMs });
    return this;
  }

  /** The value of `key`, made by `make` and stored when absent. */
  getOrSet(key: K, make: () => V): V {
    const hit = this.get(key);
    if (hit !== undefined) return hit;
    const value = make();
    this.set(key, value);
    return value;
  }

  delete(key: K): boolean {
    return this.entries.delete(key);
  }

  /** The live values (for closing what they hold at shutdown). */
  values(): V[] {
    const now = Date.now();
    return [...this.entries.values()].filter((e) => e.until > now).map((e) => e.value);
  }

  clear(): void {
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }
}

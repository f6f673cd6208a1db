import { afterEach, describe, expect, it, vi } from 'vitest';
import { BoundedCache } from './bounded-cache';

describe('BoundedCache', () => {
  afterEach(() => vi.useRealTimers());

  it('never holds more than its bound, evicting the oldest insertion', () => {
    const c = new BoundedCache<string, number>(3);
    for (const [i, k] of ['a', 'b', 'c', 'd', 'e'].entries()) c.set(k, i);
    expect(c.size).toBe(3);
    expect([c.get('a'), c.get('b'), c.get('c'), c.get('d'), c.get('e')]).toEqual([undefined, undefined, 2, 3, 4]);
  });

  it('replacing a key at the bound evicts nothing', () => {
    const c = new BoundedCache<string, number>(2).set('a', 1).set('b', 2).set('a', 3);
    expect([c.get('a'), c.get('b'), c.size]).toEqual([3, 2, 2]);
  });

  it('drops entries past their time to live, per cache or per entry', () => {
    vi.useFakeTimers();
    const c = new BoundedCache<string, string>(10, 1_000);
    c.set('short', 'x').set('long', 'y', 5_000);
    vi.advanceTimersByTime(1_001);
    expect(c.get('short')).toBeUndefined();
    expect(c.get('long')).toBe('y');
    expect(c.size).toBe(1);
  });

  it('getOrSet makes a value once', () => {
    const c = new BoundedCache<string, object>(2);
    const make = vi.fn(() => ({}));
    const first = c.getOrSet('k', make);
    expect(c.getOrSet('k', make)).toBe(first);
    expect(make).toHaveBeenCalledTimes(1);
  });

  it('refuses a bound below one', () => {
    expect(() => new BoundedCache(0)).toThrow(RangeError);
  });

  it('tells onDrop of each entry it drops by itself (at the bound, or expired), not of delete or clear', () => {
    vi.useFakeTimers();
    try {
      const dropped: string[] = [];
      const c = new BoundedCache<string, string>(2, 1_000, (v, k) => dropped.push(`${k}=${v}`));
      c.set('a', '1').set('b', '2').set('c', '3');
      expect(dropped).toEqual(['a=1']);
      c.delete('b');
      vi.advanceTimersByTime(1_001);
      expect(c.values()).toEqual([]);
      expect(c.get('c')).toBeUndefined();
      expect(dropped).toEqual(['a=1', 'c=3']);
      c.set('d', '4');
      c.clear();
      expect(dropped).toEqual(['a=1', 'c=3']);
    } finally {
      vi.useRealTimers();
    }
  });
});

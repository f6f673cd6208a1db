import { describe, expect, it } from 'vitest';
import { LinearRegExp, patternProblem } from './linear-regex';

describe('LinearRegExp', () => {
  it('matches like RegExp exec with the g flag: groups, index, lastIndex, UTF-16 offsets', () => {
    const re = new LinearRegExp(/é(b)?(x)?/g);
    const input = 'aé😀éb';
    const first = re.exec(input)!;
    expect([...first]).toEqual(['é', undefined, undefined]);
    expect(first.index).toBe(1);
    expect(re.lastIndex).toBe(2);
    const second = re.exec(input)!;
    expect([...second]).toEqual(['éb', 'b', undefined]);
    expect(second.index).toBe(4);
    expect(re.exec(input)).toBeNull();
    expect(re.lastIndex).toBe(0);
  });

  it('honours i, m and s; test() searches anywhere', () => {
    expect(new LinearRegExp('ABC', 'i').test('xxabcxx')).toBe(true);
    expect(new LinearRegExp('^b$', 'm').test('a\nb\nc')).toBe(true);
    expect(new LinearRegExp('a.b', 's').test('a\nb')).toBe(true);
    expect(new LinearRegExp('a.b').test('a\nb')).toBe(false);
  });

  it('runs an exponential pattern in linear time', () => {
    const t = performance.now();
    expect(new LinearRegExp('^(a+)+$', 'u').test(`${'a'.repeat(100_000)}!`)).toBe(false);
    expect(performance.now() - t).toBeLessThan(2_000);
  });

  it('refuses what RE2 cannot run, and the sticky flag', () => {
    expect(patternProblem('(a)\\1')).toMatch(/not accepted/);
    expect(patternProblem('(?=a)b')).toMatch(/not accepted/);
    expect(patternProblem('(?<!a)b')).toMatch(/not accepted/);
    expect(patternProblem('a', 'y')).toMatch(/flag 'y'/);
    expect(patternProblem('^(?<year>\\d{4})-\\d{2}$', 'u')).toBeNull();
  });

  it('has a distinct string form per pattern (Ajv keys compiled patterns by it)', () => {
    expect(String(new LinearRegExp('a+', 'u'))).toBe('/a+/u');
    expect(String(new LinearRegExp('b+', 'u'))).not.toBe(String(new LinearRegExp('a+', 'u')));
  });
});

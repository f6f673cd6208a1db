import { describe, expect, it } from 'vitest';
import { inWrittenOrder } from './key-order';

describe('inWrittenOrder', () => {
  it('orders keys as written, at every depth and inside arrays, with keys the author left out last', () => {
    const written = { b: 1, a: { z: 1, y: [{ q: 1, p: 2 }] } };
    const validated = { a: { y: [{ p: 2, q: 1 }], z: 1, added: true }, b: 1, retry: 3 };
    const out = inWrittenOrder(validated, written);
    expect(JSON.stringify(out)).toBe('{"b":1,"a":{"z":1,"y":[{"q":1,"p":2}],"added":true},"retry":3}');
  });

  it('never changes a value, and leaves values whose shape differs from what was written as they are', () => {
    const validated = { list: [1, 2], obj: { a: 1 }, s: 'x' };
    expect(inWrittenOrder(validated, { obj: 'text', list: { 0: 1 }, s: { nested: 1 } })).toEqual(validated);
    expect(inWrittenOrder(validated, null)).toBe(validated);
  });
});

import { describe, expect, it } from 'vitest';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { sameTurnBatch } from './same-turn-batch';

describe('sameTurnBatch', () => {
  it('hands the items of one turn to flush once, in order, and the next turn’s items in a new batch', async () => {
    const batches: number[][] = [];
    const add = sameTurnBatch<number>(async (items) => void batches.push(items));
    const first = [add(1), add(2), Promise.resolve().then(() => add(3))];
    await Promise.all(first);
    await add(4);
    expect(batches).toEqual([[1, 2, 3], [4]]);
  });

  it('gathers what I/O callbacks of the same turn submit (not only synchronous calls)', async () => {
    const batches: string[][] = [];
    const add = sameTurnBatch<string>(async (items) => void batches.push(items));
    // Two timers due together fire in the same timers phase: their items share the batch.
    await new Promise<void>((resolve) => {
      let n = 0;
      for (const s of ['a', 'b']) setTimeout(() => void add(s).then(() => ++n === 2 && resolve()), 1);
    });
    expect(batches).toEqual([['a', 'b']]);
  });

  it('splits a turn past maxBatch into several flushes', async () => {
    const batches: number[][] = [];
    const add = sameTurnBatch<number>(async (items) => void batches.push(items), 2);
    await Promise.all([1, 2, 3, 4, 5].map((i) => add(i)));
    expect(batches).toEqual([[1, 2], [3, 4], [5]]);
  });

  it('rejects every submitter of a failed batch with its error, and later batches start fresh', async () => {
    let fail = true;
    const add = sameTurnBatch<number>(async () => {
      if (fail) throw new Error('redis down');
    });
    const results = await Promise.allSettled([add(1), add(2)]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect((results[0] as PromiseRejectedResult).reason.message).toBe('redis down');
    fail = false;
    await nextTurn();
    await expect(add(3)).resolves.toBeUndefined();
  });
});

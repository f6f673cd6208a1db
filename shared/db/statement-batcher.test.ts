/** StatementBatcher's failure rules without a database: statements are plain functions that record what they were sent. */
import { describe, expect, it } from 'vitest';
import { StatementBatcher } from './statement-batcher';

describe('StatementBatcher', () => {
  it('sends the requests of one turn together, and isolates a request that fails the statement', async () => {
    const sent: number[][] = [];
    const b = new StatementBatcher<number, number>(
      async (xs) => {
        sent.push(xs);
        if (xs.includes(3)) throw Object.assign(new Error('bad value 3'), { code: '22P05' });
        return xs.map((x) => x * 10);
      },
      { maxBatch: 100, maxInFlight: 1 },
    );
    const results = await Promise.allSettled([1, 2, 3, 4].map((x) => b.submit(x)));
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message))).toEqual([10, 20, 'bad value 3', 40]);
    expect(sent[0]).toEqual([1, 2, 3, 4]);
    expect(sent.slice(1).sort()).toEqual([[1], [2], [3], [4]]);
  });

  it('sends a batch again when PostgreSQL picked it as a deadlock victim, and fails all alike when the database is unreachable', async () => {
    let calls = 0;
    const retried = new StatementBatcher<number, number>(
      async (xs) => {
        if (++calls === 1) throw Object.assign(new Error('deadlock detected'), { code: '40P01' });
        return xs;
      },
      { maxBatch: 10, maxInFlight: 1 },
    );
    expect(await Promise.all([retried.submit(1), retried.submit(2)])).toEqual([1, 2]);
    expect(calls).toBe(2);

    let down = 0;
    const unreachable = new StatementBatcher<number, number>(
      async () => {
        down++;
        throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
      },
      { maxBatch: 10, maxInFlight: 1 },
    );
    const r = await Promise.allSettled([unreachable.submit(1), unreachable.submit(2)]);
    expect(r.every((x) => x.status === 'rejected')).toBe(true);
    expect(down).toBe(1);
  });

  it('keeps at most maxInFlight statements going and gathers what arrives meanwhile', async () => {
    const gates: Array<() => void> = [];
    const sizes: number[] = [];
    const b = new StatementBatcher<number, number>(
      (xs) =>
        new Promise((resolve) => {
          sizes.push(xs.length);
          gates.push(() => resolve(xs));
        }),
      { maxBatch: 100, maxInFlight: 1 },
    );
    const first = b.submit(0);
    await Promise.resolve();
    await Promise.resolve();
    const rest = [1, 2, 3].map((x) => b.submit(x));
    await new Promise((r) => setTimeout(r, 10));
    expect(sizes).toEqual([1]);
    gates.shift()!();
    await first;
    await new Promise((r) => setTimeout(r, 10));
    expect(sizes).toEqual([1, 3]);
    gates.shift()!();
    expect(await Promise.all(rest)).toEqual([1, 2, 3]);
  });
});

import { describe, expect, it } from 'vitest';
import { setImmediate as nextPhase } from 'node:timers/promises';
import { Batcher } from './batcher';

const echo = (sent: number[][]) => async (xs: number[]) => (sent.push(xs), xs);

describe('Batcher', () => {
  it("with gather 'phase', gathers requests made in separate callbacks of one event-loop phase; with 'callback', each callback's own", async () => {
    const gathered = async (gather: 'callback' | 'phase') => {
      const sent: number[][] = [];
      const b = new Batcher<number, number>(echo(sent), { maxBatch: 100, maxInFlight: 2, gather });
      // Three callbacks of one event-loop phase, as three HTTP requests read from three sockets in one
      // poll phase. Immediates queued together always run in one check phase; 0 ms timers can expire
      // in different timers phases on a loaded machine.
      const done = await new Promise<Array<Promise<number>>>((resolve) => {
        const ps: Array<Promise<number>> = [];
        for (const x of [1, 2, 3]) setImmediate(() => ps.push(b.submit(x)));
        setImmediate(() => resolve(ps));
      });
      expect(await Promise.all(done)).toEqual([1, 2, 3]);
      return sent;
    };
    expect(await gathered('phase')).toEqual([[1, 2, 3]]);
    expect(await gathered('callback')).toEqual([[1], [2], [3]]);
  });

  it('sends the requests of one callback when it ends, past maxBatch as several batches, and a later microtask’s as the next', async () => {
    const sent: number[][] = [];
    const b = new Batcher<number, number>(echo(sent), { maxBatch: 2, maxInFlight: 10 });
    await Promise.all([b.submit(1), b.submit(2), Promise.resolve().then(() => b.submit(3)), b.submit(4), b.submit(5)]);
    expect(sent).toEqual([[1, 2], [4, 5], [3]]);
  });

  it('fails every request of a batch alike by default, and the next batch starts fresh', async () => {
    let fail = true;
    const b = new Batcher<number, void>(
      async (xs) => {
        if (fail) throw new Error('redis down');
        return xs.map(() => undefined);
      },
      { maxBatch: 100, maxInFlight: 1, gather: 'phase' },
    );
    const results = await Promise.allSettled([b.submit(1), b.submit(2)]);
    expect(results.map((r) => (r.status === 'rejected' ? (r.reason as Error).message : 'ok'))).toEqual(['redis down', 'redis down']);
    fail = false;
    await nextPhase();
    await expect(b.submit(3)).resolves.toBeUndefined();
  });

  it('resends a batch classified resend at most maxResends times', async () => {
    let calls = 0;
    const b = new Batcher<number, number>(
      async () => {
        calls++;
        throw new Error('transient');
      },
      { maxBatch: 10, maxInFlight: 1, onFailure: () => 'resend', maxResends: 2 },
    );
    const r = await Promise.allSettled([b.submit(1), b.submit(2)]);
    expect(r.map((x) => x.status)).toEqual(['rejected', 'rejected']);
    expect(calls).toBe(3);
  });

  it('sends the requests of a failed batch one at a time within the in-flight bound, and only the one at fault fails', async () => {
    let inFlight = 0;
    let most = 0;
    const sent: number[][] = [];
    const b = new Batcher<number, number>(
      async (xs) => {
        inFlight++;
        most = Math.max(most, inFlight);
        sent.push(xs);
        await nextPhase();
        inFlight--;
        if (xs.includes(3)) throw new Error('bad value 3');
        return xs.map((x) => x * 10);
      },
      { maxBatch: 100, maxInFlight: 2, onFailure: () => 'split' },
    );
    const results = await Promise.allSettled([1, 2, 3, 4, 5, 6].map((x) => b.submit(x)));
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message))).toEqual([
      10,
      20,
      'bad value 3',
      40,
      50,
      60,
    ]);
    expect(sent[0]).toEqual([1, 2, 3, 4, 5, 6]);
    expect(sent.slice(1)).toEqual([[1], [2], [3], [4], [5], [6]]);
    // Six re-sends, never more than the bound at once (they used to go out all together).
    expect(most).toBe(2);
    expect(b.pending).toBe(0);
  });

  it('refuses a bound below one', () => {
    expect(() => new Batcher(async () => [], { maxBatch: 0, maxInFlight: 1 })).toThrow(RangeError);
  });
});

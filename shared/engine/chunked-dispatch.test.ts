/**
 * Streaming: ChunkedDispatch must pull generator records only as fast as chunks complete, so a
 * generator of any length is never held in memory. The database here is a recording stand-in:
 * the property under test is the pull/complete ordering, not SQL.
 */
import { describe, expect, it } from 'vitest';
import type { Db, Queryable, Statement } from '../db/db';
import type { ChunkedTask } from '../domain/workflow-definition';
import { attemptOperation } from './attempt-operation';
import { chunkedDispatch } from './chunked-dispatch';
import { heldBy } from '../../tests/helpers/signal-held';

function recordingDb() {
  let nextId = 0;
  const db: Db = {
    backend: 'postgres',
    schema: 'x',
    async query(text: string | Statement, values?: unknown[]) {
      if (/INSERT INTO chunk_runs/.test(typeof text === 'string' ? text : text.text)) {
        const indexes = values![3] as number[];
        return { rows: [{ held: true, started: indexes.map((index) => ({ id: `c${nextId++}`, index })) }], rowCount: 1 } as never;
      }
      // The fenced result flush: the lease is held.
      return { rows: [{ held: true }], rowCount: 1 } as never;
    },
    async tx<T>(fn: (q: Queryable) => Promise<T>) {
      return fn(db);
    },
    async close() {},
  };
  return db;
}

const task = (concurrency: number): ChunkedTask => ({
  key: 'each',
  type: 'chunked',
  generator: { connector: 'platform', operation: 'range' },
  each: { connector: 'platform', operation: 'echo', input: { n: '{{ record.index }}' } },
  concurrency,
});

describe('chunkedDispatch', () => {
  it('keeps the generator at most one batch plus the in-flight chunks ahead of completion', async () => {
    const total = 20_000;
    let pulled = 0;
    let completed = 0;
    let maxAhead = 0;
    async function* records() {
      for (let index = 0; index < total; index++) {
        pulled++;
        maxAhead = Math.max(maxAhead, pulled - completed);
        yield { index };
      }
    }
    const result = await chunkedDispatch({
      db: recordingDb(),
      orgId: 'o',
      runId: 'r',
      taskRunId: 't',
      owner: 'w',
      task: task(8),
      records: records(),
      context: {},
      signal: new AbortController().signal,
      runChunk: async (c) => {
        await new Promise((r) => setImmediate(r));
        completed++;
        return { output: c.input, childRunId: null };
      },
    });
    expect(result).toEqual({ total, succeeded: total, failed: 0, cancelled: 0 });
    // batch size for concurrency 8 is max(32, 8 * 4) = 32; a batch is pulled only when the previous one is dispatched.
    expect(maxAhead).toBeLessThanOrEqual(32 + 8 + 1);
  });

  it('maps each chunk input from the record and passes indexes in order', async () => {
    const seen: Array<[number, unknown]> = [];
    async function* records() {
      for (let index = 0; index < 100; index++) yield { index, name: `r${index}` };
    }
    await chunkedDispatch({
      db: recordingDb(),
      orgId: 'o',
      runId: 'r',
      taskRunId: 't',
      owner: 'w',
      task: {
        ...task(1),
        each: { connector: 'platform', operation: 'echo', input: { n: '{{ record.index }}', who: 'x-{{ record.name }}' } },
      },
      records: records(),
      context: {},
      signal: new AbortController().signal,
      runChunk: async (c) => {
        seen.push([c.index, c.input]);
        return { output: null, childRunId: null };
      },
    });
    expect(seen).toHaveLength(100);
    expect(seen[42]).toEqual([42, { n: 42, who: 'x-r42' }]);
    expect(seen.map((s) => s[0])).toEqual(Array.from({ length: 100 }, (_, i) => i));
  });

  it("leaves nothing on the run's signal after its chunks, each called with a timeout as the executor does", async () => {
    const run = new AbortController();
    let most = 0;
    async function* records() {
      for (let index = 0; index < 3_000; index++) yield { index };
    }
    const result = await chunkedDispatch({
      db: recordingDb(),
      orgId: 'o',
      runId: 'r',
      taskRunId: 't',
      owner: 'w',
      task: task(16),
      records: records(),
      context: {},
      signal: run.signal,
      runChunk: async (c) => {
        const r = await attemptOperation(
          async () => {
            most = Math.max(most, heldBy(run.signal));
            await new Promise((resolve) => setImmediate(resolve));
            return c.input;
          },
          { signal: run.signal, timeoutMs: 60_000 },
        );
        return { output: r.value, childRunId: null, retries: r.retries };
      },
    });
    expect(result.succeeded).toBe(3_000);
    // While chunks run, the signal holds about one link per chunk in flight; none is left behind.
    expect(most).toBeLessThanOrEqual(16 * 2);
    expect(heldBy(run.signal)).toBe(0);
  });

  it('stops pulling after a failure and closes the generator', async () => {
    let pulled = 0;
    let closed = false;
    async function* records() {
      try {
        for (let index = 0; index < 1_000_000; index++) {
          pulled++;
          yield { index };
        }
      } finally {
        closed = true;
      }
    }
    const err = await chunkedDispatch({
      db: recordingDb(),
      orgId: 'o',
      runId: 'r',
      taskRunId: 't',
      owner: 'w',
      task: task(4),
      records: records(),
      context: {},
      signal: new AbortController().signal,
      runChunk: async (c) => {
        if (c.index === 10) throw new Error('bad record');
        return { output: null, childRunId: null };
      },
    }).catch((e) => e);
    expect(err.code).toBe('chunk_failed');
    expect(err.message).toContain('chunk 10: bad record');
    expect(pulled).toBeLessThan(200);
    expect(closed).toBe(true);
  });
});

/**
 * ChunkedDispatch: a generator operation yields records; each record becomes a ChunkRun that runs
 * `each` (an operation or a nested workflow), at most `concurrency` at a time.
 *
 * Memory stays flat however many records the generator yields: records are pulled a batch at a
 * time only when there is room, chunk rows are inserted per batch, and results are flushed per
 * batch together with the task's progress counters. At any moment the worker holds at most one
 * batch of records, `concurrency` chunks in flight and one batch of results.
 *
 * The first failed chunk stops dispatch: chunks in flight finish, chunks already inserted but not
 * started are CANCELLED, and the task fails with a summary.
 */
import type { ChunkedTask } from '../domain/workflow-definition';
import { TaskFailedError, toStoredError, type StoredError } from '../domain/errors';
import { mapValue } from '../domain/expressions';
import type { Db } from '../db/db';
import { finishChunks, insertChunks, type ChunkProgress, type ChunkResult } from '../store/chunks';

export interface ChunkRunner {
  /** Runs `each` for one record; returns its output and, for a workflow, the child run id. */
  (chunk: { id: string; index: number; record: Record<string, unknown>; input: unknown }): Promise<{ output: unknown; childRunId: string | null }>;
}

export interface ChunkedDispatchArgs {
  db: Db;
  orgId: string;
  runId: string;
  taskRunId: string;
  task: ChunkedTask;
  records: AsyncIterable<Record<string, unknown>>;
  context: Record<string, unknown>;
  runChunk: ChunkRunner;
  signal: AbortSignal;
}

/** Dispatches every record; resolves to the counts, or throws a TaskFailedError after the first failure. */
export async function chunkedDispatch(a: ChunkedDispatchArgs): Promise<{ total: number; succeeded: number; failed: number; cancelled: number }> {
  const concurrency = a.task.concurrency;
  // Batches of 256 keep round trips per chunk low (one insert, one flush per 256) at a bounded size.
  const batchSize = Math.min(256, Math.max(32, concurrency * 4));
  const progress: ChunkProgress = { total: 0, succeeded: 0, failed: 0, running: 0 };
  let cancelled = 0;
  let results: ChunkResult[] = [];
  let firstError: StoredError | null = null;
  let flushing: Promise<void> = Promise.resolve();
  const inflight = new Set<Promise<void>>();

  const flush = (): Promise<void> => {
    if (!results.length) return flushing;
    const batch = results;
    results = [];
    const snapshot = { ...progress };
    flushing = flushing.then(() => finishChunks(a.db, a.orgId, a.taskRunId, batch, snapshot));
    return flushing;
  };

  const start = (id: string, index: number, record: Record<string, unknown>) => {
    const p = (async () => {
      let result: ChunkResult;
      try {
        const input = await mapValue(a.task.each.input ?? {}, { ...a.context, record }, a.task.key);
        const out = await a.runChunk({ id, index, record, input });
        result = { id, status: 'SUCCEEDED', output: out.output, error: null, childRunId: out.childRunId };
        progress.succeeded++;
      } catch (err) {
        const stored = toStoredError(err, a.task.key);
        const childRunId = (err as { childRunId?: string }).childRunId ?? null;
        result = { id, status: 'FAILED', output: null, error: stored, childRunId };
        progress.failed++;
        firstError ??= { ...stored, message: `chunk ${index}: ${stored.message}` };
      }
      progress.running--;
      results.push(result);
      if (results.length >= batchSize) await flush();
    })();
    inflight.add(p);
    void p.finally(() => inflight.delete(p));
  };

  const it = a.records[Symbol.asyncIterator]();
  let nextIndex = 0;
  try {
    dispatch: while (!firstError && !a.signal.aborted) {
      const records: Record<string, unknown>[] = [];
      while (records.length < batchSize) {
        const n = await it.next();
        if (n.done) break;
        records.push(n.value);
      }
      if (!records.length) break;
      const ids = await insertChunks(a.db, { orgId: a.orgId, runId: a.runId, taskRunId: a.taskRunId, firstIndex: nextIndex, records });
      progress.total += records.length;
      progress.running += records.length;
      for (let i = 0; i < records.length; i++) {
        while (inflight.size >= concurrency) await Promise.race(inflight);
        if (firstError || a.signal.aborted) {
          // Inserted but never started: close them so nothing is left RUNNING.
          const skipped = records.length - i;
          for (let j = i; j < records.length; j++) {
            results.push({ id: ids[j]!, status: 'CANCELLED', output: null, error: { code: 'chunk_skipped', message: 'Not started: the task stopped after a failed chunk.', retryable: true }, childRunId: null });
          }
          progress.running -= skipped;
          cancelled += skipped;
          break dispatch;
        }
        start(ids[i]!, nextIndex + i, records[i]!);
      }
      nextIndex += records.length;
      await flush();
    }
  } finally {
    await Promise.allSettled([...inflight]);
    await flush();
    await it.return?.();
  }
  if (firstError) {
    const e = firstError as StoredError;
    throw new TaskFailedError('chunk_failed', `${progress.failed} of ${progress.total} chunks failed (first: ${e.message})`, { retryable: false });
  }
  if (a.signal.aborted) throw new TaskFailedError('aborted', 'The task was aborted.', { retryable: true });
  return { total: progress.total, succeeded: progress.succeeded, failed: progress.failed, cancelled };
}

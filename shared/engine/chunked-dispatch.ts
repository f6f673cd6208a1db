/**
 * ChunkedDispatch: a generator operation yields records; each record becomes a ChunkRun that runs
 * `each` (an operation or a nested workflow), at most `concurrency` at a time.
 *
 * Memory stays flat however many records the generator yields: records are pulled a batch at a
 * time only when there is room, chunk rows are started per batch, and results are flushed per
 * batch together with the task's progress counters. At any moment the worker holds at most one
 * batch of records, `concurrency` chunks in flight and one batch of results.
 *
 * Resuming (after a crash, or a rerun from failure) re-reads the generator from the start: chunks
 * that already SUCCEEDED are skipped by the start statement and counted, the others run again
 * under their existing ids (stable idempotency keys). Every write is fenced on the run's lease.
 *
 * The first failed chunk stops dispatch: chunks in flight finish, chunks already started but not
 * run are CANCELLED, and the task fails with a summary. With `onRecordError: continue` every
 * record runs, the task succeeds, and its output lists the failed records (the first
 * `MAX_LISTED_FAILURES`). With `collect: true` the output also holds `results`, each record's
 * output in record order, read back from the chunk rows when the task ends (so chunks that
 * succeeded before a resume are included); past `COLLECT_MAX_BYTES` the task fails with
 * `collect_too_large`, checked as results arrive and again, by size only, before they are read.
 */
import { COLLECT_MAX_BYTES, type ChunkedTask } from '../domain/workflow-definition';
import { ServiceUnavailableError, TaskFailedError, toStoredError, type StoredError } from '../domain/errors';
import { mapValue } from '../domain/expressions';
import type { Db } from '../db/db';
import { collectResults, failedRecords, finishChunks, startChunks, type ChunkProgress, type ChunkResult } from '../store/chunks';
import { LeaseLostError, mustAbandon } from './lease';

export interface ChunkRunner {
  /** Runs `each` for one record; returns its output, for a workflow the child run id, and retries made. */
  (chunk: {
    id: string;
    index: number;
    record: Record<string, unknown>;
    input: unknown;
  }): Promise<{ output: unknown; childRunId: string | null; retries?: number }>;
}

export interface ChunkedDispatchArgs {
  db: Db;
  orgId: string;
  runId: string;
  taskRunId: string;
  /** The worker holding the run's lease (fences every write). */
  owner: string;
  task: ChunkedTask;
  records: AsyncIterable<Record<string, unknown>>;
  context: Record<string, unknown>;
  runChunk: ChunkRunner;
  signal: AbortSignal;
}

/** Failed records listed in the output of a task that continues past them. */
export const MAX_LISTED_FAILURES = 100;

function collectTooLarge(bytes: number): TaskFailedError {
  return new TaskFailedError(
    'collect_too_large',
    `The collected results (${bytes} bytes or more) pass the limit of ${COLLECT_MAX_BYTES} bytes.`,
    { retryable: false },
  );
}

/** The output of a chunked task. */
export interface ChunkedOutput {
  total: number;
  succeeded: number;
  failed: number;
  cancelled: number;
  failedRecords?: Array<{ index: number; error: StoredError | null }>;
  results?: unknown[];
}

/** Dispatches every record; resolves to the counts, or throws a TaskFailedError after the first failure. */
export async function chunkedDispatch(a: ChunkedDispatchArgs): Promise<ChunkedOutput> {
  const concurrency = a.task.concurrency;
  const continueOnError = a.task.onRecordError === 'continue';
  const collect = a.task.collect === true;
  let collectedBytes = 0;
  // Batches of 256 keep round trips per chunk low (one insert, one flush per 256) at a bounded size.
  const batchSize = Math.min(256, Math.max(32, concurrency * 4));
  const progress: ChunkProgress = { total: 0, succeeded: 0, failed: 0, running: 0 };
  const where = { orgId: a.orgId, runId: a.runId, taskRunId: a.taskRunId, owner: a.owner };
  let cancelled = 0;
  let results: ChunkResult[] = [];
  let firstError: StoredError | null = null;
  // A write that failed (database down, lease lost): dispatch stops and this is thrown.
  let fatal: unknown = null;
  let flushing: Promise<void> = Promise.resolve();
  const inflight = new Set<Promise<void>>();

  const flush = (): Promise<void> => {
    if (!results.length) return flushing;
    const batch = results;
    results = [];
    const snapshot = { ...progress };
    flushing = flushing.then(async () => {
      if (fatal) return;
      try {
        if (!(await finishChunks(a.db, where, batch, snapshot))) throw new LeaseLostError(a.runId);
      } catch (err) {
        fatal ??= err;
      }
    });
    return flushing;
  };

  const stopped = () => firstError !== null || fatal !== null || a.signal.aborted;

  const start = (id: string, index: number, record: Record<string, unknown>) => {
    const p = (async () => {
      let result: ChunkResult;
      try {
        const input = await mapValue(a.task.each.input ?? {}, { ...a.context, record }, a.task.key);
        const out = await a.runChunk({ id, index, record, input });
        result = { id, status: 'SUCCEEDED', output: out.output, error: null, childRunId: out.childRunId, retries: out.retries ?? 0 };
        progress.succeeded++;
        if (collect) {
          collectedBytes += JSON.stringify(out.output ?? null).length;
          if (collectedBytes > COLLECT_MAX_BYTES) firstError ??= toStoredError(collectTooLarge(collectedBytes), a.task.key);
        }
      } catch (err) {
        if (a.signal.aborted) {
          // The run is being abandoned: this chunk's outcome is not its own; leave it for the resumer.
          progress.running--;
          return;
        }
        if (mustAbandon(err)) {
          // A child run lost its lease or the database went away: not the record's fault. Stop
          // and give the run up so it resumes later, instead of failing the chunk for good.
          fatal ??= err;
          progress.running--;
          return;
        }
        const stored = toStoredError(err, a.task.key);
        const childRunId = (err as { childRunId?: string }).childRunId ?? null;
        const failedAttempts = (err as { failedAttempts?: number }).failedAttempts ?? 1;
        result = { id, status: 'FAILED', output: null, error: stored, childRunId, retries: failedAttempts - 1 };
        progress.failed++;
        if (!continueOnError) firstError ??= { ...stored, message: `chunk ${index}: ${stored.message}` };
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
    dispatch: while (!stopped()) {
      const records: Record<string, unknown>[] = [];
      while (records.length < batchSize) {
        const n = await it.next();
        if (n.done) break;
        records.push(n.value);
      }
      if (!records.length) break;
      const started = await startChunks(a.db, { ...where, firstIndex: nextIndex, records });
      if (!started.held) throw new LeaseLostError(a.runId);
      const skipped = records.length - started.toRun.size; // succeeded in an earlier attempt
      progress.total += records.length;
      progress.succeeded += skipped;
      progress.running += started.toRun.size;
      const todo = [...started.toRun.entries()].sort((x, y) => x[0] - y[0]);
      for (let i = 0; i < todo.length; i++) {
        while (inflight.size >= concurrency) await Promise.race(inflight);
        if (stopped()) {
          // Started but never run: close them so nothing is left RUNNING.
          for (let j = i; j < todo.length; j++) {
            results.push({
              id: todo[j]![1],
              status: 'CANCELLED',
              output: null,
              error: { code: 'chunk_skipped', message: 'Not started: the task stopped after a failed chunk.', retryable: true },
              childRunId: null,
            });
          }
          progress.running -= todo.length - i;
          cancelled += todo.length - i;
          break dispatch;
        }
        const [index, id] = todo[i]!;
        start(id, index, records[index - nextIndex]!);
      }
      nextIndex += records.length;
      // This batch's results are written while the next batch is started (two statements in
      // flight on two connections instead of one after the other); waiting for the flush before
      // keeps at most one batch of results unwritten.
      const before = flushing;
      void flush();
      await before;
    }
  } finally {
    await Promise.allSettled([...inflight]);
    if (!a.signal.aborted) await flush();
    await it.return?.();
  }
  if (a.signal.aborted) throw a.signal.reason;
  if (fatal) throw fatal;
  if (firstError) {
    const e = firstError as StoredError;
    if (e.code === 'collect_too_large') throw collectTooLarge(collectedBytes);
    throw new TaskFailedError('chunk_failed', `${progress.failed} of ${progress.total} chunks failed (first: ${e.message})`, {
      retryable: false,
    });
  }
  const out: ChunkedOutput = { total: progress.total, succeeded: progress.succeeded, failed: progress.failed, cancelled };
  if (continueOnError) out.failedRecords = progress.failed ? await failedRecords(a.db, a.orgId, a.taskRunId, MAX_LISTED_FAILURES) : [];
  if (collect) {
    const c = await collectResults(a.db, a.orgId, a.taskRunId, COLLECT_MAX_BYTES);
    if ('tooLarge' in c) throw collectTooLarge(c.tooLarge);
    out.results = c.results;
  }
  return out;
}

/**
 * Chunk runs of a ChunkedDispatch task, written in batches: records are inserted a batch at a
 * time as the generator yields them, and results are flushed a batch at a time with the task's
 * progress counters in the same statement. Both writes are fenced on the run's lease.
 */
import { statement, type Queryable } from '../db/db';
import type { StoredError } from '../domain/errors';

// The fence of chunk writes: the worker still holds the lease of the run the chunks belong to.
const FENCE = `SELECT 1 AS ok FROM workflow_runs f
  WHERE f.id = $2::uuid AND f.lease_owner = $6::text AND f.status = 'RUNNING' AND f.lease_expires_at > clock_timestamp()`;

/** What `startChunks` did with a batch of records. */
export interface StartedChunks {
  /** False when the worker no longer holds the run's lease (nothing was written). */
  held: boolean;
  /** Chunks to run now, by index: new rows, and rows of an earlier attempt that did not succeed. */
  toRun: Map<number, string>;
}

/**
 * Starts chunk rows (RUNNING) for consecutive records. A resumed or rerun task finds rows from an
 * earlier attempt: those that SUCCEEDED are left alone (absent from `toRun`, never run again),
 * the others start a new attempt under the same id, so a chunk's idempotency key stays stable.
 */
export async function startChunks(
  q: Queryable,
  c: { orgId: string; runId: string; taskRunId: string; firstIndex: number; records: readonly unknown[]; owner: string },
): Promise<StartedChunks> {
  const indexes = c.records.map((_, i) => c.firstIndex + i);
  const { rows } = await q.query<{ held: boolean; started: Array<{ id: string; index: string | number }> | null }>(
    statement(
      'demiton_start_chunks',
      `WITH fenced AS (${FENCE}), ins AS (
       INSERT INTO chunk_runs AS c (org_id, run_id, task_run_id, index, status, attempts, record, started_at)
       SELECT $1::uuid, $2::uuid, $3::uuid, r.idx, 'RUNNING', 1, r.rec, clock_timestamp()
         FROM unnest($4::bigint[], $5::jsonb[]) WITH ORDINALITY AS r(idx, rec, ord)
        WHERE EXISTS (SELECT 1 FROM fenced)
        ORDER BY r.ord
       ON CONFLICT (task_run_id, index) DO UPDATE
          SET status = 'RUNNING', attempts = c.attempts + 1, record = EXCLUDED.record, started_at = EXCLUDED.started_at,
              output = NULL, error = NULL, finished_at = NULL
        WHERE c.status <> 'SUCCEEDED'
       RETURNING c.id, c.index
     )
     SELECT EXISTS (SELECT 1 FROM fenced) AS held, (SELECT json_agg(json_build_object('id', id, 'index', index)) FROM ins) AS started`,
    ),
    [c.orgId, c.runId, c.taskRunId, indexes, c.records.map((r) => JSON.stringify(r)), c.owner],
  );
  const row = rows[0]!;
  return { held: row.held, toRun: new Map((row.started ?? []).map((s) => [Number(s.index), s.id])) };
}

export interface ChunkResult {
  id: string;
  status: 'SUCCEEDED' | 'FAILED' | 'CANCELLED';
  output: unknown;
  error: StoredError | null;
  childRunId: string | null;
  /** Attempts made beyond the first (retries of the `each` operation). */
  retries?: number;
}

export interface ChunkProgress {
  total: number;
  succeeded: number;
  failed: number;
  running: number;
}

/** Writes a batch of chunk results and the task's progress counters in one statement. False when the lease is gone. */
export async function finishChunks(
  q: Queryable,
  c: { orgId: string; runId: string; taskRunId: string; owner: string },
  results: readonly ChunkResult[],
  progress: ChunkProgress,
): Promise<boolean> {
  const { rows } = await q.query<{ held: boolean }>(
    statement(
      'demiton_finish_chunks',
      `WITH fenced AS (SELECT 1 AS ok FROM workflow_runs w
                 WHERE w.id = $2::uuid AND w.lease_owner = $9::text AND w.status = 'RUNNING' AND w.lease_expires_at > clock_timestamp()),
     done AS (
       UPDATE chunk_runs c
          SET status = u.status, output = u.output, error = u.error, child_run_id = u.child, finished_at = clock_timestamp(),
              attempts = c.attempts + coalesce(u.retries, 0)
         FROM jsonb_to_recordset($4::jsonb) AS u(id uuid, status text, output jsonb, error jsonb, child uuid, retries int)
        WHERE c.id = u.id AND c.org_id = $1::uuid AND EXISTS (SELECT 1 FROM fenced)
     ), progress AS (
       UPDATE task_runs SET chunks_total = $5::bigint, chunks_succeeded = $6::bigint, chunks_failed = $7::bigint, chunks_running = $8::bigint
        WHERE id = $3::uuid AND org_id = $1::uuid AND EXISTS (SELECT 1 FROM fenced)
     )
     SELECT EXISTS (SELECT 1 FROM fenced) AS held`,
    ),
    [
      c.orgId,
      c.runId,
      c.taskRunId,
      JSON.stringify(
        results.map((r) => ({
          id: r.id,
          status: r.status,
          output: r.output ?? null,
          error: r.error,
          child: r.childRunId,
          retries: r.retries ?? 0,
        })),
      ),
      progress.total,
      progress.succeeded,
      progress.failed,
      progress.running,
      c.owner,
    ],
  );
  return rows[0]?.held ?? false;
}

/**
 * The outputs of a collecting task's chunks in record order (null for a record that did not
 * succeed), or `tooLarge` when together they pass `maxBytes` as JSON text: the size is summed
 * first and the outputs are only read when they fit, so a run past the limit never loads them.
 */
export async function collectResults(
  q: Queryable,
  orgId: string,
  taskRunId: string,
  maxBytes: number,
): Promise<{ results: unknown[] } | { tooLarge: number }> {
  const { rows } = await q.query<{ bytes: string | null; results: unknown[] | null }>(
    statement(
      'demiton_collect_results',
      `WITH size AS (
       SELECT coalesce(sum(octet_length(output::text)), 0) AS bytes FROM chunk_runs WHERE task_run_id = $1::uuid AND org_id = $2::uuid AND status = 'SUCCEEDED'
     )
     SELECT size.bytes::text AS bytes,
            CASE WHEN size.bytes <= $3::bigint THEN
              (SELECT coalesce(json_agg(CASE WHEN c.status = 'SUCCEEDED' THEN c.output END ORDER BY c.index), '[]'::json)
                 FROM chunk_runs c WHERE c.task_run_id = $1::uuid AND c.org_id = $2::uuid)
            END AS results
       FROM size`,
    ),
    [taskRunId, orgId, maxBytes],
  );
  const row = rows[0]!;
  return row.results === null ? { tooLarge: Number(row.bytes) } : { results: row.results };
}

/** The first `limit` failed records of a chunked task, in record order, with their errors. */
export async function failedRecords(
  q: Queryable,
  orgId: string,
  taskRunId: string,
  limit: number,
): Promise<Array<{ index: number; error: StoredError | null }>> {
  const { rows } = await q.query<{ index: string; error: StoredError | null }>(
    statement(
      'demiton_failed_records',
      `SELECT index::text AS index, error FROM chunk_runs
      WHERE task_run_id = $1::uuid AND org_id = $2::uuid AND status = 'FAILED' ORDER BY index LIMIT $3::int`,
    ),
    [taskRunId, orgId, limit],
  );
  return rows.map((r) => ({ index: Number(r.index), error: r.error }));
}

/**
 * Chunk runs of a ChunkedDispatch task, written in batches: records are inserted a batch at a
 * time as the generator yields them, and results are flushed a batch at a time with the task's
 * progress counters in the same statement.
 */
import type { Queryable } from '../db/db';
import type { StoredError } from '../domain/errors';

/** Inserts RUNNING chunk rows for consecutive records; returns their ids in index order. */
export async function insertChunks(
  q: Queryable,
  c: { orgId: string; runId: string; taskRunId: string; firstIndex: number; records: readonly unknown[] },
): Promise<string[]> {
  const indexes = c.records.map((_, i) => c.firstIndex + i);
  const { rows } = await q.query<{ id: string }>(
    `INSERT INTO chunk_runs (org_id, run_id, task_run_id, index, status, attempts, record, started_at)
     SELECT $1::uuid, $2::uuid, $3::uuid, r.idx, 'RUNNING', 1, r.rec, clock_timestamp()
       FROM unnest($4::bigint[], $5::jsonb[]) WITH ORDINALITY AS r(idx, rec, ord)
      ORDER BY r.ord
     RETURNING id`,
    [c.orgId, c.runId, c.taskRunId, indexes, c.records.map((r) => JSON.stringify(r))],
  );
  return rows.map((r) => r.id);
}

export interface ChunkResult {
  id: string;
  status: 'SUCCEEDED' | 'FAILED' | 'CANCELLED';
  output: unknown;
  error: StoredError | null;
  childRunId: string | null;
}

export interface ChunkProgress {
  total: number;
  succeeded: number;
  failed: number;
  running: number;
}

/** Writes a batch of chunk results and the task's progress counters in one statement. */
export async function finishChunks(q: Queryable, orgId: string, taskRunId: string, results: readonly ChunkResult[], progress: ChunkProgress): Promise<void> {
  await q.query(
    `WITH done AS (
       UPDATE chunk_runs c
          SET status = u.status, output = u.output, error = u.error, child_run_id = u.child, finished_at = clock_timestamp()
         FROM jsonb_to_recordset($3::jsonb) AS u(id uuid, status text, output jsonb, error jsonb, child uuid)
        WHERE c.id = u.id AND c.org_id = $1::uuid
     )
     UPDATE task_runs SET chunks_total = $4::bigint, chunks_succeeded = $5::bigint, chunks_failed = $6::bigint, chunks_running = $7::bigint
      WHERE id = $2::uuid AND org_id = $1::uuid`,
    [
      orgId,
      taskRunId,
      JSON.stringify(results.map((r) => ({ id: r.id, status: r.status, output: r.output ?? null, error: r.error, child: r.childRunId }))),
      progress.total,
      progress.succeeded,
      progress.failed,
      progress.running,
    ],
  );
}

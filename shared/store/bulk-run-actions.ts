/** Bulk run actions (a bulk retry): the runs a filter selects, and the action row with its progress. */
import type { Queryable } from '../db/db';

/**
 * Which runs a bulk action applies to. Only top-level runs are selected (children rerun with their
 * parent), and never runs of archived workflows (they are not retried).
 */
export interface BulkRunFilter {
  workflowId?: string | undefined;
  statuses: readonly string[];
  createdAfter?: Date | undefined;
  createdBefore?: Date | undefined;
  errorCode?: string | undefined;
}

const MATCH = `r.org_id = $1::uuid AND r.parent_run_id IS NULL
        AND ($2::uuid IS NULL OR r.workflow_id = $2::uuid)
        AND r.status = ANY($3::text[])
        AND ($4::timestamptz IS NULL OR r.created_at >= $4::timestamptz)
        AND ($5::timestamptz IS NULL OR r.created_at < $5::timestamptz)
        AND ($6::text IS NULL OR r.error ->> 'code' = $6::text)
        AND NOT EXISTS (SELECT 1 FROM workflows w WHERE w.id = r.workflow_id AND w.archived_at IS NOT NULL)`;

const params = (orgId: string, f: BulkRunFilter) => [
  orgId,
  f.workflowId ?? null,
  [...f.statuses],
  f.createdAfter ?? null,
  f.createdBefore ?? null,
  f.errorCode ?? null,
];

/** How many runs match, counting at most `cap + 1` (enough to say "over the bound"). */
export async function countMatchingRuns(q: Queryable, orgId: string, f: BulkRunFilter, cap: number): Promise<number> {
  const { rows } = await q.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM (SELECT 1 FROM workflow_runs r WHERE ${MATCH} LIMIT $7::int) AS matched`,
    [...params(orgId, f), cap + 1],
  );
  return rows[0]!.n;
}

/** The ids of the matching runs, oldest first, at most `limit`. */
export async function matchingRunIds(q: Queryable, orgId: string, f: BulkRunFilter, limit: number): Promise<string[]> {
  const { rows } = await q.query<{ id: string }>(
    `SELECT r.id FROM workflow_runs r WHERE ${MATCH} ORDER BY r.created_at, r.id LIMIT $7::int`,
    [...params(orgId, f), limit],
  );
  return rows.map((r) => r.id);
}

export interface BulkActionRow {
  id: string;
  orgId: string;
  kind: 'retry';
  filter: Record<string, unknown>;
  options: Record<string, unknown>;
  status: 'RUNNING' | 'SUCCEEDED' | 'FAILED';
  runIds: string[];
  total: number;
  done: number;
  skipped: number;
  error: unknown;
  createdBy: string;
  createdAt: Date;
  updatedAt: Date;
  finishedAt: Date | null;
}

export async function insertBulkAction(
  q: Queryable,
  a: { id: string; orgId: string; filter: unknown; options: unknown; runIds: readonly string[]; createdBy: string },
): Promise<void> {
  await q.query(
    `INSERT INTO bulk_run_actions (id, org_id, kind, filter, options, status, run_ids, total, created_by)
     VALUES ($1::uuid, $2::uuid, 'retry', $3::jsonb, $4::jsonb, 'RUNNING', $5::uuid[], $6::int, $7::text)`,
    [a.id, a.orgId, JSON.stringify(a.filter), JSON.stringify(a.options), [...a.runIds], a.runIds.length, a.createdBy],
  );
}

const COLUMNS = `id, org_id AS "orgId", kind, filter, options, status, run_ids AS "runIds", total, done, skipped, error,
            created_by AS "createdBy", created_at AS "createdAt", updated_at AS "updatedAt", finished_at AS "finishedAt"`;

export async function getBulkAction(q: Queryable, orgId: string, id: string): Promise<BulkActionRow | null> {
  const { rows } = await q.query<BulkActionRow>(`SELECT ${COLUMNS} FROM bulk_run_actions WHERE id = $1::uuid AND org_id = $2::uuid`, [
    id,
    orgId,
  ]);
  return rows[0] ?? null;
}

/** Locks a RUNNING action for one batch (SKIP LOCKED: another process already works on it). */
export async function lockRunningBulkAction(q: Queryable, id: string): Promise<BulkActionRow | null> {
  const { rows } = await q.query<BulkActionRow>(
    `SELECT ${COLUMNS} FROM bulk_run_actions WHERE id = $1::uuid AND status = 'RUNNING' FOR UPDATE SKIP LOCKED`,
    [id],
  );
  return rows[0] ?? null;
}

/** Records a batch: `handled` more runs done, `skipped` of them not retryable any more; ends the action at the last. */
export async function advanceBulkAction(q: Queryable, id: string, handled: number, skipped: number): Promise<void> {
  await q.query(
    `UPDATE bulk_run_actions SET done = done + $2::int, skipped = skipped + $3::int, updated_at = clock_timestamp(),
            status = CASE WHEN done + $2::int >= total THEN 'SUCCEEDED' ELSE status END,
            finished_at = CASE WHEN done + $2::int >= total THEN clock_timestamp() END
      WHERE id = $1::uuid`,
    [id, handled, skipped],
  );
}

/** Ends an action that cannot go on. */
export async function failBulkAction(q: Queryable, id: string, error: unknown): Promise<void> {
  await q.query(
    `UPDATE bulk_run_actions SET status = 'FAILED', error = $2::jsonb, updated_at = clock_timestamp(), finished_at = clock_timestamp()
      WHERE id = $1::uuid AND status = 'RUNNING'`,
    [id, JSON.stringify(error)],
  );
}

/** RUNNING actions no batch has moved for `staleMs` (their process stopped). */
export async function staleBulkActions(q: Queryable, staleMs: number, limit: number): Promise<string[]> {
  const { rows } = await q.query<{ id: string }>(
    `SELECT id FROM bulk_run_actions WHERE status = 'RUNNING' AND updated_at < clock_timestamp() - $1::int * interval '1 millisecond'
      ORDER BY updated_at LIMIT $2::int`,
    [staleMs, limit],
  );
  return rows.map((r) => r.id);
}

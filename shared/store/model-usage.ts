/** Language-model token usage of workflow tasks and organisations (migration 0015). */
import type { Queryable } from '../db/db';

export interface TokenUsage {
  inputTokens: number;
  outputTokens: number;
}

/**
 * Adds one model call's tokens to its task's row and to the organisation's month, in one
 * statement (both or neither). The month is the database's UTC calendar month.
 */
export async function recordModelUsage(
  q: Queryable,
  u: { orgId: string; runId: string | null; taskKey: string; usage: TokenUsage },
): Promise<void> {
  await q.query(
    `WITH task AS (
       INSERT INTO task_model_usage (org_id, run_id, task_key, input_tokens, output_tokens, calls)
       SELECT $1::uuid, $2::uuid, $3::text, $4::bigint, $5::bigint, 1 WHERE $2::uuid IS NOT NULL
       ON CONFLICT (run_id, task_key) DO UPDATE SET input_tokens = task_model_usage.input_tokens + EXCLUDED.input_tokens,
         output_tokens = task_model_usage.output_tokens + EXCLUDED.output_tokens, calls = task_model_usage.calls + 1
     )
     INSERT INTO org_model_usage (org_id, month, input_tokens, output_tokens)
     VALUES ($1::uuid, date_trunc('month', now() AT TIME ZONE 'UTC')::date, $4::bigint, $5::bigint)
     ON CONFLICT (org_id, month) DO UPDATE SET input_tokens = org_model_usage.input_tokens + EXCLUDED.input_tokens,
       output_tokens = org_model_usage.output_tokens + EXCLUDED.output_tokens`,
    [u.orgId, u.runId, u.taskKey, u.usage.inputTokens, u.usage.outputTokens],
  );
}

/** The organisation's tokens (input + output) this UTC month. */
export async function monthTokens(q: Queryable, orgId: string): Promise<number> {
  const { rows } = await q.query<{ total: string | null }>(
    `SELECT (input_tokens + output_tokens)::text AS total FROM org_model_usage
      WHERE org_id = $1::uuid AND month = date_trunc('month', now() AT TIME ZONE 'UTC')::date`,
    [orgId],
  );
  return Number(rows[0]?.total ?? 0);
}

/** Per task of a run: tokens and calls. Tasks that called no model are absent. */
export async function runModelUsage(q: Queryable, orgId: string, runId: string): Promise<Map<string, TokenUsage & { calls: number }>> {
  const { rows } = await q.query<{ taskKey: string; inputTokens: string; outputTokens: string; calls: number }>(
    `SELECT task_key AS "taskKey", input_tokens::text AS "inputTokens", output_tokens::text AS "outputTokens", calls
       FROM task_model_usage WHERE org_id = $1::uuid AND run_id = $2::uuid`,
    [orgId, runId],
  );
  return new Map(
    rows.map((r) => [r.taskKey, { inputTokens: Number(r.inputTokens), outputTokens: Number(r.outputTokens), calls: r.calls }]),
  );
}

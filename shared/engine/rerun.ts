/**
 * Rerun from failure, as a new attempt of the same run (not a new run): a FAILED or CANCELLED
 * top-level run goes back to PENDING with `attempt + 1`, keeping the outputs of every task that
 * succeeded; tasks that did not succeed (and failed or cancelled child runs, and chunks that did
 * not succeed) run again. The run keeps its workflow version and input. Why the same run: its id,
 * links and idempotency keys stay valid, so adapters see the same key for the same task and a
 * retried effect is delivered once; the history of attempts stays in `task_runs.attempt_log`.
 */
import type { Principal } from '../domain/principal';
import { ConflictError, NotFoundError } from '../domain/errors';
import type { Platform } from '../platform';
import { appendAudit } from '../store/audit';
import { rerunRunTree, runHeader } from '../store/runs';

/** Queues the next attempt of a failed or cancelled run; 409 for any other state. */
export async function rerunRun(p: Platform, who: Principal, runId: string): Promise<{ id: string; status: 'PENDING'; attempt: number }> {
  const attempt = await p.db.tx(async (q) => {
    const ok = await rerunRunTree(q, who.orgId, runId);
    if (!ok) return null;
    const n = (await runHeader(q, who.orgId, runId))!.attempt;
    await appendAudit(q, {
      orgId: who.orgId,
      actor: who.actor,
      source: who.source ?? null,
      action: 'run.retry',
      targetType: 'run',
      targetId: runId,
      diff: { attempt: n },
    });
    return n;
  });
  if (attempt === null) {
    const row = await runHeader(p.db, who.orgId, runId);
    if (!row) throw new NotFoundError('run', runId);
    if (row.parentRunId) throw new ConflictError('run_not_retryable', `Run ${runId} is a child run; rerun its top-level run instead.`);
    throw new ConflictError('run_not_retryable', `Run ${runId} is ${row.status}; only FAILED or CANCELLED runs can be rerun.`);
  }
  try {
    await p.queue.enqueue({ runId, orgId: who.orgId, enqueuedAt: Date.now() });
  } catch (err) {
    p.logger.warn({ err, runId }, 'enqueue of a rerun failed; the recovery sweep will enqueue it');
  }
  return { id: runId, status: 'PENDING', attempt };
}

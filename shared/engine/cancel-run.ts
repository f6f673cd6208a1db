/**
 * Run cancellation: the run and everything under it (child runs, chunk runs, their tasks) become
 * CANCELLED in one transaction with the audit entry; the concurrency slots waiting runs kept
 * (`holdSlotWhileWaiting`) are released; then workers executing any of them are told
 * over the queue's cancel channel and abort the operations in flight through their AbortSignal.
 * If that announcement is lost, the next heartbeat finds the lease gone and aborts anyway, and
 * the fenced writes have already stopped the worker from changing the run.
 */
import type { Principal } from '../domain/principal';
import type { RunStatus } from '../domain/api';
import { ConflictError, NotFoundError } from '../domain/errors';
import type { Platform } from '../platform';
import { appendAudit } from '../store/audit';
import { cancelRunTree, runStatus } from '../store/runs';
import { heldSlotsOf, type HeldSlot } from '../store/waits';

/** What this module uses of the platform (not the whole of it). */
export type CancelRunDeps = Pick<Platform, 'db' | 'logger' | 'queue'>;

/** Cancels a run; cancelling a run already CANCELLED is a no-op answer, one that ended otherwise is a conflict. */
export async function cancelRun(
  p: CancelRunDeps,
  who: Principal,
  runId: string,
): Promise<{ id: string; status: RunStatus; cancelledRuns: number }> {
  const error = { code: 'cancelled', message: `Cancelled by ${who.actor.type} ${who.actor.id}.`, retryable: false };
  let held: Array<{ runId: string; slot: HeldSlot }> = [];
  const ids = await p.db.tx(async (q) => {
    const cancelled = await cancelRunTree(q, who.orgId, runId, error);
    held = await heldSlotsOf(q, who.orgId, cancelled);
    if (cancelled.length)
      await appendAudit(q, {
        orgId: who.orgId,
        actor: who.actor,
        source: who.source ?? null,
        action: 'run.cancel',
        targetType: 'run',
        targetId: runId,
        diff: { cancelledRuns: cancelled },
      });
    return cancelled;
  });
  if (!ids.length) {
    const status = await runStatus(p.db, who.orgId, runId);
    if (status === null) throw new NotFoundError('run', runId);
    if (status !== 'CANCELLED')
      throw new ConflictError(
        'run_already_finished',
        `Run ${runId} already ended ${status}; only PENDING, RUNNING or WAITING runs can be cancelled.`,
      );
    return { id: runId, status, cancelledRuns: 0 };
  }
  // Slots kept by waiting runs go back now (the sweep releases any whose release fails here).
  for (const h of held)
    await p.queue
      .releaseSlot(h.slot.key, h.runId, h.slot.limit)
      .catch((err) => p.logger.warn({ err, runId: h.runId }, 'releasing a held slot failed; the recovery sweep releases it'));
  await p.queue
    .publishCancel(ids)
    .catch((err) => p.logger.warn({ err, runId }, 'announcing a cancellation failed; workers notice at their next heartbeat'));
  return { id: runId, status: 'CANCELLED', cancelledRuns: ids.length };
}

/**
 * The recovery sweep (a timer trigger in Azure, a loop in the local host). Postgres is the truth;
 * the sweep makes the queue agree with it:
 * - messages held by workers whose heartbeat stopped go back to the queue;
 * - top-level PENDING runs older than `pendingOlderThanMs` are enqueued (the enqueue after the
 *   pre-flight commit can fail, and a flushed or restarted Redis loses messages);
 * - top-level RUNNING runs whose lease expired are enqueued: the claim takes them back and they
 *   resume from the first task that has not succeeded;
 * - parked runs of concurrency groups whose slots expired (dead holders) are woken;
 * - slots kept by waiting runs (`holdSlotWhileWaiting`) whose run has ended are released;
 * - children left unfinished under a parent that already ended are closed.
 * A duplicate message is harmless: the claim is conditional, so a run executes once at a time.
 */
import type { Platform } from '../platform';
import { closeOrphans, recoverableRuns } from '../store/runs';
import { clearHeldSlots, endedHeldSlots } from '../store/waits';

/** What this module uses of the platform (not the whole of it). */
export type RecoverySweepDeps = Pick<Platform, 'db' | 'logger' | 'queue'>;

export interface SweepResult {
  deadWorkers: number;
  requeuedMessages: number;
  pending: number;
  expired: number;
  woken: number;
  /** Slots kept by waiting runs (`holdSlotWhileWaiting`) released after their run ended. */
  heldSlots: number;
  orphans: number;
}

/** One sweep; each step runs even when another fails (a Redis outage must not stop the database steps). */
export async function recoverRuns(p: RecoverySweepDeps, opts: { pendingOlderThanMs?: number; limit?: number } = {}): Promise<SweepResult> {
  const result: SweepResult = { deadWorkers: 0, requeuedMessages: 0, pending: 0, expired: 0, woken: 0, heldSlots: 0, orphans: 0 };
  const step = async (name: string, fn: () => Promise<void>) => {
    try {
      await fn();
    } catch (err) {
      p.logger.warn({ err, step: name }, 'recovery sweep step failed');
    }
  };
  await step('dead workers', async () => {
    const r = await p.queue.requeueDeadWorkers();
    result.deadWorkers = r.workers;
    result.requeuedMessages = r.messages;
  });
  await step('runs', async () => {
    const rows = await recoverableRuns(p.db, opts.pendingOlderThanMs ?? 30_000, opts.limit ?? 1_000);
    if (!rows.length) return;
    await p.queue.enqueueMany(rows.map((r) => ({ runId: r.id, orgId: r.orgId, enqueuedAt: Date.now() })));
    result.pending = rows.filter((r) => r.status === 'PENDING').length;
    result.expired = rows.length - result.pending;
  });
  await step('parked', async () => {
    result.woken = await p.queue.wakeParked();
  });
  await step('held slots', async () => {
    // Slots kept by waiting runs that then ended (a cancel whose release failed, or any end): released, then forgotten.
    const rows = await endedHeldSlots(p.db, opts.limit ?? 1_000);
    const released: string[] = [];
    for (const r of rows) {
      await p.queue.releaseSlot(r.slot.key, r.runId, r.slot.limit);
      released.push(r.runId);
    }
    await clearHeldSlots(p.db, released);
    result.heldSlots = released.length;
  });
  await step('orphans', async () => {
    result.orphans = await closeOrphans(p.db, opts.limit ?? 1_000);
  });
  if (result.deadWorkers || result.pending || result.expired || result.woken || result.heldSlots || result.orphans)
    p.logger.info(result, 'recovery sweep');
  return result;
}

/** Re-enqueues PENDING top-level runs older than `olderThanMs` (and the rest of a sweep); returns how many runs were enqueued. */
export async function sweepPendingRuns(p: RecoverySweepDeps, olderThanMs = 30_000, limit = 1_000): Promise<number> {
  const r = await recoverRuns(p, { pendingOlderThanMs: olderThanMs, limit });
  return r.pending + r.expired;
}

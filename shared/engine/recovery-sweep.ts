/**
 * The recovery sweep: enqueues PENDING runs whose message may have been lost (the enqueue after
 * the pre-flight commit failed, or the embedded queue died with its process). A duplicate
 * message is harmless: the claim is conditional, so a run executes once.
 */
import type { Platform } from '../platform';
import { pendingRuns } from '../store/runs';

/** Re-enqueues PENDING top-level runs older than `olderThanMs`; returns how many. */
export async function sweepPendingRuns(p: Platform, olderThanMs = 30_000, limit = 1_000): Promise<number> {
  const rows = await pendingRuns(p.db, olderThanMs, limit);
  if (rows.length) {
    await p.queue.enqueueMany(rows.map((r) => ({ runId: r.id, orgId: r.orgId, enqueuedAt: Date.now() })));
    p.logger.info({ count: rows.length }, 'recovery sweep re-enqueued pending runs');
  }
  return rows.length;
}

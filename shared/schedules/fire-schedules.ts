/**
 * The schedule timer (every minute in Azure; a loop in the local host). Due schedules are locked
 * with SKIP LOCKED so several instances share them; each fire time is claimed in the fire ledger
 * (primary key schedule id + fire time) in the same transaction that advances the schedule, and
 * the run is started through the pre-flight path with the idempotency key
 * `schedule:<id>:<fire time>`. Two guards, one promise: exactly one run per schedule and fire
 * time, even when instances race or one dies between starting the run and committing.
 *
 * Catch-up after downtime: `skip` fires only fire times due within the last two timer periods
 * (the one just due); `all` fires every missed time, the most recent `MAX_CATCH_UP` at most.
 */
import { ServiceUnavailableError, toStoredError } from '../domain/errors';
import { triggerRun } from '../engine/preflight';
import type { Platform } from '../platform';
import { advanceSchedule, claimFire, lockDueSchedules, recordFire } from '../store/schedules';
import { dueFireTimes, nextFireAfter } from './cron';

/** At most this many missed fires of one schedule are replayed under `all`. */
export const MAX_CATCH_UP = 100;
/** A fire time later than this is missed (two timer periods: one late tick is not downtime). */
export const SKIP_GRACE_MS = 120_000;

export interface FireResult {
  schedules: number;
  runs: number;
  skipped: number;
  failed: number;
}

/** Fires every due schedule once; `now` is injectable for tests of catch-up. */
export async function fireDueSchedules(p: Platform, opts: { now?: () => Date; limit?: number } = {}): Promise<FireResult> {
  const clock = opts.now ?? (() => new Date());
  const result: FireResult = { schedules: 0, runs: 0, skipped: 0, failed: 0 };
  await p.db.tx(async (q) => {
    const due = await lockDueSchedules(q, opts.limit ?? 100);
    for (const s of due) {
      result.schedules++;
      const now = clock();
      const from = s.nextFireAt ?? now;
      // Bounded either way: after a long outage only the most recent fires are even looked at
      // (`skipped` then counts at most MAX_CATCH_UP of them).
      const newestFirst = dueFireTimes(s.cron, s.timezone, from, now, s.catchUp === 'all' ? MAX_CATCH_UP : MAX_CATCH_UP + 1);
      const fire = s.catchUp === 'all' ? newestFirst : newestFirst.filter((t) => now.getTime() - t.getTime() <= SKIP_GRACE_MS).slice(0, 1);
      result.skipped += newestFirst.length - fire.length;
      for (const t of fire.reverse()) {
        if (!(await claimFire(q, s.orgId, s.id, t))) continue;
        try {
          const run = await triggerRun(p, { orgId: s.orgId, actor: { type: 'system', id: `schedule:${s.id}` }, role: 'operator' }, s.workflowId, s.input, {
            trigger: 'schedule',
            idempotencyKey: `schedule:${s.id}:${t.toISOString()}`,
            source: 'schedule',
          });
          await recordFire(q, s.orgId, s.id, t, run.id, null);
          result.runs++;
        } catch (err) {
          // An outage rolls the whole tick back; the next tick fires it.
          if (err instanceof ServiceUnavailableError) throw err;
          // The fire is spent either way: a workflow whose input schema no longer accepts the
          // schedule's input would fail the same way every minute.
          await recordFire(q, s.orgId, s.id, t, null, toStoredError(err));
          result.failed++;
          p.logger.warn({ err, scheduleId: s.id, fireTime: t }, 'a schedule fire started no run');
        }
      }
      await advanceSchedule(q, s.orgId, s.id, nextFireAfter(s.cron, s.timezone, now), fire.at(-1) ?? null);
    }
  });
  if (result.runs || result.failed) p.logger.info(result, 'schedules fired');
  return result;
}

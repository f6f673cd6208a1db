/**
 * The schedule timer (every minute in Azure; a loop in the local host). Due schedules are locked
 * with SKIP LOCKED so several instances share them; each fire time is claimed in the fire ledger
 * (primary key schedule id + fire time) in the same short transaction that advances the schedule.
 * Only after that commit is each run started, through the pre-flight path with the idempotency key
 * `schedule:<id>:<fire time>`, and what it did (the run, or why none) written to its ledger row.
 * Two guards, one promise: exactly one run per schedule and fire time, even when instances race or
 * one stops between claiming a fire and recording its run — a claimed fire with neither a run nor
 * an error is started again by a later tick (`RESUME_AFTER_MS`), and the idempotency key finds
 * the run if it had been started.
 *
 * Why the run is not started inside the claiming transaction: the trigger commits on a connection
 * of its own, and the embedded database (PGlite) has exactly one. Holding it while the trigger
 * waits for another would stall every API request until the pool gives up (5 s), and fail the fire.
 *
 * Catch-up after downtime: `skip` fires only fire times due within the last two timer periods
 * (the one just due); `all` fires every missed time, the most recent `MAX_CATCH_UP` at most.
 */
import { ServiceUnavailableError, ValidationError, toStoredError, type StoredError } from '../domain/errors';
import { triggerRun } from '../engine/preflight';
import type { Platform } from '../platform';
import { advanceSchedule, claimFire, lockDueSchedules, recordFire, unfinishedFires, type ClaimedFire } from '../store/schedules';
import { dueFireTimes, nextFireAfter } from './cron';

/** What this module uses of the platform (not the whole of it). */
export type FireSchedulesDeps = Pick<Platform, 'db' | 'logger' | 'queue'>;

/** At most this many missed fires of one schedule are replayed under `all`. */
export const MAX_CATCH_UP = 100;
/** A fire time later than this is missed (two timer periods: one late tick is not downtime). */
export const SKIP_GRACE_MS = 120_000;
/**
 * A fire claimed this long ago with neither a run nor an error recorded was left by an instance
 * that stopped (or lost the database) in between; a tick starts it again. Far longer than a start
 * takes (one statement), so a tick does not redo a fire another instance is still starting; were
 * it to, the idempotency key makes the second start return the first run.
 */
export const RESUME_AFTER_MS = 60_000;

export interface FireResult {
  schedules: number;
  runs: number;
  skipped: number;
  failed: number;
}

/** Fires every due schedule once; `now` is injectable for tests of catch-up. */
export async function fireDueSchedules(p: FireSchedulesDeps, opts: { now?: () => Date; limit?: number } = {}): Promise<FireResult> {
  const clock = opts.now ?? (() => new Date());
  const limit = opts.limit ?? 100;
  const result: FireResult = { schedules: 0, runs: 0, skipped: 0, failed: 0 };
  // Claim: one short transaction that starts nothing, so it never waits for a second connection.
  const claimed = await p.db.tx(async (q) => {
    const fires: ClaimedFire[] = [];
    const due = await lockDueSchedules(q, limit);
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
        if (await claimFire(q, s.orgId, s.id, t))
          fires.push({ orgId: s.orgId, scheduleId: s.id, workflowId: s.workflowId, input: s.input, fireTime: t });
      }
      await advanceSchedule(q, s.orgId, s.id, nextFireAfter(s.cron, s.timezone, now), fire.at(-1) ?? null);
    }
    return fires;
  });
  // Start: fires left unstarted by an earlier tick first (they are older), then this tick's.
  const resumed = await unfinishedFires(p.db, RESUME_AFTER_MS, limit);
  for (const f of [...resumed, ...claimed]) await startFire(p, f, result);
  if (result.runs || result.failed) p.logger.info({ ...result, resumed: resumed.length }, 'schedules fired');
  return result;
}

/** Starts the run of one claimed fire and records it, or records why none started. */
async function startFire(p: FireSchedulesDeps, f: ClaimedFire, result: FireResult): Promise<void> {
  let run: { id: string };
  try {
    run = await triggerRun(
      p,
      { orgId: f.orgId, actor: { type: 'system', id: `schedule:${f.scheduleId}` }, role: 'operator' },
      f.workflowId,
      f.input,
      {
        trigger: 'schedule',
        idempotencyKey: `schedule:${f.scheduleId}:${f.fireTime.toISOString()}`,
        source: 'schedule',
      },
    );
  } catch (err) {
    // An outage leaves the fire claimed but unstarted: a tick after the database is back starts it.
    if (err instanceof ServiceUnavailableError) throw err;
    // The fire is spent either way: a workflow whose input schema no longer accepts the
    // schedule's input would fail the same way every minute.
    await recordFire(p.db, f.orgId, f.scheduleId, f.fireTime, null, fireError(err));
    result.failed++;
    p.logger.warn({ err, scheduleId: f.scheduleId, fireTime: f.fireTime }, 'a schedule fire started no run');
    return;
  }
  await recordFire(p.db, f.orgId, f.scheduleId, f.fireTime, run.id, null);
  result.runs++;
}

/** The error a fire records, with the failing fields named so the schedule list can say what to fix. */
function fireError(err: unknown): StoredError {
  const stored = toStoredError(err);
  if (err instanceof ValidationError && err.issues.length) {
    stored.message = `${stored.message} ${err.issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`;
  }
  return stored;
}

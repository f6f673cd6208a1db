/**
 * The worker's side of durable waits (issue #16). A `wait` or `approval` task opens its wait row
 * (store/waits.ts) and, unless it already ended, throws `WaitPending`: the executor then lets the
 * run go (`park`: WAITING, no lease, no worker, no concurrency slot unless the workflow says
 * `holdSlotWhileWaiting`). Whoever ends the wait later
 * (signal, event, timer, decision, cancel) makes the run PENDING and enqueues it; the claim starts
 * the waiting task again and this module hands it the wait's result: the payload or decisions as
 * its output, or a failure (`wait_timed_out`, `approval_rejected`) handled like any other.
 */
import type { Db } from '../db/db';
import { TaskFailedError } from '../domain/errors';
import { evaluate, mapValue } from '../domain/expressions';
import { WAIT_MAX_MS, type ApprovalTask, type WaitTask } from '../domain/workflow-definition';
import type { ClaimedRun } from '../store/runs';
import { lockHeldRun, openWait, parkRun, runLineage, runRequester, type HeldSlot, type NewWait, type WaitRow } from '../store/waits';
import { LeaseLostError } from './lease';

/** Thrown by a waiting task: the run is to be let go until the wait ends. Not a failure. */
export class WaitPending extends Error {
  constructor(
    readonly taskRunId: string,
    readonly attempt: number,
    /** A `workflow` task waiting because its child run waits: the child parked, this task waits with it. */
    readonly childRunId: string | null = null,
  ) {
    super('the task waits');
  }
}

/** A wait opened by this call (so its approval notice goes out once). */
export interface EnteredWait {
  wait: WaitRow;
  opened: boolean;
}

type Context = Record<string, unknown>;

/** What a wait task waits for, evaluated once when the wait opens (its key and time are kept in the row). */
async function describe(task: WaitTask | ApprovalTask, context: Context, db: Db, orgId: string, rootRunId: string) {
  const base = { taskKey: task.key } as const;
  if (task.type === 'approval') {
    const details = task.details ? await mapValue(task.details, context, task.key) : null;
    return {
      ...base,
      kind: 'approval' as const,
      dueInMs: task.timeoutMs ?? null,
      approval: {
        title: task.title,
        details,
        approvers: task.approvers,
        required: task.required ?? 1,
        allowRequester: task.allowRequester ?? false,
        // Who started the top-level run (a child run is started by its parent).
        requester: await runRequester(db, orgId, rootRunId),
      },
    };
  }
  if (task.signal !== undefined) return { ...base, kind: 'signal' as const, signalName: task.signal, dueInMs: task.timeoutMs ?? null };
  if (task.event !== undefined) {
    const key = await evaluate(task.match ?? 'null', context, task.key);
    if (key === null || key === undefined || typeof key === 'object')
      throw new TaskFailedError('invalid_wait', `Task '${task.key}': match gave ${JSON.stringify(key) ?? 'nothing'}, not a key.`, {
        retryable: false,
      });
    return { ...base, kind: 'event' as const, eventName: task.event, eventKey: String(key), dueInMs: task.timeoutMs ?? null };
  }
  if (task.until !== undefined) {
    const at = await evaluate(task.until, context, task.key);
    const ms = typeof at === 'string' ? Date.parse(at) : NaN;
    if (!Number.isFinite(ms))
      throw new TaskFailedError(
        'invalid_wait',
        `Task '${task.key}': until gave ${JSON.stringify(at) ?? 'nothing'}, not an ISO date-time.`,
        {
          retryable: false,
        },
      );
    const inMs = Math.max(0, ms - Date.now());
    if (inMs > WAIT_MAX_MS)
      throw new TaskFailedError('invalid_wait', `Task '${task.key}': until ${String(at)} is more than a year ahead.`, { retryable: false });
    return { ...base, kind: 'time' as const, dueInMs: inMs };
  }
  return { ...base, kind: 'time' as const, dueInMs: task.durationMs ?? 0 };
}

/**
 * Opens (or finds) the task's wait for this run attempt. Returns the task's output when the wait
 * already ended; throws `WaitPending` while it waits, and the task's failure when it timed out or
 * was rejected.
 */
export async function enterWait(
  db: Db,
  run: ClaimedRun,
  owner: string,
  task: WaitTask | ApprovalTask,
  taskRunId: string,
  context: Context,
  onOpened?: (wait: WaitRow) => Promise<void>,
): Promise<unknown> {
  // A child run (a `workflow` task's) waits like a top-level one and its parents wait with it. Under
  // a chunk it may not: a chunked task keeps up to `concurrency` chunks in flight on one worker and
  // ends when all have; a parked chunk would need the chunked task, its in-flight count and every
  // sibling chunk to be let go and taken up again, which the chunk dispatcher does not do.
  const lineage = run.parentRunId ? await runLineage(db, run.orgId, run.id) : { rootId: run.id, inChunk: false };
  if (lineage.inChunk)
    throw new TaskFailedError(
      'wait_in_child_run',
      `Task '${task.key}': waits and approvals do not run under a chunked task (this run is a chunk's child of ${run.parentRunId}).`,
      { retryable: false },
    );
  // What it waits for is worked out before the transaction (expressions, the requester lookup).
  const what = await describe(task, context, db, run.orgId, lineage.rootId);
  const entered = await db.tx(async (q): Promise<EnteredWait | null> => {
    const attempt = await lockHeldRun(q, run.orgId, run.id, owner);
    if (attempt === null) return null;
    const spec: NewWait = { orgId: run.orgId, runId: run.id, taskRunId, runAttempt: attempt, ...what };
    return openWait(q, spec);
  });
  if (!entered) throw new LeaseLostError(run.id);
  const { wait, opened } = entered;
  if (opened && onOpened) await onOpened(wait);
  return outcomeOf(task.key, wait);
}

/** The task's output for an ended wait, its failure, or `WaitPending` while it waits. */
export function outcomeOf(taskKey: string, wait: WaitRow): unknown {
  switch (wait.status) {
    case 'waiting':
      throw new WaitPending(wait.taskRunId, wait.runAttempt);
    case 'resumed':
      return wait.result;
    case 'timed_out':
      throw new TaskFailedError('wait_timed_out', `Task '${taskKey}': the ${wait.kind} wait timed out.`, { retryable: false });
    case 'rejected': {
      const by = wait.decisions.filter((d) => d.decision === 'reject').map((d) => d.displayName ?? d.actorId);
      throw new TaskFailedError('approval_rejected', `Task '${taskKey}': rejected by ${by.join(', ') || 'an approver'}.`, {
        retryable: false,
      });
    }
    case 'cancelled':
      throw new LeaseLostError(wait.runId);
  }
}

/**
 * Lets the run go while the given tasks wait. Returns 'PENDING' when a wait ended meanwhile (the
 * caller enqueues the run), 'WAITING' otherwise; throws when the lease is gone.
 */
export async function park(
  db: Db,
  run: ClaimedRun,
  owner: string,
  waiting: readonly WaitPending[],
  heldSlot: HeldSlot | null = null,
): Promise<'WAITING' | 'PENDING'> {
  const status = await db.tx(async (q) => {
    const attempt = await lockHeldRun(q, run.orgId, run.id, owner);
    if (attempt === null) return null;
    return parkRun(
      q,
      run.orgId,
      run.id,
      waiting.map((w) => w.taskRunId),
      attempt,
      heldSlot,
      waiting.flatMap((w) => (w.childRunId ? [w.childRunId] : [])),
    );
  });
  if (status === null) throw new LeaseLostError(run.id);
  return status;
}

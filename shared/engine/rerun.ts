/**
 * Rerun from failure, as a new attempt of the same run (not a new run): a FAILED or CANCELLED
 * top-level run goes back to PENDING with `attempt + 1`. Why the same run: its id, links and
 * idempotency keys stay valid, so adapters see the same key for the same task and a retried
 * effect is delivered once; the history of attempts stays in `task_runs.attempt_log` and
 * `run_attempts`.
 *
 * Without options, the outputs of every task that succeeded are kept, and tasks that did not
 * succeed (and failed or cancelled child runs, and chunks that did not succeed) run again, with
 * the run's version and input. With options (replay after a fix), the rerun may use the latest
 * published version, an edited input, and start from a chosen task; retry-plan.ts decides which
 * tasks keep their outputs and which get new idempotency keys.
 */
import type { Principal } from '../domain/principal';
import { ConflictError, NotFoundError } from '../domain/errors';
import type { Queryable } from '../db/db';
import type { Platform } from '../platform';
import { appendAudit } from '../store/audit';
import { rerunRunTree, runHeader } from '../store/runs';
import { insertRunAttempt, lockRunForReplay, replayRunTasks } from '../store/run-replay';
import { getExecutableVersion } from '../store/workflows';
import { validateRunInput } from './input-schema';
import { planRetry } from './retry-plan';

/** What this module uses of the platform (not the whole of it). */
export type RerunDeps = Pick<Platform, 'db' | 'logger' | 'queue'>;

/** The choices of a rerun; all omitted is the plain rerun from failure. */
export interface RetryOptions {
  version?: 'same' | 'latest' | undefined;
  input?: Record<string, unknown> | undefined;
  fromTask?: string | undefined;
}

export interface RetryOutcome {
  id: string;
  status: 'PENDING';
  attempt: number;
  workflowVersion: number;
  fromTask: string | null;
  inputEdited: boolean;
  /** Tasks that run again under new idempotency keys. */
  renewedTasks: string[];
}

const plain = (o: RetryOptions) => (o.version ?? 'same') === 'same' && o.input === undefined && o.fromTask === undefined;

function refuse(run: { status: string; parentRunId: string | null }, runId: string): never {
  if (run.parentRunId) throw new ConflictError('run_not_retryable', `Run ${runId} is a child run; rerun its top-level run instead.`);
  throw new ConflictError('run_not_retryable', `Run ${runId} is ${run.status}; only FAILED or CANCELLED runs can be rerun.`);
}

/**
 * Writes the next attempt of a run in the caller's transaction and records it (run_attempts and
 * one audit entry); null when the run does not exist. Throws the typed refusals (409, 400).
 */
export async function queueRetry(
  q: Queryable,
  who: Principal,
  runId: string,
  options: RetryOptions,
  bulkActionId: string | null = null,
): Promise<RetryOutcome | null> {
  const run = await lockRunForReplay(q, who.orgId, runId);
  if (!run) return null;
  if (run.archived)
    throw new ConflictError('workflow_archived', `Run ${runId} belongs to an archived workflow; restore the workflow to rerun its runs.`);
  if (run.parentRunId || (run.status !== 'FAILED' && run.status !== 'CANCELLED')) refuse(run, runId);
  let outcome: RetryOutcome;
  if (plain(options)) {
    if (!(await rerunRunTree(q, who.orgId, runId))) refuse(run, runId);
    const attempt = (await runHeader(q, who.orgId, runId))!.attempt;
    const v = run.workflowVersion;
    outcome = { id: runId, status: 'PENDING', attempt, workflowVersion: v, fromTask: null, inputEdited: false, renewedTasks: [] };
  } else {
    const version = options.version === 'latest' ? run.latestVersion : run.workflowVersion;
    const [oldDef, newDef] = await Promise.all([
      getExecutableVersion(q, who.orgId, run.workflowId, run.workflowVersion),
      version === run.workflowVersion ? null : getExecutableVersion(q, who.orgId, run.workflowId, version),
    ]);
    if (!oldDef) throw new NotFoundError('workflow version', `${run.workflowId}@${run.workflowVersion}`);
    const target = newDef ?? oldDef;
    // The input the next attempt runs with must satisfy the schema of the version it runs.
    validateRunInput(target.definition.inputSchema, options.input ?? run.input, `${run.workflowId}:${version}`);
    const plan = planRetry(run.tasks, oldDef.definition.tasks, target.definition.tasks, {
      versionChanged: version !== run.workflowVersion,
      inputEdited: options.input !== undefined,
      fromTask: options.fromTask,
    });
    const attempt = await replayRunTasks(
      q,
      who.orgId,
      { id: runId, workflowVersion: version, input: options.input ?? null },
      plan.tasks,
      plan.removed.map((r) => r.id),
    );
    outcome = {
      id: runId,
      status: 'PENDING',
      attempt,
      workflowVersion: version,
      fromTask: options.fromTask ?? null,
      inputEdited: options.input !== undefined,
      renewedTasks: plan.renewed,
    };
  }
  await insertRunAttempt(q, {
    runId,
    orgId: who.orgId,
    attempt: outcome.attempt,
    workflowVersion: outcome.workflowVersion,
    previousVersion: run.workflowVersion,
    inputEdited: outcome.inputEdited,
    fromTask: outcome.fromTask,
    renewedTasks: outcome.renewedTasks,
    requestedBy: `${who.actor.type}:${who.actor.id}`,
    bulkActionId,
  });
  // A bulk retry writes one audit entry for the whole action instead of one per run.
  if (!bulkActionId)
    await appendAudit(q, {
      orgId: who.orgId,
      actor: who.actor,
      source: who.source ?? null,
      action: 'run.retry',
      targetType: 'run',
      targetId: runId,
      diff: {
        attempt: outcome.attempt,
        ...(outcome.workflowVersion !== run.workflowVersion ? { version: { from: run.workflowVersion, to: outcome.workflowVersion } } : {}),
        ...(outcome.inputEdited ? { inputEdited: true } : {}),
        ...(outcome.fromTask ? { fromTask: outcome.fromTask } : {}),
        ...(outcome.renewedTasks.length ? { renewedTasks: outcome.renewedTasks } : {}),
      },
    });
  return outcome;
}

/** Queues the next attempt of a failed or cancelled run; 409 for any other state. */
export async function rerunRun(p: RerunDeps, who: Principal, runId: string, options: RetryOptions = {}): Promise<RetryOutcome> {
  const outcome = await p.db.tx((q) => queueRetry(q, who, runId, options));
  if (!outcome) throw new NotFoundError('run', runId);
  try {
    await p.queue.enqueue({ runId, orgId: who.orgId, enqueuedAt: Date.now() });
  } catch (err) {
    p.logger.warn({ err, runId }, 'enqueue of a rerun failed; the recovery sweep will enqueue it');
  }
  return outcome;
}

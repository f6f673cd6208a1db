/**
 * Executes a claimed run: its tasks in order, each TaskRun's transitions recorded, the run ended
 * SUCCEEDED or FAILED with the failing task's error. Tasks already SUCCEEDED (a resumed or rerun
 * run) are not executed again; their outputs feed later steps.
 *
 * Every write is fenced on the run's lease (store/runs.ts): when a write finds the lease gone, or
 * the run's AbortSignal fires (cancelled, lease lost), execution stops and writes nothing more;
 * the run is someone else's now. Database outages abandon the run the same way; recovery resumes
 * it. Task policies: `retry` and `timeoutMs` (attempt-operation.ts); connector `maxInFlight`.
 *
 * Nested runs (WorkflowRef tasks and chunks whose `each` is a workflow) are committed first, with
 * the parent task or chunk id as idempotency key so a resumed parent never starts a second child,
 * and then executed inline by the same worker under their own lease.
 */
import { randomUUID } from 'node:crypto';
import { BoundedCache } from '../domain/bounded-cache';
import type { ConnectorDescriptor, Operation, OperationContext } from '../adapters/adapter';
import type { AdapterRegistry } from '../adapters/resolve-adapter';
import { businessObjectAccess } from '../business-objects/business-object-access';
import type { Db } from '../db/db';
import { TaskFailedError, toStoredError, type StoredError } from '../domain/errors';
import { mapValue } from '../domain/expressions';
import { WAIT_MAX_MS, type TaskDefinition, type WorkflowDefinition } from '../domain/workflow-definition';
import { lazyChild, type Logger } from '../logger';
import type { ConcurrencySlots, RunQueue } from '../queue/work-queue';
import * as runs from '../store/runs';
import { endRuns, type RunEnd } from '../store/run-batches';
import type { StatementBatcher } from '../db/statement-batcher';
import { findWorkflowRef, getExecutableVersion } from '../store/workflows';
import { TaskTimeoutError, attemptOperation } from './attempt-operation';
import { chunkedDispatch } from './chunked-dispatch';
import { withConnectorSlot, type WorkflowSlot } from './concurrency-limits';
import type { TaskServices } from './task-services';
import type { ConnectorDirectory } from '../connectors/connector-lookup';
import { LeaseLostError, mustAbandon, type LeaseKeeper } from './lease';
import { linkedAbort } from './linked-abort';
import { instrumentOperation } from '../adapters/instrument-operation';
import { withSpan } from '../observability/tracing';
import { definitionMismatch, executeGraph } from './execute-graph';
import { validateRunInput } from './input-schema';
import { isChain } from './task-graph';
import { DEFAULT_MAX_WORKER_CRASHES, refusePoisonTask } from './poison-tasks';
import { WaitPending, enterWait, park } from './waits';

export interface ExecutorDeps {
  db: Db;
  /** Ends runs, batched with other runs' ends (the worker's group commit). */
  runEnds: StatementBatcher<RunEnd, boolean>;
  /** Alert runs of onFailure are enqueued; connector limits take slots. */
  queue: RunQueue & ConcurrencySlots;
  registry: AdapterRegistry;
  connectors: ConnectorDirectory;
  logger: Logger;
  leases: LeaseKeeper;
  /** Models, knowledge and files lent to operations (task-services.ts); absent, those operations say so. */
  taskServices?: TaskServices | undefined;
  /** Attempts a task may lose to worker crashes before it fails with `worker_crashed` (default 3). */
  maxWorkerCrashes?: number | undefined;
  /** STUDIO_PUBLIC_URL: the base of the Inbox link in approval notices; null or absent, notices are not sent. */
  studioPublicUrl?: string | null | undefined;
}

export interface RunOutcome {
  /** WAITING: the run was let go while tasks wait (no end written; store/waits.ts). */
  status: 'SUCCEEDED' | 'FAILED' | 'WAITING';
  output: unknown;
  error: StoredError | null;
  /** The waits the run was let go for (status WAITING). */
  waiting?: readonly WaitPending[];
  /** WAITING with its workflow slot kept (`holdSlotWhileWaiting`): the worker must not release it. */
  slotHeld?: boolean;
  /** The run went straight back to the queue and its slot was released before: the worker must not release it again. */
  slotReleased?: boolean;
}

/** How long a waiting run's slot is leased: past the longest wait (a year) by a day; a cancel or the sweep releases it sooner. */
const HELD_SLOT_TTL_MS = WAIT_MAX_MS + 86_400_000;

/** A child run failed; carries its id so the parent chunk can link to it. */
class ChildRunFailed extends TaskFailedError {
  constructor(
    readonly childRunId: string,
    error: StoredError | null,
  ) {
    super('child_run_failed', `Child run ${childRunId} failed: ${error?.message ?? 'unknown error'}`, { retryable: false });
  }
}

const MAX_CACHED_DEFINITIONS = 1_000;

/** What `execute` writes with the run end: the last task's end, and what a failure alert needs. */
interface RunTail {
  task: runs.TaskEnd | null;
  context?: { input: unknown; steps: Record<string, unknown>; run: { id: string } };
}

/** The part of an operation's context that is the same for every call of one task. */
type TaskScope = Omit<OperationContext, 'signal' | 'idempotencyKey' | 'expressionContext'>;

export class RunExecutor {
  // Versions are immutable, so a definition read once is good forever.
  private readonly definitions = new BoundedCache<string, { projectId: string; definition: WorkflowDefinition }>(MAX_CACHED_DEFINITIONS);

  constructor(private readonly deps: ExecutorDeps) {}

  private get owner(): string {
    return this.deps.leases.owner;
  }

  /** The definition (and project) of a workflow version, cached. */
  async version(orgId: string, workflowId: string, version: number) {
    const key = `${orgId}/${workflowId}@${version}`;
    let v = this.definitions.get(key);
    if (!v) {
      const found = await getExecutableVersion(this.deps.db, orgId, workflowId, version);
      if (!found)
        throw new TaskFailedError('workflow_version_missing', `Workflow ${workflowId} version ${version} does not exist.`, {
          retryable: false,
        });
      v = found;
      this.definitions.set(key, v);
    }
    return v;
  }

  /**
   * The definition a claimed run executes: its version's, or for a test of one step the one-task
   * definition the test run carries (the version still names the project).
   */
  async definitionOf(run: runs.ClaimedRun): Promise<{ projectId: string; definition: WorkflowDefinition }> {
    const v = await this.version(run.orgId, run.workflowId, run.workflowVersion);
    return run.testStep ? { projectId: v.projectId, definition: run.testStep.definition } : v;
  }

  /**
   * Runs every task of a claimed run and records the outcome. Throws (and records nothing more)
   * when the run must be abandoned: lease lost, cancelled, database unreachable.
   */
  async execute(run: runs.ClaimedRun, parentSignal?: AbortSignal, slot?: WorkflowSlot | null): Promise<RunOutcome> {
    const { logger, leases } = this.deps;
    // Made on first use: most runs write no line at the configured level.
    const log = lazyChild(logger, { runId: run.id, orgId: run.orgId });
    const signal = leases.hold(run.id, parentSignal);
    // The run's last task end (or its failing task's) is written with the run's end, in one statement.
    const tail: RunTail = { task: null };
    try {
      let outcome: RunOutcome;
      try {
        outcome = await this.executeTasks(run, signal, log, tail);
      } catch (err) {
        if (mustAbandon(err, signal)) throw signal.aborted ? signal.reason : err;
        // Loading the definition or an output mapping failed: the run fails with that error.
        outcome = { status: 'FAILED', output: null, error: toStoredError(err) };
      }
      if (outcome.status === 'WAITING') {
        // Let go: no end, no lease. A wait that ended meanwhile sends the run straight back to the queue.
        const held = slot ? await this.holdSlotWhileWaiting(run, slot) : null;
        let parked: 'WAITING' | 'PENDING';
        try {
          parked = await park(this.deps.db, run, this.owner, outcome.waiting ?? [], held);
        } catch (err) {
          // Not parked (cancelled or taken over): nothing records the slot, so it goes back now.
          if (held) await this.deps.queue.releaseSlot(held.key, run.id, held.limit).catch(() => undefined);
          throw err;
        }
        // A child run is never queued: its parent (parked next, or resuming it) takes it up again.
        let slotReleased = false;
        if (parked === 'PENDING' && !run.parentRunId) {
          // Its slot goes back before the run does: the worker that claims it next takes the slot as
          // the same holder (the run id), and a release after that would take it from under that run.
          if (slot && !held) {
            await this.deps.queue
              .releaseSlot(slot.key, run.id, slot.limit)
              .catch((err: unknown) => log.warn({ err }, 'releasing a concurrency slot failed; its lease will run out'));
            slotReleased = true;
          }
          await this.deps.queue
            .enqueue({ runId: run.id, orgId: run.orgId, enqueuedAt: Date.now() })
            .catch((err: unknown) => log.warn({ err }, 'enqueue of a woken run failed; the recovery sweep enqueues it'));
        }
        log.debug({ status: parked, slotHeld: held !== null }, 'run let go while it waits');
        return { ...outcome, slotHeld: held !== null, slotReleased };
      }
      const end: RunEnd = {
        orgId: run.orgId,
        runId: run.id,
        status: outcome.status,
        output: outcome.output,
        error: outcome.error,
        task: tail.task,
      };
      const ended = outcome.status === 'FAILED' ? await this.endFailed(run, end, tail, log) : await this.deps.runEnds.submit(end);
      if (!ended) throw new LeaseLostError(run.id);
      log.debug({ status: outcome.status }, 'run finished');
      return outcome;
    } finally {
      leases.release(run.id);
    }
  }

  /**
   * Keeps a waiting run's workflow slot when its definition says `holdSlotWhileWaiting`: the same
   * holder (the run id) leased until any wait could end, no longer by a worker's heartbeat. Taken
   * before the park commits, so a worker dying in between never leaves the run WAITING without its
   * slot. Null when the workflow lets the slot go, or the slot was already lost (lease run out and
   * taken by another run).
   */
  private async holdSlotWhileWaiting(run: runs.ClaimedRun, slot: WorkflowSlot): Promise<WorkflowSlot | null> {
    const { definition } = await this.definitionOf(run);
    if (!definition.holdSlotWhileWaiting) return null;
    const ok = await this.deps.queue.acquireSlot({ key: slot.key, holder: run.id, limit: slot.limit, ttlMs: HELD_SLOT_TTL_MS });
    return ok ? slot : null;
  }

  /**
   * Runs the tasks in order. Round trips per task: one. The claim started the first task; each
   * success is written together with the next task's start; the last task's end (or the failing
   * task's) is left in `tail` for `execute` to write with the run's end.
   */
  private async executeTasks(run: runs.ClaimedRun, signal: AbortSignal, log: Logger, tail: RunTail): Promise<RunOutcome> {
    const { db } = this.deps;
    const { projectId, definition } = await this.definitionOf(run);
    // A test of one step starts from the earlier steps' outputs it was given.
    const steps: Record<string, unknown> = { ...run.testStep?.steps };
    const context = { input: run.input, steps, run: { id: run.id } };
    tail.context = context;
    if (!isChain(definition)) return this.executeGraphTasks(run, projectId, definition, context, signal, log, tail);
    let last: unknown = null;
    // The task already marked RUNNING (by the claim, or by the previous task's end).
    let started: string | null = run.startedTaskId ?? null;
    const matches = (state: runs.TaskState | undefined) => !!state && definition.tasks[state.position]?.key === state.key;
    for (let i = 0; i < run.tasks.length; i++) {
      const state = run.tasks[i]!;
      const task = definition.tasks[state.position];
      if (!task || task.key !== state.key) {
        const error = new TaskFailedError('definition_mismatch', `Task ${state.key} is not in the run's workflow version.`, {
          retryable: false,
        });
        if (started === state.id) tail.task = { id: state.id, status: 'FAILED', output: null, error: toStoredError(error, state.key) };
        throw error;
      }
      if (state.status === 'SUCCEEDED' && started !== state.id) {
        steps[task.key] = state.output;
        last = state.output;
        continue;
      }
      if (signal.aborted) throw signal.reason;
      if (started !== state.id && (await runs.startTask(db, run.orgId, state.id, this.owner)) === null) throw new LeaseLostError(run.id);
      started = null;
      let output: unknown;
      try {
        output = await withSpan(
          `task ${task.key}`,
          { 'demiton.run.id': run.id, 'demiton.task': task.key, 'demiton.task.type': task.type },
          () => this.runTask(run, projectId, task, state.id, context, signal, log),
        );
      } catch (err) {
        if (mustAbandon(err, signal)) throw signal.aborted ? signal.reason : err;
        if (err instanceof WaitPending) return { status: 'WAITING', output: null, error: null, waiting: [err] };
        const error = toStoredError(err, task.key);
        log.info({ taskKey: task.key, code: error.code }, 'task failed');
        tail.task = { id: state.id, status: 'FAILED', output: null, error };
        return { status: 'FAILED', output: null, error };
      }
      steps[task.key] = output;
      last = output;
      const next = run.tasks[i + 1];
      if (!next) {
        tail.task = { id: state.id, status: 'SUCCEEDED', output, error: null };
      } else if (next.status !== 'SUCCEEDED' && matches(next) && !signal.aborted) {
        if ((await runs.finishTaskStartNext(db, run.orgId, run.id, state.id, next.id, this.owner, output)) === null)
          throw new LeaseLostError(run.id);
        started = next.id;
      } else if (!(await runs.finishTask(db, run.orgId, state.id, this.owner, 'SUCCEEDED', output, null))) {
        throw new LeaseLostError(run.id);
      }
    }
    const output = definition.output ? await mapValue(definition.output, context, 'output') : last;
    return { status: 'SUCCEEDED', output, error: null };
  }

  /** A graph run (execute-graph.ts): tasks whose needs are met run at once, up to maxParallel. */
  private async executeGraphTasks(
    run: runs.ClaimedRun,
    projectId: string,
    definition: WorkflowDefinition,
    context: { input: unknown; steps: Record<string, unknown>; run: { id: string } },
    signal: AbortSignal,
    log: Logger,
    tail: RunTail,
  ): Promise<RunOutcome> {
    const mismatch =
      run.tasks.find((s) => definition.tasks[s.position]?.key !== s.key) ??
      (run.tasks.length !== definition.tasks.length ? run.tasks[0] : undefined);
    if (mismatch) {
      const error = definitionMismatch(mismatch.key);
      const started = run.startedTaskId ? run.tasks.find((s) => s.id === run.startedTaskId) : undefined;
      if (started) tail.task = { id: started.id, status: 'FAILED', output: null, error: toStoredError(error, started.key) };
      throw error;
    }
    const result = await executeGraph({
      db: this.deps.db,
      run,
      definition,
      owner: this.owner,
      signal,
      log,
      context,
      mustAbandon,
      runTask: (task, taskRunId, taskSignal) =>
        withSpan(`task ${task.key}`, { 'demiton.run.id': run.id, 'demiton.task': task.key, 'demiton.task.type': task.type }, () =>
          this.runTask(run, projectId, task, taskRunId, context, taskSignal, log),
        ),
    });
    tail.task = result.tail;
    if (result.waiting.length) return { status: 'WAITING', output: null, error: null, waiting: result.waiting };
    if (result.status === 'FAILED') return { status: 'FAILED', output: null, error: result.error };
    const output = definition.output ? await mapValue(definition.output, context, 'output') : result.lastOutput;
    return { status: 'SUCCEEDED', output, error: null };
  }

  /**
   * Ends a FAILED run. With a workflow-level `onFailure`, the alert run is committed in the same
   * transaction as the end (so a crash can neither lose it nor start it for a run that did not
   * end FAILED), keyed `on-failure:<run id>:<attempt>` so each failed attempt alerts once, then
   * enqueued (the recovery sweep enqueues it if that fails). An alert that cannot be mapped, whose
   * input fails its workflow's input schema, or whose workflow is gone is logged; the run still
   * ends FAILED.
   */
  private async endFailed(run: runs.ClaimedRun, end: RunEnd, tail: RunTail, log: Logger): Promise<boolean> {
    const { db, queue, runEnds } = this.deps;
    // Cached: the run loaded it to execute (a run whose version is missing has no alert to start).
    // A test of one step carries no onFailure: its failure alerts no one.
    const version = await this.definitionOf(run).catch(() => null);
    const onFailure = version?.definition.onFailure;
    if (!version || !onFailure) return runEnds.submit(end);
    const { projectId } = version;
    let alert: {
      workflowId: string;
      version: number;
      tasks: ReadonlyArray<{ key: string; type: TaskDefinition['type'] }>;
      input: Record<string, unknown>;
    };
    try {
      const wf = await findWorkflowRef(db, run.orgId, projectId, onFailure.workflow);
      if (!wf)
        throw new TaskFailedError('workflow_not_found', `onFailure: no workflow '${onFailure.workflow}' in the project.`, {
          retryable: false,
        });
      const failure = {
        runId: run.id,
        task: end.error?.taskKey ?? null,
        code: end.error?.code ?? 'failed',
        message: end.error?.message ?? '',
      };
      const mapped = await mapValue(
        onFailure.input ?? {},
        { ...(tail.context ?? { input: run.input, steps: {}, run: { id: run.id } }), failure },
        'onFailure',
      );
      const input =
        mapped && typeof mapped === 'object' && !Array.isArray(mapped) ? (mapped as Record<string, unknown>) : { value: mapped };
      validateRunInput(wf.definition.inputSchema, input, `${wf.id}:${wf.version}`);
      alert = { workflowId: wf.id, version: wf.version, tasks: wf.definition.tasks, input };
    } catch (err) {
      if (mustAbandon(err)) throw err;
      log.warn({ err, code: toStoredError(err).code }, 'onFailure: the alert run could not be prepared; the run ends FAILED without it');
      return runEnds.submit(end);
    }
    const alertId = randomUUID();
    const ended = await db.tx(async (q) => {
      const { rows } = await q.query<{ attempt: number }>('SELECT attempt FROM workflow_runs WHERE id = $1::uuid AND org_id = $2::uuid', [
        run.id,
        run.orgId,
      ]);
      if (!(await endRuns(q, this.owner, [end])).has(run.id)) return false;
      await runs.insertRun(q, {
        id: alertId,
        orgId: run.orgId,
        workflowId: alert.workflowId,
        workflowVersion: alert.version,
        trigger: 'workflow',
        input: alert.input,
        tasks: alert.tasks,
        idempotencyKey: `on-failure:${run.id}:${rows[0]?.attempt ?? 1}`,
        onFailureOf: run.id,
      });
      return true;
    });
    if (ended)
      await queue
        .enqueue({ runId: alertId, orgId: run.orgId, enqueuedAt: Date.now() })
        .catch((err: unknown) => log.warn({ err }, 'onFailure: enqueue failed; the recovery sweep will enqueue the alert run'));
    return ended;
  }

  private async operation(
    orgId: string,
    projectId: string,
    connectorName: string,
    operation: string,
    taskKey: string,
  ): Promise<{ op: Operation; connector: ConnectorDescriptor }> {
    const connector = await this.deps.connectors.find(orgId, projectId, connectorName);
    if (!connector)
      throw new TaskFailedError('connector_not_found', `Task '${taskKey}': no connector named '${connectorName}'.`, { retryable: false });
    const adapter = this.deps.registry.getAdapter(connector);
    const op = adapter.operations[operation];
    if (!op)
      throw new TaskFailedError('operation_not_found', `Task '${taskKey}': connector '${connectorName}' has no operation '${operation}'.`, {
        retryable: false,
      });
    return { op: instrumentOperation(adapter.systemType, operation, op), connector };
  }

  private parseInput(op: Operation, input: unknown, taskKey: string): unknown {
    const parsed = op.input.safeParse(input);
    if (!parsed.success) {
      const why = parsed.error.issues
        .map((i: { path: PropertyKey[]; message: string }) => `${i.path.join('.') || '(input)'}: ${i.message}`)
        .join('; ');
      throw new TaskFailedError('invalid_operation_input', `Task '${taskKey}': invalid input: ${why}`, { retryable: false });
    }
    return parsed.data;
  }

  /**
   * What every operation call of one task shares, made once per task: a chunked task's calls (up to
   * millions) reuse its logger and services instead of building a pino child logger each.
   */
  private taskScope(run: runs.ClaimedRun, projectId: string, taskKey: string, log: Logger): TaskScope {
    return {
      logger: lazyChild(log, { taskKey }),
      taskKey,
      orgId: run.orgId,
      projectId,
      runId: run.id,
      services: {
        businessObjects: businessObjectAccess(this.deps.db, { orgId: run.orgId, projectId, runId: run.id }),
        ...this.deps.taskServices?.({ orgId: run.orgId, projectId, runId: run.id, taskKey }),
      },
    };
  }

  private opContext(scope: TaskScope, idempotencyKey: string, context: Record<string, unknown>, signal: AbortSignal): OperationContext {
    return { ...scope, signal, idempotencyKey, expressionContext: context };
  }

  /**
   * One call of a `call` operation under the task's policies. The idempotency key is the TaskRun
   * or ChunkRun id: the same for every attempt, retry, resume and rerun of that task or chunk.
   */
  private async call(
    scope: TaskScope,
    target: { op: Operation; connector: ConnectorDescriptor },
    input: unknown,
    policy: {
      key: string;
      retry?: TaskDefinition extends infer _ ? import('../domain/workflow-definition').RetryPolicy | undefined : never;
      timeoutMs?: number | undefined;
    },
    idempotencyKey: string,
    context: Record<string, unknown>,
    signal: AbortSignal,
    onRetry?: (err: unknown) => Promise<void>,
  ): Promise<{ value: unknown; retries: number }> {
    const { op, connector } = target;
    if (op.kind !== 'call')
      throw new TaskFailedError('operation_kind', `Task '${policy.key}': the operation is a generator.`, { retryable: false });
    return attemptOperation(
      (attemptSignal) =>
        withConnectorSlot(this.deps.queue, this.deps.leases, connector, `${this.owner}/${idempotencyKey}`, attemptSignal, () =>
          op.run(input, this.opContext(scope, idempotencyKey, context, attemptSignal)),
        ),
      { signal, timeoutMs: policy.timeoutMs, retry: policy.retry, ...(onRetry ? { onRetry: (err) => onRetry(err) } : {}) },
    );
  }

  private async runTask(
    run: runs.ClaimedRun,
    projectId: string,
    task: TaskDefinition,
    taskRunId: string,
    context: Record<string, unknown>,
    signal: AbortSignal,
    log: Logger,
  ): Promise<unknown> {
    const { db } = this.deps;
    refusePoisonTask(run, taskRunId, task.key, this.deps.maxWorkerCrashes ?? DEFAULT_MAX_WORKER_CRASHES);
    switch (task.type) {
      case 'atomic': {
        const target = await this.operation(run.orgId, projectId, task.connector, task.operation, task.key);
        // A test of one step may give the operation's input as is, skipping the mapping.
        const given = run.testStep?.operationInput;
        const input = this.parseInput(target.op, given ?? (await mapValue(task.input ?? {}, context, task.key)), task.key);
        const { value } = await this.call(
          this.taskScope(run, projectId, task.key, log),
          target,
          input,
          task,
          taskRunId,
          context,
          signal,
          async (err) => {
            // Each failed attempt is recorded, fenced, before the next one starts.
            if (!(await runs.retryTask(db, run.orgId, taskRunId, this.owner, toStoredError(err, task.key))))
              throw new LeaseLostError(run.id);
          },
        );
        return value;
      }
      case 'workflow': {
        const input = await mapValue(task.input ?? {}, context, task.key);
        const child = await this.childWithTimeout(
          run,
          projectId,
          task.workflow,
          input,
          { parentTaskKey: task.key, idempotencyKey: `task:${taskRunId}`, trigger: 'workflow' },
          task.timeoutMs,
          signal,
          async (childId) => {
            if (!(await runs.setTaskChild(db, run.orgId, taskRunId, this.owner, childId))) throw new LeaseLostError(run.id);
          },
        );
        // The child was let go while it waits: this task waits with it, and the wake-up of the
        // child's wait wakes this run too (store/waits.ts wakeRuns), which takes the child over again.
        if (child.outcome.status === 'WAITING') throw new WaitPending(taskRunId, 0, child.id);
        if (child.outcome.status !== 'SUCCEEDED') throw new ChildRunFailed(child.id, child.outcome.error);
        return child.outcome.output;
      }
      case 'wait':
        return enterWait(db, run, this.owner, task, taskRunId, context);
      case 'approval':
        return enterWait(db, run, this.owner, task, taskRunId, context, async (wait) => {
          if (task.notify) await this.notifyApproval(run, projectId, task, wait.id, context, signal, log);
        });
      case 'chunked': {
        const gen = await this.operation(run.orgId, projectId, task.generator.connector, task.generator.operation, task.key);
        if (gen.op.kind !== 'generator')
          throw new TaskFailedError('operation_kind', `Task '${task.key}': '${task.generator.operation}' is not a generator.`, {
            retryable: false,
          });
        const genInput = this.parseInput(gen.op, await mapValue(task.generator.input ?? {}, context, task.key), task.key);
        const scope = this.taskScope(run, projectId, task.key, log);
        const records = gen.op.generate(genInput, this.opContext(scope, taskRunId, context, signal));
        const each = task.each;
        const eachTarget =
          'operation' in each ? await this.operation(run.orgId, projectId, each.connector, each.operation, task.key) : null;
        return chunkedDispatch({
          db,
          orgId: run.orgId,
          runId: run.id,
          taskRunId,
          owner: this.owner,
          task,
          records,
          context,
          signal,
          runChunk: async (chunk) => {
            if (eachTarget) {
              const input = this.parseInput(eachTarget.op, chunk.input, task.key);
              const r = await this.call(scope, eachTarget, input, task, chunk.id, { ...context, record: chunk.record }, signal);
              return { output: r.value, childRunId: null, retries: r.retries };
            }
            const child = await this.childWithTimeout(
              run,
              projectId,
              (each as { workflow: string }).workflow,
              chunk.input,
              { parentTaskKey: task.key, parentChunkIndex: chunk.index, idempotencyKey: `chunk:${chunk.id}`, trigger: 'chunk' },
              task.timeoutMs,
              signal,
            );
            if (child.outcome.status !== 'SUCCEEDED') throw new ChildRunFailed(child.id, child.outcome.error);
            return { output: child.outcome.output, childRunId: child.id };
          },
        });
      }
    }
  }

  /**
   * Tells the approvers (an e-mail or Teams operation) that an approval is open, with a link to the
   * studio's Inbox (absolute, under STUDIO_PUBLIC_URL), where they sign in to decide: the link
   * carries no power of its own. A notice
   * that cannot be sent is logged; the approval stays open (the Inbox lists it either way).
   */
  private async notifyApproval(
    run: runs.ClaimedRun,
    projectId: string,
    task: import('../domain/workflow-definition').ApprovalTask,
    approvalId: string,
    context: Record<string, unknown>,
    signal: AbortSignal,
    log: Logger,
  ): Promise<void> {
    const notify = task.notify!;
    const base = this.deps.studioPublicUrl;
    if (!base) {
      // A relative link in a mail or a Teams card opens nothing: no notice rather than a broken one.
      log.warn(
        { taskKey: task.key, approvalId, code: 'studio_public_url_unset' },
        'approval notice not sent: STUDIO_PUBLIC_URL is not set, so there is no Inbox link to send; the Inbox lists the approval',
      );
      return;
    }
    try {
      const target = await this.operation(run.orgId, projectId, notify.connector, notify.operation, task.key);
      const approval = { id: approvalId, title: task.title, link: `${base}/inbox?approval=${encodeURIComponent(approvalId)}` };
      const input = this.parseInput(target.op, await mapValue(notify.input ?? {}, { ...context, approval }, task.key), task.key);
      await this.call(
        this.taskScope(run, projectId, task.key, log),
        target,
        input,
        { key: task.key },
        `notify:${approvalId}`,
        context,
        signal,
      );
    } catch (err) {
      if (mustAbandon(err, signal)) throw err;
      log.warn({ err, taskKey: task.key, code: toStoredError(err).code }, 'approval notice not sent; the Inbox lists the approval');
    }
  }

  /**
   * A child run under a time limit: when it passes, the child (and everything under it) is
   * cancelled and the parent task or chunk fails with `task_timeout`.
   */
  private async childWithTimeout(
    parent: runs.ClaimedRun,
    projectId: string,
    ref: string,
    input: unknown,
    link: { parentTaskKey: string; parentChunkIndex?: number; idempotencyKey: string; trigger: 'workflow' | 'chunk' },
    timeoutMs: number | undefined,
    signal: AbortSignal,
    onChild?: (childId: string) => Promise<void>,
  ): Promise<{ id: string; outcome: RunOutcome }> {
    if (!timeoutMs) return this.runChild(parent, projectId, ref, input, link, signal, onChild);
    // Not AbortSignal.any: that would leave an entry on the parent's signal per child (linked-abort.ts).
    const limited = linkedAbort(signal);
    let timedOut: TaskTimeoutError | null = null;
    const timer = setTimeout(() => limited.abort((timedOut = new TaskTimeoutError(timeoutMs))), timeoutMs);
    let childId: string | null = null;
    try {
      return await this.runChild(parent, projectId, ref, input, link, limited.signal, async (id) => {
        childId = id;
        await onChild?.(id);
      });
    } catch (err) {
      if (timedOut && !signal.aborted) {
        const reason: TaskTimeoutError = timedOut;
        if (childId) await runs.cancelRunTree(this.deps.db, parent.orgId, childId, toStoredError(reason, link.parentTaskKey));
        throw new TaskFailedError('task_timeout', `Task '${link.parentTaskKey}': the child run timed out after ${timeoutMs} ms.`, {
          retryable: false,
          cause: err,
        });
      }
      throw err;
    } finally {
      clearTimeout(timer);
      limited.unlink();
    }
  }

  /** Commits a child run (claimed by this worker at birth), then executes it inline; or resumes the existing one. */
  private async runChild(
    parent: runs.ClaimedRun,
    projectId: string,
    ref: string,
    input: unknown,
    link: { parentTaskKey: string; parentChunkIndex?: number; idempotencyKey: string; trigger: 'workflow' | 'chunk' },
    signal: AbortSignal,
    onChild?: (childId: string) => Promise<void>,
  ): Promise<{ id: string; outcome: RunOutcome }> {
    const { db, leases } = this.deps;
    const wf = await findWorkflowRef(db, parent.orgId, projectId, ref);
    if (!wf)
      throw new TaskFailedError('workflow_not_found', `Task '${link.parentTaskKey}': no workflow '${ref}' in the project.`, {
        retryable: false,
      });
    if (wf.archived) {
      // A child this task started before the archive is resumed; an archived workflow starts no new one.
      const started = await runs.findByIdempotencyKey(db, parent.orgId, wf.id, link.idempotencyKey);
      if (!started)
        throw new TaskFailedError(
          'workflow_archived',
          `Task '${link.parentTaskKey}': workflow '${ref}' is archived; restore it to start it.`,
          {
            retryable: false,
          },
        );
      await onChild?.(started.id);
      return { id: started.id, outcome: await this.resumeChild(parent, started.id, signal) };
    }
    const childInput = input && typeof input === 'object' && !Array.isArray(input) ? (input as Record<string, unknown>) : { value: input };
    const id = randomUUID();
    const inserted = await runs.insertRun(db, {
      id,
      orgId: parent.orgId,
      workflowId: wf.id,
      workflowVersion: wf.version,
      trigger: link.trigger,
      input: childInput,
      tasks: wf.definition.tasks,
      parentRunId: parent.id,
      parentTaskKey: link.parentTaskKey,
      parentChunkIndex: link.parentChunkIndex ?? null,
      idempotencyKey: link.idempotencyKey,
      status: 'RUNNING',
      leaseOwner: this.owner,
      leaseMs: leases.leaseMs,
    });
    if (!inserted) {
      const existing = await runs.findByIdempotencyKey(db, parent.orgId, wf.id, link.idempotencyKey);
      if (!existing) throw new Error('child run conflict without a run');
      await onChild?.(existing.id);
      return { id: existing.id, outcome: await this.resumeChild(parent, existing.id, signal) };
    }
    await onChild?.(id);
    const tasks = await runs.loadTasks(db, parent.orgId, id);
    const claimed: runs.ClaimedRun = {
      id,
      orgId: parent.orgId,
      workflowId: wf.id,
      workflowVersion: wf.version,
      input: childInput,
      parentRunId: parent.id,
      tasks,
    };
    return { id, outcome: await this.execute(claimed, signal) };
  }

  /** A child that already exists (its parent is being resumed): its recorded outcome, or take it over and run it on. */
  private async resumeChild(parent: runs.ClaimedRun, childId: string, signal: AbortSignal): Promise<RunOutcome> {
    const { db, leases } = this.deps;
    const claimed = await runs.claimChild(db, parent.orgId, childId, this.owner, leases.leaseMs);
    if (claimed) return this.execute(claimed, signal);
    const row = await runs.getRunState(db, parent.orgId, childId);
    if (!row) throw new Error(`child run ${childId} vanished`);
    if (row.status === 'SUCCEEDED' || row.status === 'FAILED') return { status: row.status, output: row.output, error: row.error };
    if (row.status === 'CANCELLED') return { status: 'FAILED', output: null, error: row.error };
    // Still waiting (the parent was woken by another of its tasks): the parent's task waits on.
    if (row.status === 'WAITING') return { status: 'WAITING', output: null, error: null };
    // Unfinished but not ours to take: we no longer hold the parent.
    throw new LeaseLostError(parent.id);
  }
}

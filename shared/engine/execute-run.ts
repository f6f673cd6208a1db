/**
 * Executes a claimed run: its tasks in order, each TaskRun's transitions recorded, the run ended
 * SUCCEEDED or FAILED with the failing task's error. Tasks already SUCCEEDED (a resumed run) are
 * not executed again; their outputs feed later steps.
 *
 * Nested runs (WorkflowRef tasks and chunks whose `each` is a workflow) are committed first, with
 * the parent task or chunk id as idempotency key so a resumed parent never starts a second child,
 * and then executed inline by the same worker.
 */
import { randomUUID } from 'node:crypto';
import type { Operation, OperationContext } from '../adapters/adapter';
import type { AdapterRegistry } from '../adapters/resolve-adapter';
import type { Db } from '../db/db';
import { TaskFailedError, toStoredError, type StoredError } from '../domain/errors';
import { mapValue } from '../domain/expressions';
import type { TaskDefinition, WorkflowDefinition } from '../domain/workflow-definition';
import type { Logger } from '../logger';
import * as runs from '../store/runs';
import { findWorkflowRef, getExecutableVersion } from '../store/workflows';
import { chunkedDispatch } from './chunked-dispatch';
import type { ConnectorDirectory } from './connectors';

export interface ExecutorDeps {
  db: Db;
  registry: AdapterRegistry;
  connectors: ConnectorDirectory;
  logger: Logger;
  workerId: string;
}

export interface RunOutcome {
  status: 'SUCCEEDED' | 'FAILED';
  output: unknown;
  error: StoredError | null;
}

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

export class RunExecutor {
  // Versions are immutable, so a definition read once is good forever.
  private readonly definitions = new Map<string, { projectId: string; definition: WorkflowDefinition }>();

  constructor(private readonly deps: ExecutorDeps) {}

  private async version(orgId: string, workflowId: string, version: number) {
    const key = `${orgId}/${workflowId}@${version}`;
    let v = this.definitions.get(key);
    if (!v) {
      const found = await getExecutableVersion(this.deps.db, orgId, workflowId, version);
      if (!found) throw new TaskFailedError('workflow_version_missing', `Workflow ${workflowId} version ${version} does not exist.`, { retryable: false });
      v = found;
      if (this.definitions.size >= MAX_CACHED_DEFINITIONS) this.definitions.delete(this.definitions.keys().next().value as string);
      this.definitions.set(key, v);
    }
    return v;
  }

  /** Runs every task of a claimed run and records the outcome. */
  async execute(run: runs.ClaimedRun, signal: AbortSignal): Promise<RunOutcome> {
    const { db, logger } = this.deps;
    const log = logger.child({ runId: run.id, orgId: run.orgId });
    let outcome: RunOutcome;
    try {
      outcome = await this.executeTasks(run, signal, log);
    } catch (err) {
      // Loading the definition or an output mapping failed: the run fails with that error.
      outcome = { status: 'FAILED', output: null, error: toStoredError(err) };
    }
    await runs.finishRun(db, run.orgId, run.id, outcome.status, outcome.output, outcome.error);
    log.debug({ status: outcome.status }, 'run finished');
    return outcome;
  }

  private async executeTasks(run: runs.ClaimedRun, signal: AbortSignal, log: Logger): Promise<RunOutcome> {
    const { db } = this.deps;
    const { projectId, definition } = await this.version(run.orgId, run.workflowId, run.workflowVersion);
    const steps: Record<string, unknown> = {};
    const context = { input: run.input, steps, run: { id: run.id } };
    let last: unknown = null;
    for (const state of run.tasks) {
      const task = definition.tasks[state.position];
      if (!task || task.key !== state.key) throw new TaskFailedError('definition_mismatch', `Task ${state.key} is not in the run's workflow version.`, { retryable: false });
      if (state.status === 'SUCCEEDED') {
        steps[task.key] = state.output;
        last = state.output;
        continue;
      }
      await runs.startTask(db, run.orgId, state.id);
      try {
        const output = await this.runTask(run, projectId, task, state.id, context, signal, log);
        await runs.finishTask(db, run.orgId, state.id, 'SUCCEEDED', output, null);
        steps[task.key] = output;
        last = output;
      } catch (err) {
        const error = toStoredError(err, task.key);
        log.info({ taskKey: task.key, code: error.code }, 'task failed');
        await runs.finishTask(db, run.orgId, state.id, 'FAILED', null, error);
        return { status: 'FAILED', output: null, error };
      }
    }
    const output = definition.output ? await mapValue(definition.output, context, 'output') : last;
    return { status: 'SUCCEEDED', output, error: null };
  }

  private async operation(orgId: string, projectId: string, connectorName: string, operation: string, taskKey: string): Promise<Operation> {
    const connector = await this.deps.connectors.find(orgId, projectId, connectorName);
    if (!connector) throw new TaskFailedError('connector_not_found', `Task '${taskKey}': no connector named '${connectorName}'.`, { retryable: false });
    const adapter = this.deps.registry.getAdapter(connector);
    const op = adapter.operations[operation];
    if (!op) throw new TaskFailedError('operation_not_found', `Task '${taskKey}': connector '${connectorName}' has no operation '${operation}'.`, { retryable: false });
    return op;
  }

  private parseInput(op: Operation, input: unknown, taskKey: string): unknown {
    const parsed = op.input.safeParse(input);
    if (!parsed.success) {
      const why = parsed.error.issues.map((i: { path: PropertyKey[]; message: string }) => `${i.path.join('.') || '(input)'}: ${i.message}`).join('; ');
      throw new TaskFailedError('invalid_operation_input', `Task '${taskKey}': invalid input: ${why}`, { retryable: false });
    }
    return parsed.data;
  }

  private opContext(taskKey: string, idempotencyKey: string, context: Record<string, unknown>, signal: AbortSignal, log: Logger): OperationContext {
    return { signal, idempotencyKey, logger: log.child({ taskKey }), taskKey, expressionContext: context };
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
    switch (task.type) {
      case 'atomic': {
        const op = await this.operation(run.orgId, projectId, task.connector, task.operation, task.key);
        if (op.kind !== 'call') throw new TaskFailedError('operation_kind', `Task '${task.key}': '${task.operation}' is a generator.`, { retryable: false });
        const input = this.parseInput(op, await mapValue(task.input ?? {}, context, task.key), task.key);
        return op.run(input, this.opContext(task.key, taskRunId, context, signal, log));
      }
      case 'workflow': {
        const input = await mapValue(task.input ?? {}, context, task.key);
        const child = await this.runChild(run, projectId, task.workflow, input, { parentTaskKey: task.key, idempotencyKey: `task:${taskRunId}`, trigger: 'workflow' }, signal);
        await runs.setTaskChild(this.deps.db, run.orgId, taskRunId, child.id);
        if (child.outcome.status !== 'SUCCEEDED') throw new ChildRunFailed(child.id, child.outcome.error);
        return child.outcome.output;
      }
      case 'chunked': {
        const gen = await this.operation(run.orgId, projectId, task.generator.connector, task.generator.operation, task.key);
        if (gen.kind !== 'generator') throw new TaskFailedError('operation_kind', `Task '${task.key}': '${task.generator.operation}' is not a generator.`, { retryable: false });
        const genInput = this.parseInput(gen, await mapValue(task.generator.input ?? {}, context, task.key), task.key);
        const records = gen.generate(genInput, this.opContext(task.key, taskRunId, context, signal, log));
        const each = task.each;
        const eachOp = 'operation' in each ? await this.operation(run.orgId, projectId, each.connector, each.operation, task.key) : null;
        return chunkedDispatch({
          db: this.deps.db,
          orgId: run.orgId,
          runId: run.id,
          taskRunId,
          task,
          records,
          context,
          signal,
          runChunk: async (chunk) => {
            if (eachOp) {
              if (eachOp.kind !== 'call') throw new TaskFailedError('operation_kind', `Task '${task.key}': each operation is a generator.`, { retryable: false });
              const input = this.parseInput(eachOp, chunk.input, task.key);
              const output = await eachOp.run(input, this.opContext(task.key, chunk.id, { ...context, record: chunk.record }, signal, log));
              return { output, childRunId: null };
            }
            const child = await this.runChild(
              run,
              projectId,
              (each as { workflow: string }).workflow,
              chunk.input,
              { parentTaskKey: task.key, parentChunkIndex: chunk.index, idempotencyKey: `chunk:${chunk.id}`, trigger: 'chunk' },
              signal,
            );
            if (child.outcome.status !== 'SUCCEEDED') throw new ChildRunFailed(child.id, child.outcome.error);
            return { output: child.outcome.output, childRunId: child.id };
          },
        });
      }
    }
  }

  /** Commits a child run (claimed by this worker at birth), then executes it inline. */
  private async runChild(
    parent: runs.ClaimedRun,
    projectId: string,
    ref: string,
    input: unknown,
    link: { parentTaskKey: string; parentChunkIndex?: number; idempotencyKey: string; trigger: 'workflow' | 'chunk' },
    signal: AbortSignal,
  ): Promise<{ id: string; outcome: RunOutcome }> {
    const { db, workerId } = this.deps;
    const wf = await findWorkflowRef(db, parent.orgId, projectId, ref);
    if (!wf) throw new TaskFailedError('workflow_not_found', `Task '${link.parentTaskKey}': no workflow '${ref}' in the project.`, { retryable: false });
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
      leaseOwner: workerId,
    });
    if (!inserted) {
      const existing = await runs.findByIdempotencyKey(db, parent.orgId, wf.id, link.idempotencyKey);
      if (!existing) throw new Error('child run conflict without a run');
      return { id: existing.id, outcome: await this.resumeChild(parent.orgId, existing.id, signal) };
    }
    const tasks = await runs.loadTasks(db, parent.orgId, id);
    const claimed: runs.ClaimedRun = { id, orgId: parent.orgId, workflowId: wf.id, workflowVersion: wf.version, input: childInput, parentRunId: parent.id, tasks };
    return { id, outcome: await this.execute(claimed, signal) };
  }

  /** A child that already exists (its parent is being resumed): its recorded outcome, or run it on. */
  private async resumeChild(orgId: string, childId: string, signal: AbortSignal): Promise<RunOutcome> {
    const row = await runs.getRunState(this.deps.db, orgId, childId);
    if (!row) throw new Error(`child run ${childId} vanished`);
    if (row.status === 'SUCCEEDED' || row.status === 'FAILED') return { status: row.status, output: row.output, error: row.error };
    if (row.status === 'CANCELLED') return { status: 'FAILED', output: null, error: row.error };
    const tasks = await runs.loadTasks(this.deps.db, orgId, childId);
    return this.execute({ id: childId, orgId, workflowId: row.workflowId, workflowVersion: row.workflowVersion, input: row.input, parentRunId: row.parentRunId, tasks }, signal);
  }
}

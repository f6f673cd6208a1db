/**
 * Testing one step from the editor (issue #20). A test is an ordinary run, committed before it
 * executes and executed by a worker through the same adapter factory, connector limits, retry and
 * timeout policy and outbound network policy as any run; what differs is what the row carries
 * (`trigger = 'test'`, `test_step`): a one-task definition made from the draft's task (or the
 * latest version's when there is no draft), so it has no needs, condition, handlers, onFailure,
 * output mapping or concurrency limit. It therefore starts nothing else and takes no slot of the
 * workflow's concurrency limit; connector `maxInFlight` slots it does take, as they protect the
 * external system. Only `atomic` tasks can be tested: a workflow task would start a child run and
 * a chunked task a batch of them.
 */
import { randomUUID } from 'node:crypto';
import type { Operation } from '../adapters/adapter';
import { findOperation } from '../connectors/connector-lookup';
import type { Principal } from '../domain/principal';
import { NotFoundError, ValidationError, type FieldIssue } from '../domain/errors';
import { mapValue } from '../domain/expressions';
import type { AtomicTask, WorkflowDefinition } from '../domain/workflow-definition';
import type { DraftPins, TestStep, TestStepData } from '../domain/test-step';
import type { Platform } from '../platform';
import { appendAudit } from '../store/audit';
import * as drafts from '../store/workflow-drafts';
import { insertRun } from '../store/runs';
import { getRunWithTasks } from '../store/run-views';
import { getWorkflow } from '../store/workflows';
import { currentTraceParent } from '../observability/tracing';
import { refuseScopedWriter } from './workflows-service';

/** What this module uses of the platform (not the whole of it). */
export type TestStepDeps = Pick<Platform, 'connectors' | 'db' | 'logger' | 'queue' | 'registry'>;

/** What `testStep` answers: the committed test run and where its task and data came from. */
export interface TestStepAccepted {
  id: string;
  status: 'PENDING';
  workflowId: string;
  taskKey: string;
  source: 'draft' | 'version';
  workflowVersion: number;
  data: 'body' | 'pin' | 'none';
}

const isEmpty = (d: TestStepData) =>
  d.input === undefined && d.steps === undefined && d.operationInput === undefined && d.fromRunId === undefined;

/**
 * The data of an earlier run of the workflow: its input, and the outputs its tasks left for later
 * steps (a succeeded task's, or a failed one's that the run went on with); given entries win.
 */
async function withRunData(p: TestStepDeps, who: Principal, workflowId: string, data: TestStepData): Promise<TestStepData> {
  if (data.fromRunId === undefined) return data;
  const found = await getRunWithTasks(p.db, who.orgId, data.fromRunId);
  if (!found || found.run.workflowId !== workflowId) {
    throw new ValidationError(
      'The run to take the test data from was not found.',
      [{ path: 'fromRunId', message: `no run ${data.fromRunId} of workflow ${workflowId}` }],
      'invalid_test_input',
    );
  }
  const steps = Object.fromEntries(
    found.tasks.filter((t) => (t.status === 'SUCCEEDED' || t.status === 'FAILED') && t.output !== null).map((t) => [t.key, t.output]),
  );
  const input = found.run.input && typeof found.run.input === 'object' ? (found.run.input as Record<string, unknown>) : {};
  return {
    input: { ...input, ...data.input } as TestStepData['input'],
    steps: { ...steps, ...data.steps } as TestStepData['steps'],
  };
}

function issuesOf(op: Operation, value: unknown): FieldIssue[] | null {
  const parsed = op.input.safeParse(value);
  if (parsed.success) return null;
  return parsed.error.issues.map((i: { path: PropertyKey[]; message: string }) => ({
    path: ['operationInput', ...i.path.map(String)].join('.'),
    message: i.message,
  }));
}

/** The tested task alone: no needs, condition or trigger rule, and none of the workflow-level hooks. */
function oneTaskDefinition(def: WorkflowDefinition, task: AtomicTask): WorkflowDefinition {
  const { needs: _needs, when: _when, runAfter: _runAfter, onError: _onError, ...alone } = task;
  return { name: def.name, tasks: [alone] };
}

/**
 * Commits a test run of one task and enqueues it. Refuses, changing nothing, when the task does not
 * exist, is not atomic, its connector or operation cannot be found, its mapping fails on the data,
 * or the mapped input fails the operation's own validation.
 */
export async function testStep(
  p: TestStepDeps,
  who: Principal,
  workflowId: string,
  taskKey: string,
  body: TestStepData,
): Promise<TestStepAccepted> {
  refuseScopedWriter(who);
  const wf = await getWorkflow(p.db, who.orgId, workflowId);
  if (!wf) throw new NotFoundError('workflow', workflowId);
  const draft = await drafts.getDraft(p.db, who.orgId, workflowId);
  const def = draft?.definition ?? wf.definition;
  const task = def.tasks.find((t) => t.key === taskKey);
  if (!task) throw new NotFoundError('task', taskKey);
  if (task.type !== 'atomic') {
    throw new ValidationError(
      `Task '${taskKey}' cannot be tested on its own.`,
      [{ path: 'key', message: `is a ${task.type} task; only atomic tasks (one operation) can be tested, since the others start runs` }],
      'task_not_testable',
    );
  }
  let data: TestStepData = body;
  let source: TestStepAccepted['data'] = 'body';
  if (isEmpty(body)) {
    const pin = (draft ? ((await drafts.getPins(p.db, who.orgId, workflowId)) ?? {}) : {})[taskKey] as TestStepData | undefined;
    data = pin ?? {};
    source = pin ? 'pin' : 'none';
  }

  const fromRunId = data.fromRunId;
  data = await withRunData(p, who, workflowId, data);

  const found = await findOperation(p.registry, p.connectors, who.orgId, wf.projectId, task.connector, task.operation);
  if ('problem' in found) {
    throw new ValidationError(
      `Task '${taskKey}' cannot be tested.`,
      [{ path: 'connector', message: found.problem }],
      'operation_unavailable',
    );
  }
  if (found.operation.kind !== 'call') {
    throw new ValidationError(
      `Task '${taskKey}' cannot be tested.`,
      [{ path: 'operation', message: `'${task.operation}' is a generator; an atomic task needs a call operation` }],
      'operation_unavailable',
    );
  }
  const id = randomUUID();
  const steps = data.steps ?? {};
  let operationInput: unknown = data.operationInput;
  if (operationInput === undefined) {
    try {
      operationInput = await mapValue(task.input ?? {}, { input: data.input ?? {}, steps, run: { id } }, taskKey);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      throw new ValidationError(
        `Task '${taskKey}': its input mapping failed on the test data.`,
        [{ path: 'input', message }],
        'invalid_test_input',
      );
    }
  }
  const issues = issuesOf(found.operation, operationInput);
  if (issues)
    throw new ValidationError(`Task '${taskKey}': the input fails the operation's validation.`, issues, 'invalid_operation_input');

  const testStep: TestStep = {
    definition: oneTaskDefinition(def, task),
    steps,
    ...(data.operationInput !== undefined ? { operationInput: data.operationInput } : {}),
  };
  await p.db.tx(async (q) => {
    await insertRun(q, {
      id,
      orgId: who.orgId,
      workflowId,
      workflowVersion: wf.version,
      trigger: 'test',
      input: data.input ?? {},
      tasks: [{ key: task.key, type: task.type }],
      testStep,
    });
    await appendAudit(q, {
      orgId: who.orgId,
      actor: who.actor,
      source: who.source ?? null,
      action: 'run.test',
      targetType: 'run',
      targetId: id,
      diff: { workflowId, taskKey, source: draft ? 'draft' : 'version', data: source, ...(fromRunId ? { fromRunId } : {}) },
    });
  });
  try {
    const traceparent = currentTraceParent();
    await p.queue.enqueue({ runId: id, orgId: who.orgId, enqueuedAt: Date.now(), ...(traceparent ? { traceparent } : {}) });
  } catch (err) {
    // Committed but not queued: the recovery sweep enqueues it, as for any run.
    p.logger.warn({ err, runId: id }, 'enqueue of a step test failed; the recovery sweep will enqueue it');
  }
  return { id, status: 'PENDING', workflowId, taskKey, source: draft ? 'draft' : 'version', workflowVersion: wf.version, data: source };
}

/** The test data pinned per task with a workflow's draft; 404 `workflow_draft_not_found` without a draft. */
export async function getPins(p: TestStepDeps, who: Principal, workflowId: string): Promise<DraftPins> {
  const pins = await drafts.getPins(p.db, who.orgId, workflowId);
  if (pins === null) throw new NotFoundError('workflow draft', workflowId);
  return { pins: pins as DraftPins['pins'] };
}

/** Replaces the pins of a workflow's draft; each must name an atomic task of the draft. */
export async function putPins(p: TestStepDeps, who: Principal, workflowId: string, pins: DraftPins['pins']): Promise<DraftPins> {
  refuseScopedWriter(who);
  await p.db.tx(async (q) => {
    const draft = await drafts.getDraft(q, who.orgId, workflowId, true);
    if (!draft) throw new NotFoundError('workflow draft', workflowId);
    const issues: FieldIssue[] = [];
    for (const key of Object.keys(pins)) {
      const task = draft.definition.tasks.find((t) => t.key === key);
      if (!task) issues.push({ path: `pins.${key}`, message: 'the draft has no task with this key' });
      else if (task.type !== 'atomic')
        issues.push({ path: `pins.${key}`, message: `is a ${task.type} task; only atomic tasks can be tested` });
    }
    if (issues.length) throw new ValidationError('The pins name tasks the draft cannot test.', issues, 'invalid_pins');
    await drafts.putPins(q, who.orgId, workflowId, pins);
    await appendAudit(q, {
      orgId: who.orgId,
      actor: who.actor,
      source: who.source ?? null,
      action: 'workflow.draft.pins',
      targetType: 'workflow',
      targetId: workflowId,
      diff: { tasks: Object.keys(pins).sort() },
    });
  });
  return { pins };
}

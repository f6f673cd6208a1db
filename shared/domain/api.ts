/**
 * API bodies, declared once: handlers validate with them, TypeScript types come from them and the
 * OpenAPI document is generated from them.
 */
import { z } from 'zod';
import { WorkflowDefinition } from './workflow-definition';

export const RunStatus = z.enum(['PENDING', 'RUNNING', 'WAITING', 'SUCCEEDED', 'FAILED', 'CANCELLED']);
export type RunStatus = z.infer<typeof RunStatus>;

/** A task's status: a run's, plus SKIPPED (its `when` was false, or the trigger rule skipped it). */
export const TaskStatus = z.enum(['PENDING', 'RUNNING', 'WAITING', 'SUCCEEDED', 'FAILED', 'SKIPPED', 'CANCELLED']);

export const StoredErrorSchema = z
  .object({ code: z.string(), message: z.string(), retryable: z.boolean(), taskKey: z.string().optional() })
  .describe('An error recorded on a run, task or chunk.');

export const Problem = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().optional(),
    code: z.string().describe('Stable machine-readable error code.'),
    instance: z.string().optional(),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  })
  .describe('RFC 9457 problem details.');

export const WorkflowView = z.object({
  id: z.uuid(),
  name: z.string(),
  projectId: z.uuid(),
  version: z.number().int().describe('The version shown (the latest, or the one asked for with `?version=N`).'),
  definition: WorkflowDefinition,
  createdAt: z.iso.datetime().describe('When the workflow (version 1) was created.'),
  updatedAt: z.iso.datetime().describe('When the workflow last changed (its latest version was saved).'),
  versionCreatedAt: z.iso.datetime().describe('When the version shown was saved.'),
  versionCreatedBy: z.string().describe('Who saved the version shown (user object id, API key id or `system`).'),
  latestVersion: z
    .number()
    .int()
    .describe(
      'The newest version. When `version` is older, saving this definition (PUT) makes it the newest version again: that is how an old version is restored.',
    ),
});
export type WorkflowView = z.infer<typeof WorkflowView>;

export const WorkflowSummary = z.object({
  id: z.uuid(),
  name: z.string(),
  projectId: z.uuid(),
  version: z.number().int(),
  description: z.string().optional(),
  taskCount: z.number().int(),
  updatedAt: z.iso.datetime(),
  lastRun: z.object({ id: z.uuid(), status: RunStatus, createdAt: z.iso.datetime() }).nullable(),
  archived: z.boolean().optional().describe('Present (true) on an archived workflow, listed only with includeArchived=true.'),
});
export const WorkflowList = z.object({ items: z.array(WorkflowSummary) });

export const WorkflowVersionSummary = z.object({ version: z.number().int(), createdAt: z.iso.datetime(), createdBy: z.string() });
export const WorkflowVersionList = z.object({ items: z.array(WorkflowVersionSummary) });

export const TriggerRunBody = z.strictObject({
  input: z.record(z.string(), z.json()).default({}).describe('The run input, a JSON object.'),
});

export const RunAccepted = z.object({ id: z.uuid(), status: RunStatus });

export const ChunkProgress = z.object({
  total: z.number().int(),
  succeeded: z.number().int(),
  failed: z.number().int(),
  running: z.number().int(),
});

/** One failed attempt of a task (a retry, or an earlier attempt of a rerun run). */
export const AttemptRecord = z
  .object({
    attempt: z.number().int(),
    error: StoredErrorSchema.nullable(),
    startedAt: z.string().nullable(),
    finishedAt: z.string().nullable(),
  })
  .describe('A failed attempt of a task.');

/** Language-model tokens spent (cognitive `model` connector calls). */
export const ModelUsage = z
  .object({ inputTokens: z.number().int(), outputTokens: z.number().int(), calls: z.number().int() })
  .describe('Language-model token usage.');

export const TaskRunView = z.object({
  key: z.string(),
  type: z.enum(['atomic', 'workflow', 'chunked', 'wait', 'approval']),
  status: TaskStatus,
  needs: z.array(z.string()).optional().describe('The tasks this one waits for (resolved: an omitted `needs` is the task before it).'),
  runAfter: z
    .enum(['success', 'failure', 'always'])
    .optional()
    .describe("When it runs once its needs ended; 'failure' marks a failure handler, 'always' a finally."),
  onError: z.enum(['fail', 'continue']).optional(),
  handled: z
    .boolean()
    .optional()
    .describe(
      'On a FAILED task: true when the failure is handled (onError: continue, or a runAfter: failure task that needs it succeeded).',
    ),
  attempts: z.number().int(),
  output: z.json().nullable(),
  error: StoredErrorSchema.nullable(),
  childRunId: z.uuid().nullable(),
  startedAt: z.iso.datetime().nullable(),
  finishedAt: z.iso.datetime().nullable(),
  chunks: ChunkProgress.optional(),
  attemptLog: z.array(AttemptRecord).optional().describe('Failed attempts of this task, oldest first.'),
  modelUsage: ModelUsage.optional().describe('Language-model tokens this task spent (model connector calls, retries included).'),
});

/** What one rerun chose, recorded with the attempt it started. */
export const RunRetryRecord = z
  .object({
    attempt: z.number().int(),
    workflowVersion: z.number().int().describe('The version this attempt runs.'),
    previousVersion: z.number().int().describe('The version the attempt before it ran.'),
    inputEdited: z.boolean(),
    fromTask: z.string().nullable(),
    renewedTasks: z.array(z.string()).describe('Tasks that ran again under a new idempotency key.'),
    requestedBy: z.string().describe('`type:id` of the actor.'),
    requestedAt: z.iso.datetime(),
    bulkActionId: z.uuid().nullable().describe('The bulk retry this rerun was part of.'),
  })
  .describe('A rerun of a run.');

/** Why a run has not started, or why its worker went silent (GET /api/runs/{id}). */
export const RunWaiting = z
  .object({
    reason: z.enum(['queued', 'concurrency_limit', 'connector_limit', 'inside_parent', 'worker_lost']),
    message: z.string().describe('The explanation as one sentence, for people.'),
    queuePosition: z.number().int().optional().describe('queued: 1 + the PENDING runs of the organisation created before it.'),
    heldBy: z.array(z.uuid()).optional().describe('concurrency_limit, connector_limit: the runs holding the slots it needs.'),
    limit: z.number().int().optional(),
    connector: z
      .string()
      .optional()
      .describe("connector_limit: the connector whose `maxInFlight` is full (the run is RUNNING, its task's call waits)."),
    task: z.string().optional().describe('connector_limit: the task whose call waits.'),
    leaseOwner: z.string().nullable().optional().describe('worker_lost: the worker that held the run.'),
    leaseExpiresAt: z.iso.datetime().nullable().optional(),
  })
  .describe('Why the run is waiting.');
export const RunTriggerSchema = z
  .enum(['http', 'schedule', 'workflow', 'chunk', 'event', 'test'])
  .describe("What started the run; 'test' marks a test of one step from the editor (it starts nothing else).");

export const RunView = z.object({
  id: z.uuid(),
  workflowId: z.uuid(),
  workflowName: z.string(),
  workflowVersion: z.number().int(),
  status: RunStatus,
  trigger: RunTriggerSchema,
  input: z.json(),
  output: z.json().nullable(),
  error: StoredErrorSchema.nullable(),
  parentRunId: z.uuid().nullable(),
  createdAt: z.iso.datetime(),
  startedAt: z.iso.datetime().nullable(),
  finishedAt: z.iso.datetime().nullable(),
  attemptStartedAt: z.iso
    .datetime()
    .nullable()
    .describe(
      "When the current attempt started: equals `startedAt` for the first attempt, later after a rerun; null while the attempt waits for a worker. `startedAt` stays the first attempt's start (the total).",
    ),
  attempt: z.number().int().optional().describe('Execution attempt of the run: 1, plus one per rerun from failure.'),
  onFailureOf: z.uuid().nullable().optional().describe("The run whose failure started this one (its workflow's onFailure)."),
  tasks: z.array(TaskRunView),
  modelUsage: ModelUsage.optional().describe("The run's language-model tokens: the sum over its tasks (absent in lists)."),
  retries: z.array(RunRetryRecord).optional().describe('The reruns of this run, oldest first (absent in lists).'),
  waiting: RunWaiting.nullable()
    .optional()
    .describe('For a PENDING run, or a RUNNING run whose worker stopped renewing its lease: why it waits (absent in lists).'),
});
export type RunView = z.infer<typeof RunView>;

export const RunSummary = RunView.omit({ tasks: true, input: true, output: true, modelUsage: true, retries: true, waiting: true });
export const RunList = z.object({ items: z.array(RunSummary), nextCursor: z.string().nullable() });

export const ListRunsQuery = z.strictObject({
  workflowId: z.uuid().optional(),
  status: RunStatus.optional(),
  trigger: RunTriggerSchema.optional().describe("Only runs started this way; 'test' lists the step tests."),
  createdAfter: z.iso
    .datetime({ offset: true })
    .optional()
    .describe('Only runs created at or after this instant (ISO 8601 date-time with `Z` or an offset).'),
  createdBefore: z.iso
    .datetime({ offset: true })
    .optional()
    .describe('Only runs created strictly before this instant. With createdAfter, it must not be earlier (400 `invalid_time_range`).'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional(),
});

export const IdParams = z.object({ id: z.uuid() });

const Check = z
  .object({ status: z.enum(['ok', 'down']), backend: z.string(), latencyMs: z.number() })
  .describe('Why a dependency is down is logged, never answered.');
export const Health = z.object({ status: z.enum(['ok', 'degraded']), checks: z.object({ database: Check, queue: Check }) });

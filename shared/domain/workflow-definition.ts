/**
 * The workflow definition, declared once. Types, request validation and the OpenAPI document
 * all come from these schemas. Semantic checks that need the store (unknown workflow, cycles)
 * live in `shared/engine/check-definition.ts`.
 */
import { z } from 'zod';

/** A task key: an identifier usable in expressions as `steps.<key>`. */
export const TaskKey = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, 'must start with a letter or _ and hold only letters, digits and _ (at most 64)');

/** A workflow name, unique in a project; also how other workflows may refer to it. */
export const WorkflowName = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9 ._-]{0,127}$/, 'must be 1-128 of letters, digits, space, . _ - and start with a letter or digit');

/**
 * Input mapping: any JSON. A string that is exactly `{{ expr }}` takes the value of the JSONata
 * expression; a string with `{{ … }}` inside is interpolated. Context: `{ input, steps, record, run }`.
 */
export const InputMapping = z.record(z.string(), z.json()).describe('Input mapping: JSON with {{ JSONata }} expressions.');

/**
 * Retry policy of a task: up to `maxAttempts` attempts in all; between attempts the worker waits
 * `initialDelayMs` (fixed) or `initialDelayMs * 2^(n-1)` (exponential), capped at `maxDelayMs`,
 * with equal jitter (half the delay fixed, half random) so retries of many runs spread out.
 * Errors marked non-retryable fail the task at once.
 */
export const RetryPolicy = z
  .strictObject({
    maxAttempts: z.number().int().min(1).max(100),
    backoff: z.enum(['fixed', 'exponential']).default('exponential'),
    initialDelayMs: z.number().int().min(0).max(3_600_000).default(1_000),
    maxDelayMs: z.number().int().min(0).max(86_400_000).default(60_000),
  })
  .describe('Retry policy: attempts in all, backoff, first delay and cap (milliseconds), with jitter.');

/** A time limit, enforced by aborting the operation through its AbortSignal. */
export const TimeoutMs = z
  .number()
  .int()
  .min(1)
  .max(86_400_000)
  .describe('Time limit of one attempt in milliseconds; the operation is aborted when it passes.');

/**
 * How a task joins the graph, on every task type. `needs` omitted: the task before it in the
 * list (a list of tasks runs in order); `[]`: it may start when the run starts. Semantics in
 * docs/workflows.md; evaluated by `shared/engine/task-graph.ts`.
 */
const TaskFlow = {
  needs: z
    .array(TaskKey)
    .max(500)
    .optional()
    .describe('Keys of the tasks this one waits for. Omitted: the task before it in the list; [] : none (starts with the run).'),
  when: z
    .string()
    .min(1)
    .max(2_000)
    .optional()
    .describe('JSONata over { input, steps, run }, evaluated when the needs are met; false (by $boolean) skips the task (SKIPPED).'),
  runAfter: z
    .enum(['success', 'failure', 'always'])
    .optional()
    .describe(
      "When the task runs once its needs ended: 'success' (default: no need failed, at least one succeeded), 'failure' (at least one need failed: a handler), 'always' (a finally).",
    ),
  onError: z
    .enum(['fail', 'continue'])
    .optional()
    .describe(
      "'fail' (default): a failure of this task fails the run unless a runAfter: failure task handles it. 'continue': the task ends FAILED with output { error } and the run goes on.",
    ),
};

const ConnectorRef = z.string().min(1).max(128).describe("A connector name in the project, or 'platform'.");
const OperationName = z.string().regex(/^[A-Za-z][A-Za-z0-9_.-]{0,63}$/, 'must be an operation name');

export const AtomicTask = z
  .strictObject({
    key: TaskKey,
    type: z.literal('atomic'),
    connector: ConnectorRef,
    operation: OperationName,
    input: InputMapping.optional(),
    retry: RetryPolicy.optional(),
    timeoutMs: TimeoutMs.optional(),
    ...TaskFlow,
  })
  .describe('AtomicOp: one adapter operation.');

export const WorkflowRefTask = z
  .strictObject({
    key: TaskKey,
    type: z.literal('workflow'),
    workflow: z.string().min(1).max(128).describe('Name or id of a workflow in the same project.'),
    input: InputMapping.optional(),
    timeoutMs: TimeoutMs.optional().describe('Time limit of the child run; it is aborted when it passes.'),
    ...TaskFlow,
  })
  .describe('WorkflowRef: a nested run, committed before it runs and linked to its parent.');

/**
 * Bounds of `collect: true`. The results of a collecting task are held in memory once, when the
 * task ends, and stored as its output (one jsonb value): 16 MiB stays far below PostgreSQL's 1 GB
 * jsonb limit and the worker's heap, and 100,000 records keep the save-time check meaningful.
 */
export const COLLECT_MAX_BYTES = 16 * 1024 * 1024;
export const COLLECT_MAX_RECORDS = 100_000;

const ChunkEachWorkflow = z.strictObject({ workflow: z.string().min(1).max(128), input: InputMapping.optional() });
const ChunkEachOperation = z.strictObject({ connector: ConnectorRef, operation: OperationName, input: InputMapping.optional() });

export const ChunkedTask = z
  .strictObject({
    key: TaskKey,
    type: z.literal('chunked'),
    generator: z.strictObject({ connector: ConnectorRef, operation: OperationName, input: InputMapping.optional() }),
    each: z.union([ChunkEachWorkflow, ChunkEachOperation]).describe('What runs for each record: a workflow or an operation.'),
    concurrency: z.number().int().min(1).max(1024).default(10),
    retry: RetryPolicy.optional().describe('Retry policy of each chunk whose `each` is an operation.'),
    timeoutMs: TimeoutMs.optional().describe('Time limit of each chunk.'),
    collect: z
      .boolean()
      .optional()
      .describe(
        `true: the output holds \`results\`, the output of each record in record order (null for a failed record); refused on save when the generator's literal count passes ${COLLECT_MAX_RECORDS}; a run whose results pass ${COLLECT_MAX_BYTES} bytes fails with collect_too_large.`,
      ),
    onRecordError: z
      .enum(['stop', 'continue'])
      .optional()
      .describe(
        "'stop' (default): the first failed record stops dispatch and fails the task. 'continue': every record runs, failed records are listed in the output and the task succeeds.",
      ),
    ...TaskFlow,
  })
  .describe('ChunkedDispatch: one ChunkRun per generator record, at most `concurrency` in flight.');

/** The longest a wait or approval may wait: a year (durable timers, shared/engine/waits.ts). */
export const WAIT_MAX_MS = 366 * 86_400_000;
const WaitTimeoutMs = z
  .number()
  .int()
  .min(1)
  .max(WAIT_MAX_MS)
  .describe('How long to wait at most (milliseconds, up to a year); then the task ends FAILED with wait_timed_out.');

/**
 * A durable wait: the run is let go (WAITING: no worker, lease or slot) until a signal, an event
 * whose key matches, or a time. Exactly one of `signal`, `event`, `until`, `durationMs` (checked
 * on save with its path, check-definition.ts). Its output is the signal's or event's payload, or
 * `{ resumedAt }` for a time.
 */
export const WaitTask = z
  .strictObject({
    key: TaskKey,
    type: z.literal('wait'),
    signal: z
      .string()
      .regex(/^[A-Za-z0-9_.:-]{1,128}$/, 'must be 1-128 of letters, digits, _ . : -')
      .optional()
      .describe('Wait for POST /api/runs/{id}/signals/{name}; a signal sent earlier is kept and taken by the first matching wait.'),
    event: z
      .string()
      .regex(/^[A-Za-z0-9_.:-]{1,128}$/, 'must be 1-128 of letters, digits, _ . : -')
      .optional()
      .describe('Wait for POST /api/events with this name and a key equal to `match`.'),
    match: z.string().min(1).max(2_000).optional().describe('JSONata over { input, steps, run } giving the event key this run waits for.'),
    until: z.string().min(1).max(2_000).optional().describe('JSONata over { input, steps, run } giving an ISO date-time to wait until.'),
    durationMs: z.number().int().min(0).max(WAIT_MAX_MS).optional().describe('Wait this long (milliseconds, up to a year).'),
    timeoutMs: WaitTimeoutMs.optional(),
    ...TaskFlow,
  })
  .describe('Wait: a durable wait for a signal, an event or a time; the run holds no worker while it waits.');

/** Who may decide an approval: anyone matching one of the lists. */
export const Approvers = z
  .strictObject({
    roles: z
      .array(z.enum(['owner', 'admin', 'editor', 'operator', 'viewer']))
      .max(10)
      .optional(),
    groups: z.array(z.string().min(1).max(128)).max(50).optional().describe('Entra group object ids.'),
    users: z.array(z.string().min(1).max(256)).max(100).optional().describe('User object ids or e-mail addresses.'),
  })
  .describe('Who may decide: members with one of the roles, in one of the groups, or one of the users.');

export const ApprovalTask = z
  .strictObject({
    key: TaskKey,
    type: z.literal('approval'),
    title: z.string().min(1).max(200),
    details: InputMapping.optional().describe('What the approvers see (a mapping over { input, steps, run }).'),
    approvers: Approvers,
    required: z.number().int().min(1).max(100).optional().describe('Distinct approvals needed (default 1); one rejection ends it.'),
    allowRequester: z.boolean().optional().describe('Whether the person who started the run may approve it (default false).'),
    timeoutMs: WaitTimeoutMs.optional(),
    notify: z
      .strictObject({ connector: ConnectorRef, operation: OperationName, input: InputMapping.optional() })
      .optional()
      .describe('An operation called when the approval opens (e.g. mail or Teams) with `approval.link` in its mapping context.'),
    ...TaskFlow,
  })
  .describe('Approval: a human decision (N of M approvers); rejection fails the task with approval_rejected.');

export const TaskDefinition = z.discriminatedUnion('type', [AtomicTask, WorkflowRefTask, ChunkedTask, WaitTask, ApprovalTask]);

/**
 * At most `limit` runs of this workflow at a time; with `key` (a JSONata expression over
 * `{ input }`, e.g. `input.customerId`) at most `limit` per distinct key value. Runs over the
 * limit wait in the queue; they never fail for it.
 */
export const WorkflowConcurrency = z
  .strictObject({
    limit: z.number().int().min(1).max(10_000),
    key: z.string().min(1).max(1_000).optional().describe('JSONata expression over { input } naming the group the limit applies to.'),
  })
  .describe('Concurrency limit of a workflow: runs at a time, overall or per key value.');

/** Tasks of one run executing at once when the definition does not say (`maxParallel`). */
export const DEFAULT_MAX_PARALLEL = 10;

export const WorkflowDefinition = z
  .strictObject({
    name: WorkflowName,
    description: z.string().max(2000).optional(),
    projectId: z.uuid().optional().describe('Project the workflow belongs to; the default project when omitted.'),
    inputSchema: z.record(z.string(), z.json()).optional().describe('JSON Schema (2020-12) the run input must satisfy.'),
    tasks: z.array(TaskDefinition).min(1).max(500),
    concurrency: WorkflowConcurrency.optional(),
    maxParallel: z
      .number()
      .int()
      .min(1)
      .max(100)
      .optional()
      .describe(`Tasks of one run executing at the same time (default ${DEFAULT_MAX_PARALLEL}).`),
    onFailure: z
      .strictObject({
        workflow: z.string().min(1).max(128).describe('Name or id of a workflow in the same project.'),
        input: InputMapping.optional().describe(
          'Its input; the mapping context holds input, steps, run and failure: { runId, task, code, message }.',
        ),
      })
      .optional()
      .describe('A workflow started (as its own run, linked by onFailureOf) when a run of this one ends FAILED.'),
    holdSlotWhileWaiting: z
      .boolean()
      .optional()
      .describe(
        'true: a WAITING run keeps its workflow concurrency slot until the wait ends, the run is cancelled or ends (default: a waiting run holds none).',
      ),
    output: InputMapping.optional().describe(
      "The run's output mapping; when omitted, the output of the last task in the list that succeeded.",
    ),
  })
  .describe('A workflow definition.');

export type WorkflowDefinition = z.infer<typeof WorkflowDefinition>;
export type TaskDefinition = z.infer<typeof TaskDefinition>;
export type AtomicTask = z.infer<typeof AtomicTask>;
export type WorkflowRefTask = z.infer<typeof WorkflowRefTask>;
export type ChunkedTask = z.infer<typeof ChunkedTask>;
export type WaitTask = z.infer<typeof WaitTask>;
export type ApprovalTask = z.infer<typeof ApprovalTask>;
export type TaskType = TaskDefinition['type'];
export type RetryPolicy = z.infer<typeof RetryPolicy>;
export type WorkflowConcurrency = z.infer<typeof WorkflowConcurrency>;
export type RunAfter = NonNullable<TaskDefinition['runAfter']>;

/**
 * Testing one step of a workflow from the editor (issue #20), declared once: the request, the
 * pins kept with a draft, and what a test run row carries for the worker.
 */
import { z } from 'zod';
import { registerSchema } from './schema-registry';
import { TaskKey, type WorkflowDefinition } from './workflow-definition';

const JsonObject = z.record(z.string(), z.json());

/** The data a test starts from: the run input and earlier steps' outputs, or the operation input itself. */
export const TestStepData = z
  .strictObject({
    input: JsonObject.optional().describe('The run input the task mapping reads as `input.*` (default {}).'),
    steps: z
      .record(TaskKey, z.json())
      .optional()
      .describe('Outputs of earlier steps the task mapping reads as `steps.<key>` (default {}), e.g. copied from a previous run.'),
    fromRunId: z
      .uuid()
      .optional()
      .describe(
        "A run of this workflow to take the data from: its input as `input` and its tasks' outputs as `steps` (given `input` or `steps` entries win).",
      ),
    operationInput: JsonObject.optional().describe(
      "The operation's input as given: the task's input mapping is skipped. Exclusive with `input`, `steps` and `fromRunId`.",
    ),
  })
  .refine((d) => d.operationInput === undefined || (d.input === undefined && d.steps === undefined && d.fromRunId === undefined), {
    message: 'operationInput excludes input, steps and fromRunId',
    path: ['operationInput'],
  })
  .describe(
    "What a step test runs with: `input` and `steps` (or a previous run's, `fromRunId`) through the task mapping, or `operationInput` as is.",
  );
export type TestStepData = z.infer<typeof TestStepData>;

export const TestStepParams = z.object({ id: z.uuid(), key: TaskKey });

export const TestStepAccepted = z.object({
  id: z.uuid().describe('The test run: read it with GET /api/runs/{id}.'),
  status: z.literal('PENDING'),
  workflowId: z.uuid(),
  taskKey: z.string(),
  source: z.enum(['draft', 'version']).describe('Whether the task came from the draft or from the latest version.'),
  workflowVersion: z.number().int().describe('The latest version (for a draft: the version the test run is filed under).'),
  data: z.enum(['body', 'pin', 'none']).describe('Where the test data came from.'),
});

export const DraftPins = z
  .object({ pins: z.record(TaskKey, TestStepData).describe('Test data per task key.') })
  .describe('Test data pinned per task, kept with the draft; a draft save drops the pins of tasks it no longer has.');
export type DraftPins = z.infer<typeof DraftPins>;

export const DraftPinsBody = z.strictObject({
  pins: z.record(TaskKey, TestStepData).describe('Test data per task key; replaces all pins.'),
});

/** What a test run row holds for the worker: executed instead of the version's definition. */
export interface TestStep {
  /** A one-task definition: the tested task alone, with no needs, condition, handlers or workflow-level hooks. */
  definition: WorkflowDefinition;
  /** Outputs of earlier steps the task's mapping reads. */
  steps: Record<string, unknown>;
  /** The operation input as given; when present the task's mapping is skipped. */
  operationInput?: Record<string, unknown> | undefined;
}

registerSchema('TestStepData', TestStepData);
registerSchema('TestStepAccepted', TestStepAccepted);
registerSchema('DraftPins', DraftPins);
registerSchema('DraftPinsBody', DraftPinsBody);

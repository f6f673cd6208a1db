/** Bodies of the run actions (cancel, rerun from failure), declared once and registered for OpenAPI. */
import { z } from 'zod';
import { registerSchema } from './schema-registry';
import { RunStatus } from './api';

export const CancelRunResult = z
  .object({
    id: z.uuid(),
    status: RunStatus,
    cancelledRuns: z.number().int().describe('Runs cancelled: the run itself and its unfinished children and chunk runs.'),
  })
  .describe('The outcome of a cancellation.');

export const RetryRunBody = z
  .strictObject({
    version: z
      .enum(['same', 'latest'])
      .default('same')
      .describe("'same' reruns the run's own workflow version; 'latest' the latest published version (replay after a fix)."),
    input: z
      .record(z.string(), z.json())
      .optional()
      .describe('An edited input, checked against the input schema of the version the rerun uses. Omitted: the run keeps its input.'),
    fromTask: z
      .string()
      .min(1)
      .max(200)
      .optional()
      .describe(
        'Run again from this task: it and every task that needs it run again; the outputs of the tasks it needs come from the last attempt.',
      ),
  })
  .describe('Options of a rerun. All omitted: rerun from the first task that did not succeed, same version and input.');

export const RetryRunResult = z
  .object({
    id: z.uuid().describe('The same run: a rerun is a new attempt of it.'),
    status: RunStatus,
    attempt: z.number().int().describe('The attempt now queued (1 is the first execution).'),
    workflowVersion: z.number().int().optional().describe('The workflow version the attempt runs.'),
    fromTask: z.string().nullable().optional(),
    inputEdited: z.boolean().optional(),
    renewedTasks: z
      .array(z.string())
      .optional()
      .describe('Tasks that run again under a new idempotency key (their definition or the input changed; docs/reliability.md).'),
  })
  .describe('A rerun: tasks whose outputs are kept are not executed again; the others run as the next attempt of the same run.');

registerSchema('CancelRunResult', CancelRunResult);
registerSchema('RetryRunBody', RetryRunBody);
registerSchema('RetryRunResult', RetryRunResult);

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

export const BulkRetryFilter = z
  .strictObject({
    workflowId: z.uuid().optional(),
    status: z
      .array(z.enum(['FAILED', 'CANCELLED']))
      .min(1)
      .max(2)
      .optional()
      .describe("Run statuses to select; default ['FAILED']."),
    createdAfter: z.iso.datetime({ offset: true }).optional().describe('Runs created at or after this instant.'),
    createdBefore: z.iso.datetime({ offset: true }).optional().describe('Runs created strictly before this instant.'),
    errorCode: z.string().min(1).max(200).optional().describe("The run error's `code`."),
  })
  .describe('Which top-level runs a bulk retry selects (child runs rerun with their parent).');

export const BulkRetryBody = z
  .strictObject({
    filter: BulkRetryFilter,
    options: RetryRunBody.omit({ input: true }).optional().describe('The rerun options applied to each run (no edited input in bulk).'),
    preview: z.boolean().default(false).describe('true: only count the runs the filter selects (200 BulkRetryPreview); nothing changes.'),
    expectedCount: z
      .number()
      .int()
      .min(1)
      .optional()
      .describe('Required to start: the count the preview answered. 409 `bulk_preview_stale` when the filter now selects another number.'),
  })
  .describe('Preview, then start, a bulk retry.');

export const BulkRetryPreview = z.object({
  matched: z.number().int().describe('Runs the filter selects now (at most `limit`).'),
  overLimit: z.boolean().describe('The filter selects more than `limit` runs: starting is refused (422 `bulk_too_large`).'),
  limit: z.number().int().describe('The most runs one bulk retry may select.'),
});

export const BulkRunAction = z
  .object({
    id: z.uuid(),
    kind: z.literal('retry'),
    status: z.enum(['RUNNING', 'SUCCEEDED', 'FAILED']),
    filter: z.record(z.string(), z.json()),
    options: z.record(z.string(), z.json()),
    total: z.number().int().describe('Runs selected when the action started.'),
    done: z.number().int().describe('Runs handled so far (retried or skipped).'),
    retried: z.number().int(),
    skipped: z.number().int().describe('Runs no longer retryable when their turn came (retried meanwhile, or refused by the options).'),
    error: z.json().nullable(),
    createdBy: z.string(),
    createdAt: z.iso.datetime(),
    finishedAt: z.iso.datetime().nullable(),
  })
  .describe('A bulk retry and its progress.');

registerSchema('BulkRetryBody', BulkRetryBody);
registerSchema('BulkRetryPreview', BulkRetryPreview);
registerSchema('BulkRunAction', BulkRunAction);

export const WorkflowArchiveState = z
  .object({ id: z.uuid(), archived: z.boolean() })
  .describe('Whether the workflow is archived: an archived workflow starts no run and is left out of lists unless asked for.');
registerSchema('WorkflowArchiveState', WorkflowArchiveState);

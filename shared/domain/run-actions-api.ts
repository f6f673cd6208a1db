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

export const RetryRunResult = z
  .object({
    id: z.uuid().describe('The same run: a rerun is a new attempt of it.'),
    status: RunStatus,
    attempt: z.number().int().describe('The attempt now queued (1 is the first execution).'),
  })
  .describe('A rerun from failure: tasks that succeeded keep their outputs; the run resumes at the first task that did not.');

registerSchema('CancelRunResult', CancelRunResult);
registerSchema('RetryRunResult', RetryRunResult);

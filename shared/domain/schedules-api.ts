/** Schedule bodies, declared once: validation, types and the OpenAPI document come from these. */
import { z } from 'zod';
import { registerSchema } from './schema-registry';

/** Five-field cron (minute hour day-of-month month day-of-week); the timer fires at minute granularity. */
export const CronExpression = z
  .string()
  .min(9)
  .max(200)
  .describe('Cron expression with five fields: minute hour day-of-month month day-of-week (e.g. `0 9 * * 1-5`).');

export const TimeZone = z.string().min(1).max(64).describe('IANA time zone the cron expression is read in, e.g. `Europe/Berlin`.');

export const ScheduleBody = z
  .strictObject({
    cron: CronExpression,
    timezone: TimeZone.default('UTC'),
    input: z.record(z.string(), z.json()).default({}).describe('The input of every run the schedule starts.'),
    enabled: z.boolean().default(true),
    catchUp: z
      .enum(['skip', 'all'])
      .default('skip')
      .describe(
        'Fire times missed while Demiton was down: `skip` them (only a fire due within the last two minutes runs), or run `all` (the most recent 100 at most).',
      ),
  })
  .describe('A schedule: when to start runs of the workflow, and with what input.');
export type ScheduleBody = z.output<typeof ScheduleBody>;

export const ScheduleView = z.object({
  id: z.uuid(),
  workflowId: z.uuid(),
  cron: z.string(),
  timezone: z.string(),
  input: z.json(),
  enabled: z.boolean(),
  catchUp: z.enum(['skip', 'all']),
  nextFireAt: z.iso.datetime().nullable(),
  lastFireAt: z.iso.datetime().nullable().describe('The newest fire time this schedule has fired for.'),
  lastRunId: z
    .uuid()
    .nullable()
    .describe('The run started by the last fire; null when it started none (see `lastError`) or has not fired yet.'),
  lastError: z
    .object({ code: z.string(), message: z.string(), at: z.iso.datetime() })
    .nullable()
    .describe(
      'Why the last fire started no run (e.g. `invalid_run_input` after the workflow changed, `worker_paused`), and when; null when it did.',
    ),
  overdue: z
    .boolean()
    .describe(
      'True when the schedule is enabled and its next fire time is more than two minutes in the past: the timer is not firing it (Demiton stopped, or the timer failing).',
    ),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type ScheduleView = z.infer<typeof ScheduleView>;

export const ScheduleList = z.object({ items: z.array(ScheduleView) });

export const ScheduleParams = z.object({ id: z.uuid(), scheduleId: z.uuid() });

registerSchema('ScheduleBody', ScheduleBody);
registerSchema('ScheduleView', ScheduleView);
registerSchema('ScheduleList', ScheduleList);

/**
 * API bodies of projects and digital workers, declared once: handlers validate with them, types
 * come from them and the OpenAPI document is generated from them.
 */
import { z } from 'zod';

const Name = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9][A-Za-z0-9 ._-]{0,127}$/, 'must be 1-128 of letters, digits, space, . _ - and start with a letter or digit');

export const ProjectView = z.object({
  id: z.uuid(),
  name: z.string(),
  description: z.string().nullable(),
  isDefault: z.boolean(),
  workflowCount: z.number().int(),
  workerCount: z.number().int(),
  createdAt: z.iso.datetime(),
});
export type ProjectView = z.infer<typeof ProjectView>;
export const ProjectList = z.object({ items: z.array(ProjectView) });

export const CreateProjectBody = z.strictObject({
  name: Name,
  description: z.string().max(2000).optional(),
});

export const WorkerStatus = z
  .enum(['active', 'paused'])
  .describe('A paused worker refuses triggers of its workflows and its schedules do not fire.');

export const WorkerView = z.object({
  id: z.uuid(),
  projectId: z.uuid(),
  name: z.string(),
  owner: z.string(),
  description: z.string().nullable(),
  status: WorkerStatus,
  workflows: z.array(z.object({ id: z.uuid(), name: z.string() })),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type WorkerView = z.infer<typeof WorkerView>;
export const WorkerList = z.object({ items: z.array(WorkerView) });

export const CreateWorkerBody = z.strictObject({
  projectId: z.uuid().optional().describe('The default project when omitted.'),
  name: Name,
  owner: z.string().trim().min(1).max(200).describe('Who answers for this worker (a person or team).'),
  description: z.string().max(2000).optional(),
});

export const UpdateWorkerBody = z
  .strictObject({
    name: Name.optional(),
    owner: z.string().trim().min(1).max(200).optional(),
    description: z.string().max(2000).nullable().optional(),
    status: WorkerStatus.optional(),
  })
  .refine((b) => Object.keys(b).length > 0, 'name at least one field to change');

export const AssignWorkflowBody = z.strictObject({ workflowId: z.uuid() });

export const WorkerStatsQuery = z.strictObject({
  days: z.coerce.number().int().min(1).max(90).default(14).describe('How many days back, today included (UTC days).'),
});

export const WorkerStats = z.object({
  workerId: z.uuid(),
  days: z.number().int(),
  totals: z.object({
    runs: z.number().int(),
    succeeded: z.number().int(),
    failed: z.number().int(),
    cancelled: z.number().int(),
    inProgress: z.number().int(),
    successRate: z.number().nullable().describe('Succeeded / (succeeded + failed + cancelled); null with no finished run.'),
    avgDurationMs: z.number().nullable(),
    p95DurationMs: z.number().nullable(),
  }),
  daily: z.array(
    z.object({
      day: z.string().describe('UTC day, YYYY-MM-DD.'),
      succeeded: z.number().int(),
      failed: z.number().int(),
      cancelled: z.number().int(),
      avgDurationMs: z.number().nullable(),
    }),
  ),
  recentFailures: z.array(z.object({ runId: z.uuid(), workflowName: z.string(), at: z.iso.datetime(), message: z.string().nullable() })),
});
export type WorkerStats = z.infer<typeof WorkerStats>;

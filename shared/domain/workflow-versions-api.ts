/** Drafts, publishing, rollback and version diffs of workflows, declared once (issue #18). */
import { z } from 'zod';
import { registerSchema } from './schema-registry';
import { WorkflowDefinition } from './workflow-definition';

export const WorkflowDraftView = z
  .object({
    workflowId: z.uuid(),
    basedOnVersion: z.number().int().describe('The latest version when the draft was saved.'),
    definition: WorkflowDefinition,
    updatedAt: z.iso.datetime(),
    updatedBy: z.string(),
  })
  .describe('The saved draft of a workflow: checked like a save, run by nothing until published.');

const ExpectedVersion = z
  .number()
  .int()
  .min(1)
  .optional()
  .describe('The version the caller believes is the latest; 409 `version_conflict` when another was published since.');

export const PublishDraftBody = z.strictObject({ expectedVersion: ExpectedVersion }).describe('Publish the draft as the next version.');

export const RollbackBody = z
  .strictObject({ version: z.number().int().min(1).describe('The earlier version to publish again.'), expectedVersion: ExpectedVersion })
  .describe('Publish an earlier version again, as the next version.');

export const VersionDiffParams = z.object({ id: z.uuid(), a: z.coerce.number().int().min(1), b: z.coerce.number().int().min(1) });

const FieldChange = z
  .object({ path: z.string(), before: z.json().optional(), after: z.json().optional() })
  .describe('A changed value by path (`input.message`); no `before` when added, no `after` when removed.');
const TaskAt = z.object({ key: z.string(), position: z.number().int() });

export const WorkflowVersionDiff = z
  .object({
    workflowId: z.uuid(),
    from: z.number().int(),
    to: z.number().int(),
    identical: z.boolean(),
    fields: z.array(FieldChange).describe('Changes of the definition outside its tasks (name, description, inputSchema, output…).'),
    tasks: z.object({
      added: z.array(TaskAt),
      removed: z.array(TaskAt),
      changed: z.array(z.object({ key: z.string(), changes: z.array(FieldChange) })),
      order: z
        .object({ before: z.array(z.string()), after: z.array(z.string()) })
        .nullable()
        .describe('Task keys before and after, when tasks in both changed places.'),
    }),
  })
  .describe('What changed from version `from` to version `to`; tasks are matched by key.');

registerSchema('WorkflowDraftView', WorkflowDraftView);
registerSchema('PublishDraftBody', PublishDraftBody);
registerSchema('RollbackBody', RollbackBody);
registerSchema('WorkflowVersionDiff', WorkflowVersionDiff);

/**
 * Authoring workflows in TypeScript or JavaScript: `defineWorkflow()` is typed from, and checks
 * against, the same zod schema the server validates definitions with. A module whose default
 * export is a `defineWorkflow(…)` is a workflow file `demiton apply` reads (`workflows/*.js`).
 *
 * ```ts
 * import { defineWorkflow } from 'demiton/sdk/workflow';
 * export default defineWorkflow({
 *   name: 'hello',
 *   tasks: [{ key: 'greet', type: 'atomic', connector: 'platform', operation: 'echo', input: { message: 'Hi {{ input.name }}' } }],
 * });
 * ```
 */
import type { z } from 'zod';
import { WorkflowDefinition } from '../shared/domain/workflow-definition';
import { zodIssues } from '../shared/domain/zod-issues';
export { WORKFLOW_SCHEMA_ID, workflowJsonSchema } from '../shared/domain/workflow-json-schema';

/** A workflow as written: the input side of the definition schema (fields with defaults may be left out). */
export type WorkflowInput = z.input<typeof WorkflowDefinition>;
/** A task as written. */
export type TaskInput = WorkflowInput['tasks'][number];

/** A definition that does not follow the schema; `issues` name each field (`tasks.0.key`). */
export class InvalidWorkflowError extends Error {
  readonly code = 'invalid_workflow';
  constructor(
    readonly workflow: string,
    readonly issues: ReadonlyArray<{ path: string; message: string }>,
  ) {
    super(`Workflow '${workflow}' is invalid: ${issues.map((i) => `${i.path || '(root)'}: ${i.message}`).join('; ')}`);
    this.name = 'InvalidWorkflowError';
  }
}

/**
 * Checks a definition against the schema and returns it as written (defaults are not filled in,
 * so what is applied is what the author wrote). Throws InvalidWorkflowError naming each field.
 * Checks that need the server (unknown connector, operation or workflow) happen when applied.
 */
export function defineWorkflow<const W extends WorkflowInput>(definition: W): W {
  const r = WorkflowDefinition.safeParse(definition);
  if (!r.success) throw new InvalidWorkflowError(typeof definition?.name === 'string' ? definition.name : '(unnamed)', zodIssues(r.error));
  return definition;
}

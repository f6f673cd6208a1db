/**
 * The JSON Schema of a workflow file (`workflows/*.yaml` or `.json`), generated from the very zod
 * schema the server validates definitions with, so editors, the CLI and the server agree on one
 * declaration. Served at GET /api/schemas/workflow.json and written to schemas/workflow.json by
 * the build (scripts/write-workflow-schema.mjs).
 */
import { z } from 'zod';
import { WorkflowDefinition } from './workflow-definition';

/** Where the schema is published; `$id` of the document and the URL editors are pointed at. */
export const WORKFLOW_SCHEMA_ID = 'https://demiton.dev/schemas/workflow.json';

/**
 * The JSON Schema (2020-12) of one workflow definition as written in a file: the input side of the
 * zod schema (defaults optional), plus `$schema`, which files may carry so editors find the schema
 * and which the loader drops before validation.
 */
export function workflowJsonSchema(): Record<string, unknown> {
  const generated = z.toJSONSchema(WorkflowDefinition, { io: 'input', unrepresentable: 'any', target: 'draft-2020-12' }) as Record<
    string,
    unknown
  > & { properties: Record<string, unknown> };
  const { $schema: dialect, ...rest } = generated;
  return {
    $schema: dialect,
    $id: WORKFLOW_SCHEMA_ID,
    title: 'Demiton workflow',
    ...rest,
    properties: {
      $schema: { type: 'string', description: 'The JSON Schema this file follows (for editors); ignored by Demiton.' },
      ...rest.properties,
    },
  };
}

/** The schema as the build writes it and the server serves it: two-space JSON with a final newline. */
export function workflowJsonSchemaText(): string {
  return `${JSON.stringify(workflowJsonSchema(), null, 2)}\n`;
}

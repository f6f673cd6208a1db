/**
 * Published JSON Schemas. Public, like the OpenAPI document that already holds the same
 * definition schema: it describes the file format and reveals nothing of an organisation.
 */
import { workflowJsonSchemaText } from '../../shared/domain/workflow-json-schema';
import { defineRoute } from '../http-kit';

export const workflowSchema = defineRoute({
  name: 'workflowSchema',
  method: 'GET',
  route: 'schemas/workflow.json',
  summary: 'The JSON Schema of a workflow file (workflows/*.yaml), generated from the schema definitions are validated with',
  tags: ['system'],
  role: 'public',
  responses: { 200: { description: 'A JSON Schema (2020-12) document', contentType: 'application/schema+json' } },
  async handle() {
    return {
      status: 200,
      body: workflowJsonSchemaText(),
      headers: { 'Content-Type': 'application/schema+json; charset=utf-8', 'Cache-Control': 'public, max-age=300' },
    };
  },
});

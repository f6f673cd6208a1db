/** Workflow routes: create, list, read, update (new version), versions. */
import { z } from 'zod';
import { IdParams, WorkflowList, WorkflowVersionList, WorkflowView } from '../../shared/domain/api';
import { WorkflowDefinition } from '../../shared/domain/workflow-definition';
import * as workflows from '../../shared/engine/workflows-service';
import { defineRoute } from '../http-kit';

export const createWorkflow = defineRoute({
  name: 'createWorkflow',
  method: 'POST',
  route: 'workflows',
  summary: 'Create a workflow (version 1)',
  tags: ['workflows'],
  role: 'editor',
  body: WorkflowDefinition,
  validateBody: false, // checkDefinition parses with the same schema and adds the semantic checks
  responses: { 201: { description: 'Created', schema: WorkflowView, headers: { Location: 'URL of the workflow' } } },
  async handle({ platform, principal, body }) {
    const w = await workflows.createWorkflow(platform, principal, body);
    return { status: 201, body: w, headers: { Location: `/api/workflows/${w.id}` } };
  },
});

export const listWorkflows = defineRoute({
  name: 'listWorkflows',
  method: 'GET',
  route: 'workflows',
  summary: 'List workflows with their last run',
  tags: ['workflows'],
  role: 'viewer',
  query: z.strictObject({
    projectId: z.uuid().optional(),
    includeArchived: z
      .enum(['true', 'false'])
      .default('false')
      .transform((v) => v === 'true')
      .describe('Also list archived workflows (marked `archived: true`).'),
  }),
  responses: { 200: { description: 'Workflows', schema: WorkflowList } },
  async handle({ platform, principal, query }) {
    return { status: 200, body: await workflows.listWorkflows(platform, principal, query.projectId, query.includeArchived) };
  },
});

export const getWorkflow = defineRoute({
  name: 'getWorkflow',
  workflowScope: { param: 'id', via: 'workflow' }, // API keys limited to some workflows may call this
  method: 'GET',
  route: 'workflows/{id}',
  summary: 'Read a workflow (latest version, or ?version=N)',
  tags: ['workflows'],
  role: 'viewer',
  params: IdParams,
  query: z.strictObject({ version: z.coerce.number().int().min(1).optional() }),
  responses: { 200: { description: 'The workflow', schema: WorkflowView } },
  async handle({ platform, principal, params, query }) {
    return { status: 200, body: await workflows.getWorkflow(platform, principal, params.id, query.version) };
  },
});

// No workflowScope: a key limited to some workflows may not write definitions, which could call
// other workflows or any connector of the project and so reach beyond its workflows.
export const updateWorkflow = defineRoute({
  name: 'updateWorkflow',
  method: 'PUT',
  route: 'workflows/{id}',
  summary: 'Save a new version of a workflow; runs keep the version they started with',
  tags: ['workflows'],
  role: 'editor',
  params: IdParams,
  body: WorkflowDefinition,
  validateBody: false,
  responses: { 200: { description: 'The new version', schema: WorkflowView } },
  async handle({ platform, principal, params, body }) {
    return { status: 200, body: await workflows.updateWorkflow(platform, principal, params.id, body) };
  },
});

export const listWorkflowVersions = defineRoute({
  name: 'listWorkflowVersions',
  workflowScope: { param: 'id', via: 'workflow' }, // API keys limited to some workflows may call this
  method: 'GET',
  route: 'workflows/{id}/versions',
  summary: 'List the versions of a workflow, newest first',
  tags: ['workflows'],
  role: 'viewer',
  params: IdParams,
  responses: { 200: { description: 'Versions', schema: WorkflowVersionList } },
  async handle({ platform, principal, params }) {
    return { status: 200, body: await workflows.listVersions(platform, principal, params.id) };
  },
});

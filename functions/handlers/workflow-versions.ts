/** Workflow drafts, publishing, rollback and version diffs (issue #18). */
import { IdParams, WorkflowView } from '../../shared/domain/api';
import { WorkflowDefinition } from '../../shared/domain/workflow-definition';
import {
  PublishDraftBody,
  RollbackBody,
  VersionDiffParams,
  WorkflowDraftView,
  WorkflowVersionDiff,
} from '../../shared/domain/workflow-versions-api';
import * as versions from '../../shared/engine/workflow-drafts';
import { defineRoute } from '../http-kit';

export const saveWorkflowDraft = defineRoute({
  name: 'saveWorkflowDraft',
  workflowScope: { param: 'id', via: 'workflow' }, // API keys limited to some workflows may call this
  method: 'PUT',
  route: 'workflows/{id}/draft',
  summary: 'Save the draft of a workflow: checked like a save, run by nothing until published',
  tags: ['workflows'],
  role: 'editor',
  params: IdParams,
  body: WorkflowDefinition,
  validateBody: false, // checkDefinition parses with the same schema and adds the semantic checks
  responses: { 200: { description: 'The saved draft', schema: WorkflowDraftView } },
  async handle({ platform, principal, params, body }) {
    return { status: 200, body: await versions.saveDraft(platform, principal, params.id, body) };
  },
});

export const getWorkflowDraft = defineRoute({
  name: 'getWorkflowDraft',
  workflowScope: { param: 'id', via: 'workflow' }, // API keys limited to some workflows may call this
  method: 'GET',
  route: 'workflows/{id}/draft',
  summary: 'Read the draft of a workflow (404 `workflow_draft_not_found` when it has none)',
  tags: ['workflows'],
  role: 'viewer',
  params: IdParams,
  responses: { 200: { description: 'The draft', schema: WorkflowDraftView } },
  async handle({ platform, principal, params }) {
    return { status: 200, body: await versions.getDraft(platform, principal, params.id) };
  },
});

export const discardWorkflowDraft = defineRoute({
  name: 'discardWorkflowDraft',
  workflowScope: { param: 'id', via: 'workflow' }, // API keys limited to some workflows may call this
  method: 'DELETE',
  route: 'workflows/{id}/draft',
  summary: 'Discard the draft of a workflow',
  tags: ['workflows'],
  role: 'editor',
  params: IdParams,
  responses: { 204: { description: 'Discarded' } },
  async handle({ platform, principal, params }) {
    await versions.discardDraft(platform, principal, params.id);
    return { status: 204 };
  },
});

export const publishWorkflowDraft = defineRoute({
  name: 'publishWorkflowDraft',
  workflowScope: { param: 'id', via: 'workflow' }, // API keys limited to some workflows may call this
  method: 'POST',
  route: 'workflows/{id}/publish',
  summary: 'Publish the draft as the next version (409 `version_conflict` when `expectedVersion` is no longer the latest)',
  tags: ['workflows'],
  role: 'editor',
  params: IdParams,
  body: PublishDraftBody,
  optionalBody: true,
  responses: { 200: { description: 'The published version', schema: WorkflowView } },
  async handle({ platform, principal, params, body }) {
    return { status: 200, body: await versions.publishDraft(platform, principal, params.id, body) };
  },
});

export const rollbackWorkflow = defineRoute({
  name: 'rollbackWorkflow',
  workflowScope: { param: 'id', via: 'workflow' }, // API keys limited to some workflows may call this
  method: 'POST',
  route: 'workflows/{id}/rollback',
  summary: 'Publish an earlier version again, as the next version (409 `version_conflict` when `expectedVersion` is no longer the latest)',
  tags: ['workflows'],
  role: 'editor',
  params: IdParams,
  body: RollbackBody,
  responses: { 200: { description: 'The new latest version', schema: WorkflowView } },
  async handle({ platform, principal, params, body }) {
    return { status: 200, body: await versions.rollback(platform, principal, params.id, body) };
  },
});

export const diffWorkflowVersions = defineRoute({
  name: 'diffWorkflowVersions',
  workflowScope: { param: 'id', via: 'workflow' }, // API keys limited to some workflows may call this
  method: 'GET',
  route: 'workflows/{id}/versions/{a}/diff/{b}',
  summary: 'What changed from version a to version b: definition fields, and tasks added, removed, changed or moved',
  tags: ['workflows'],
  role: 'viewer',
  params: VersionDiffParams,
  responses: { 200: { description: 'The difference', schema: WorkflowVersionDiff } },
  async handle({ platform, principal, params }) {
    return { status: 200, body: await versions.diffVersions(platform, principal, params.id, params.a, params.b) };
  },
});

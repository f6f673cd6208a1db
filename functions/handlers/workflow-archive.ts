/** Archive, restore and delete a workflow. */
import { IdParams } from '../../shared/domain/api';
import { WorkflowArchiveState } from '../../shared/domain/run-actions-api';
import { archiveWorkflow as archive, deleteWorkflow as remove, restoreWorkflow as restore } from '../../shared/engine/workflow-archive';
import { defineRoute } from '../http-kit';

export const archiveWorkflow = defineRoute({
  name: 'archiveWorkflow',
  method: 'POST',
  route: 'workflows/{id}/archive',
  summary: 'Archive a workflow: runs and versions kept, no new runs (409 `workflow_has_live_runs` while runs are PENDING or RUNNING)',
  tags: ['workflows'],
  role: 'editor',
  params: IdParams,
  responses: { 200: { description: 'Archived', schema: WorkflowArchiveState } },
  async handle({ platform, principal, params }) {
    return { status: 200, body: await archive(platform, principal, params.id) };
  },
});

export const restoreWorkflow = defineRoute({
  name: 'restoreWorkflow',
  method: 'POST',
  route: 'workflows/{id}/restore',
  summary: 'Restore an archived workflow: it can be triggered again and is listed again',
  tags: ['workflows'],
  role: 'editor',
  params: IdParams,
  responses: { 200: { description: 'Restored', schema: WorkflowArchiveState } },
  async handle({ platform, principal, params }) {
    return { status: 200, body: await restore(platform, principal, params.id) };
  },
});

export const deleteWorkflow = defineRoute({
  name: 'deleteWorkflow',
  method: 'DELETE',
  route: 'workflows/{id}',
  summary:
    'Delete an archived workflow with its versions, draft, schedules, triggers and runs; the audit log stays (409 `workflow_not_archived` unless archived first, `workflow_has_live_runs` while a run of its trees is PENDING or RUNNING)',
  tags: ['workflows'],
  role: 'admin',
  params: IdParams,
  responses: { 204: { description: 'Deleted' } },
  async handle({ platform, principal, params }) {
    await remove(platform, principal, params.id);
    return { status: 204 };
  },
});

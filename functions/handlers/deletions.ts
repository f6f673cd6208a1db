/** Deleting an empty project or a digital worker that owns no workflows (issue #18). */
import { IdParams } from '../../shared/domain/api';
import * as deletions from '../../shared/engine/deletions';
import { defineRoute } from '../http-kit';

export const deleteProject = defineRoute({
  name: 'deleteProject',
  method: 'DELETE',
  route: 'projects/{id}',
  summary: 'Delete an empty project (409 `project_not_empty` while it holds anything, `project_is_default` for the default project)',
  tags: ['projects'],
  role: 'admin',
  params: IdParams,
  responses: { 204: { description: 'Deleted' } },
  async handle({ platform, principal, params }) {
    await deletions.deleteProject(platform, principal, params.id);
    return { status: 204 };
  },
});

export const deleteWorker = defineRoute({
  name: 'deleteWorker',
  method: 'DELETE',
  route: 'workers/{id}',
  summary: 'Delete a digital worker (409 `worker_has_workflows` while it owns workflows)',
  tags: ['workers'],
  role: 'editor',
  params: IdParams,
  responses: { 204: { description: 'Deleted' } },
  async handle({ platform, principal, params }) {
    await deletions.deleteWorker(platform, principal, params.id);
    return { status: 204 };
  },
});

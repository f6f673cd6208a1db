/** Digital worker routes: list, create, read, change (pause/resume), own workflows, dashboard stats. */
import { z } from 'zod';
import { IdParams } from '../../shared/domain/api';
import {
  AssignWorkflowBody,
  CreateWorkerBody,
  UpdateWorkerBody,
  WorkerList,
  WorkerStats,
  WorkerStatsQuery,
  WorkerView,
} from '../../shared/domain/workers-api';
import * as workers from '../../shared/engine/workers-service';
import { registerSchema } from '../../shared/http/openapi';
import { defineRoute } from '../http-kit';

registerSchema('WorkerView', WorkerView);
registerSchema('WorkerList', WorkerList);
registerSchema('WorkerStats', WorkerStats);

export const listWorkers = defineRoute({
  name: 'listWorkers',
  method: 'GET',
  route: 'workers',
  summary: 'List digital workers (optionally of one project)',
  tags: ['workers'],
  role: 'viewer',
  query: z.strictObject({ projectId: z.uuid().optional() }),
  responses: { 200: { description: 'Workers', schema: WorkerList } },
  async handle({ platform, principal, query }) {
    return { status: 200, body: await workers.listWorkers(platform, principal, query.projectId) };
  },
});

export const createWorker = defineRoute({
  name: 'createWorker',
  method: 'POST',
  route: 'workers',
  summary: 'Create a digital worker (active)',
  tags: ['workers'],
  role: 'editor',
  body: CreateWorkerBody,
  responses: { 201: { description: 'Created', schema: WorkerView, headers: { Location: 'URL of the worker' } } },
  async handle({ platform, principal, body }) {
    const w = await workers.createWorker(platform, principal, body);
    return { status: 201, body: w, headers: { Location: `/api/workers/${w.id}` } };
  },
});

export const getWorker = defineRoute({
  name: 'getWorker',
  method: 'GET',
  route: 'workers/{id}',
  summary: 'Read a digital worker with the workflows it owns',
  tags: ['workers'],
  role: 'viewer',
  params: IdParams,
  responses: { 200: { description: 'The worker', schema: WorkerView } },
  async handle({ platform, principal, params }) {
    return { status: 200, body: await workers.getWorker(platform, principal, params.id) };
  },
});

export const updateWorker = defineRoute({
  name: 'updateWorker',
  method: 'PATCH',
  route: 'workers/{id}',
  summary: "Change a worker; status 'paused' refuses its triggers and stops its schedules",
  tags: ['workers'],
  role: 'editor',
  params: IdParams,
  body: UpdateWorkerBody,
  responses: { 200: { description: 'The worker', schema: WorkerView } },
  async handle({ platform, principal, params, body }) {
    return { status: 200, body: await workers.updateWorker(platform, principal, params.id, body) };
  },
});

export const assignWorkerWorkflow = defineRoute({
  name: 'assignWorkerWorkflow',
  method: 'POST',
  route: 'workers/{id}/workflows',
  summary: 'Make the worker own a workflow of its project',
  tags: ['workers'],
  role: 'editor',
  params: IdParams,
  body: AssignWorkflowBody,
  responses: { 200: { description: 'The worker', schema: WorkerView } },
  async handle({ platform, principal, params, body }) {
    return { status: 200, body: await workers.assignWorkflow(platform, principal, params.id, body.workflowId) };
  },
});

export const unassignWorkerWorkflow = defineRoute({
  name: 'unassignWorkerWorkflow',
  method: 'DELETE',
  route: 'workers/{id}/workflows/{workflowId}',
  summary: 'Release a workflow from the worker',
  tags: ['workers'],
  role: 'editor',
  params: z.object({ id: z.uuid(), workflowId: z.uuid() }),
  responses: { 200: { description: 'The worker', schema: WorkerView } },
  async handle({ platform, principal, params }) {
    return { status: 200, body: await workers.unassignWorkflow(platform, principal, params.id, params.workflowId) };
  },
});

export const getWorkerStats = defineRoute({
  name: 'getWorkerStats',
  method: 'GET',
  route: 'workers/{id}/stats',
  summary: "The worker's dashboard: success rate, durations and failures per UTC day",
  tags: ['workers'],
  role: 'viewer',
  params: IdParams,
  query: WorkerStatsQuery,
  responses: { 200: { description: 'Statistics', schema: WorkerStats } },
  async handle({ platform, principal, params, query }) {
    return { status: 200, body: await workers.workerStats(platform, principal, params.id, query.days) };
  },
});

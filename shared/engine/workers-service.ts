/**
 * Digital workers: a named automation role in a project that owns workflows (and through them
 * their schedules). Pausing a worker refuses triggers of its workflows (`refuseIfWorkerPaused`,
 * called by the pre-flight commit) and stops its schedules.
 */
import { randomUUID } from 'node:crypto';
import type { Principal } from '../domain/principal';
import { ConflictError, NotFoundError, ValidationError } from '../domain/errors';
import { WorkerPausedError } from '../domain/worker-errors';
import type { WorkerStats, WorkerView } from '../domain/workers-api';
import type { Queryable } from '../db/db';
import type { Platform } from '../platform';
import { appendAudit } from '../store/audit';
import { defaultProjectId, projectExists } from '../store/organisations';
import * as store from '../store/workers';
import { isUniqueViolation } from '../db/db';

/** What this module uses of the platform (not the whole of it). */
export type WorkersServiceDeps = Pick<Platform, 'db'>;

function toView(r: store.WorkerRow): WorkerView {
  return { ...r, createdAt: r.createdAt.toISOString(), updatedAt: r.updatedAt.toISOString() };
}

const nameTaken = (name: string) =>
  new ConflictError('worker_name_taken', `A digital worker named '${name}' already exists in this project.`);

/** Workers of the organisation, optionally of one project. */
export async function listWorkers(p: WorkersServiceDeps, who: Principal, projectId?: string): Promise<{ items: WorkerView[] }> {
  return { items: (await store.listWorkers(p.db, who.orgId, projectId ?? null)).map(toView) };
}

/** One worker with the workflows it owns. */
export async function getWorker(p: WorkersServiceDeps, who: Principal, id: string): Promise<WorkerView> {
  const r = await store.getWorker(p.db, who.orgId, id);
  if (!r) throw new NotFoundError('worker', id);
  return toView(r);
}

/** Creates an active worker in a project (the default one when none is named). */
export async function createWorker(
  p: WorkersServiceDeps,
  who: Principal,
  body: { projectId?: string | undefined; name: string; owner: string; description?: string | undefined },
): Promise<WorkerView> {
  let projectId = body.projectId;
  if (projectId) {
    if (!(await projectExists(p.db, who.orgId, projectId))) throw new NotFoundError('project', projectId);
  } else {
    projectId = (await defaultProjectId(p.db, who.orgId)) ?? undefined;
    if (!projectId) throw new NotFoundError('project', 'default');
  }
  const id = randomUUID();
  try {
    await p.db.tx(async (q) => {
      await store.insertWorker(q, {
        id,
        orgId: who.orgId,
        projectId: projectId!,
        name: body.name,
        owner: body.owner,
        description: body.description ?? null,
      });
      await appendAudit(q, {
        orgId: who.orgId,
        actor: who.actor,
        source: who.source ?? null,
        action: 'worker.create',
        targetType: 'worker',
        targetId: id,
        diff: { after: body },
      });
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw nameTaken(body.name);
    throw err;
  }
  return getWorker(p, who, id);
}

/** Changes a worker; `status: 'paused'` refuses its triggers and stops its schedules from then on. */
export async function updateWorker(
  p: WorkersServiceDeps,
  who: Principal,
  id: string,
  body: {
    name?: string | undefined;
    owner?: string | undefined;
    description?: string | null | undefined;
    status?: 'active' | 'paused' | undefined;
  },
): Promise<WorkerView> {
  const before = await getWorker(p, who, id);
  try {
    await p.db.tx(async (q) => {
      if (!(await store.updateWorker(q, who.orgId, id, body))) throw new NotFoundError('worker', id);
      const action =
        body.status && body.status !== before.status ? (body.status === 'paused' ? 'worker.pause' : 'worker.resume') : 'worker.update';
      await appendAudit(q, {
        orgId: who.orgId,
        actor: who.actor,
        source: who.source ?? null,
        action,
        targetType: 'worker',
        targetId: id,
        diff: { before: { ...before, workflows: undefined }, change: body },
      });
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw nameTaken(body.name ?? before.name);
    throw err;
  }
  return getWorker(p, who, id);
}

/** Makes the worker own a workflow of its project (a workflow has at most one worker). */
export async function assignWorkflow(p: WorkersServiceDeps, who: Principal, workerId: string, workflowId: string): Promise<WorkerView> {
  const worker = await getWorker(p, who, workerId);
  await p.db.tx(async (q) => {
    const r = await store.setWorkflowWorker(q, who.orgId, workflowId, { id: worker.id, projectId: worker.projectId });
    if (r === 'no-workflow') throw new NotFoundError('workflow', workflowId);
    if (r === 'other-project') {
      throw new ValidationError(
        'The workflow cannot join this worker.',
        [{ path: 'workflowId', message: "the workflow is in another project than the worker's" }],
        'workflow_in_other_project',
      );
    }
    await appendAudit(q, {
      orgId: who.orgId,
      actor: who.actor,
      source: who.source ?? null,
      action: 'worker.assign_workflow',
      targetType: 'worker',
      targetId: workerId,
      diff: { workflowId },
    });
  });
  return getWorker(p, who, workerId);
}

/** Releases a workflow from the worker; it is then triggerable whatever the worker's status. */
export async function unassignWorkflow(p: WorkersServiceDeps, who: Principal, workerId: string, workflowId: string): Promise<WorkerView> {
  const worker = await getWorker(p, who, workerId);
  if (!worker.workflows.some((w) => w.id === workflowId)) throw new NotFoundError('worker workflow', workflowId);
  await p.db.tx(async (q) => {
    await store.setWorkflowWorker(q, who.orgId, workflowId, null);
    await appendAudit(q, {
      orgId: who.orgId,
      actor: who.actor,
      source: who.source ?? null,
      action: 'worker.unassign_workflow',
      targetType: 'worker',
      targetId: workerId,
      diff: { workflowId },
    });
  });
  return getWorker(p, who, workerId);
}

/** The worker's dashboard: success rate, durations and failures per day. */
export async function workerStats(p: WorkersServiceDeps, who: Principal, id: string, days: number): Promise<WorkerStats> {
  await getWorker(p, who, id);
  const s = await store.workerStats(p.db, who.orgId, id, days);
  const finished = s.totals.succeeded + s.totals.failed + s.totals.cancelled;
  const round = (v: number | null) => (v === null ? null : Math.round(v));
  return {
    workerId: id,
    days,
    totals: {
      runs: s.totals.runs,
      succeeded: s.totals.succeeded,
      failed: s.totals.failed,
      cancelled: s.totals.cancelled,
      inProgress: s.totals.inProgress,
      successRate: finished ? s.totals.succeeded / finished : null,
      avgDurationMs: round(s.totals.avgMs),
      p95DurationMs: round(s.totals.p95Ms),
    },
    daily: s.daily.map((d) => ({
      day: d.day,
      succeeded: d.succeeded,
      failed: d.failed,
      cancelled: d.cancelled,
      avgDurationMs: round(d.avgMs),
    })),
    recentFailures: s.recentFailures.map((f) => ({
      runId: f.runId,
      workflowName: f.workflowName,
      at: f.at.toISOString(),
      message: f.message,
    })),
  };
}

/**
 * Throws `WorkerPausedError` when the workflow's worker is paused. Called by every trigger path
 * (HTTP trigger in the pre-flight commit, schedules) before a run is committed.
 */
export async function refuseIfWorkerPaused(q: Queryable, orgId: string, workflowId: string): Promise<void> {
  const paused = await store.pausedWorkerOf(q, orgId, workflowId);
  if (paused) throw new WorkerPausedError(paused.id, paused.name, workflowId);
}

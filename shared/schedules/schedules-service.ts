/** Schedule operations behind the HTTP handlers: create, list, read, replace, delete. */
import { randomUUID } from 'node:crypto';
import type { Principal } from '../domain/principal';
import { NotFoundError, ValidationError } from '../domain/errors';
import type { ScheduleBody, ScheduleView } from '../domain/schedules-api';
import { validateRunInput } from '../engine/input-schema';
import type { Platform } from '../platform';
import { appendAudit } from '../store/audit';
import * as store from '../store/schedules';
import { getWorkflow } from '../store/workflows';
import { checkCron, nextFireAfter } from './cron';

/** What this module uses of the platform (not the whole of it). */
export type SchedulesServiceDeps = Pick<Platform, 'db'>;

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/**
 * A next fire time this far in the past means the timer is not firing the schedule. Two timer
 * periods: Azure's timer ticks once a minute (five seconds past), so one late tick is not overdue.
 */
export const OVERDUE_AFTER_MS = 120_000;

function toView(s: store.ScheduleRow | store.ScheduleWithLastFire, now = Date.now()): ScheduleView {
  const last = 'lastRunId' in s ? s : null;
  return {
    id: s.id,
    workflowId: s.workflowId,
    cron: s.cron,
    timezone: s.timezone,
    input: s.input as ScheduleView['input'],
    enabled: s.enabled,
    catchUp: s.catchUp,
    nextFireAt: iso(s.nextFireAt),
    lastFireAt: iso(s.lastFireAt),
    lastRunId: last?.lastRunId ?? null,
    lastError:
      last?.lastError && last.lastFiredAt
        ? { code: last.lastError.code, message: last.lastError.message, at: last.lastFiredAt.toISOString() }
        : null,
    overdue: s.enabled && s.nextFireAt !== null && now - s.nextFireAt.getTime() > OVERDUE_AFTER_MS,
    createdAt: s.createdAt.toISOString(),
    updatedAt: s.updatedAt.toISOString(),
  };
}

/** Checks the body against the workflow (cron, zone, input schema) and computes the first fire time. */
async function prepare(p: SchedulesServiceDeps, who: Principal, workflowId: string, body: ScheduleBody): Promise<store.ScheduleFields> {
  const wf = await getWorkflow(p.db, who.orgId, workflowId);
  if (!wf) throw new NotFoundError('workflow', workflowId);
  const issues = checkCron(body.cron, body.timezone);
  if (issues.length) throw new ValidationError('The schedule is invalid.', issues, 'invalid_schedule');
  validateRunInput(wf.definition.inputSchema, body.input, `${wf.id}@${wf.version}`);
  const cron = body.cron.trim().replace(/\s+/g, ' ');
  return {
    cron,
    timezone: body.timezone,
    input: body.input,
    enabled: body.enabled,
    catchUp: body.catchUp,
    nextFireAt: body.enabled ? nextFireAfter(cron, body.timezone, new Date()) : null,
  };
}

/** Creates a schedule of a workflow. */
export async function createSchedule(
  p: SchedulesServiceDeps,
  who: Principal,
  workflowId: string,
  body: ScheduleBody,
): Promise<ScheduleView> {
  const fields = await prepare(p, who, workflowId, body);
  const row = await p.db.tx(async (q) => {
    const r = await store.insertSchedule(q, { ...fields, id: randomUUID(), orgId: who.orgId, workflowId, createdBy: who.actor.id });
    await appendAudit(q, {
      orgId: who.orgId,
      actor: who.actor,
      source: who.source ?? null,
      action: 'schedule.create',
      targetType: 'schedule',
      targetId: r.id,
      diff: { after: body },
    });
    return r;
  });
  return toView(row);
}

/** Replaces a schedule; the next fire time is computed afresh from now. */
export async function replaceSchedule(
  p: SchedulesServiceDeps,
  who: Principal,
  workflowId: string,
  id: string,
  body: ScheduleBody,
): Promise<ScheduleView> {
  const fields = await prepare(p, who, workflowId, body);
  const row = await p.db.tx(async (q) => {
    if (!(await store.updateSchedule(q, who.orgId, workflowId, id, fields))) throw new NotFoundError('schedule', id);
    await appendAudit(q, {
      orgId: who.orgId,
      actor: who.actor,
      source: who.source ?? null,
      action: 'schedule.update',
      targetType: 'schedule',
      targetId: id,
      diff: { after: body },
    });
    // Read back with its newest fire: replacing a schedule keeps its fire history.
    return (await store.getSchedule(q, who.orgId, workflowId, id))!;
  });
  return toView(row);
}

/** One schedule. */
export async function getSchedule(p: SchedulesServiceDeps, who: Principal, workflowId: string, id: string): Promise<ScheduleView> {
  const r = await store.getSchedule(p.db, who.orgId, workflowId, id);
  if (!r) throw new NotFoundError('schedule', id);
  return toView(r);
}

/** The schedules of a workflow. */
export async function listSchedules(p: SchedulesServiceDeps, who: Principal, workflowId: string): Promise<{ items: ScheduleView[] }> {
  if (!(await getWorkflow(p.db, who.orgId, workflowId))) throw new NotFoundError('workflow', workflowId);
  return { items: (await store.listSchedules(p.db, who.orgId, workflowId)).map((r) => toView(r)) };
}

/** Deletes a schedule; the runs it started stay. */
export async function deleteSchedule(p: SchedulesServiceDeps, who: Principal, workflowId: string, id: string): Promise<void> {
  await p.db.tx(async (q) => {
    if (!(await store.deleteSchedule(q, who.orgId, workflowId, id))) throw new NotFoundError('schedule', id);
    await appendAudit(q, {
      orgId: who.orgId,
      actor: who.actor,
      source: who.source ?? null,
      action: 'schedule.delete',
      targetType: 'schedule',
      targetId: id,
    });
  });
}

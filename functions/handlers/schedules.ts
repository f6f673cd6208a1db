/** Schedule routes: create, list, read, replace, delete the schedules of a workflow. */
import { IdParams } from '../../shared/domain/api';
import { ScheduleBody, ScheduleList, ScheduleParams, ScheduleView } from '../../shared/domain/schedules-api';
import * as schedules from '../../shared/schedules/schedules-service';
import { defineRoute } from '../http-kit';

export const createSchedule = defineRoute({
  name: 'createSchedule',
  method: 'POST',
  route: 'workflows/{id}/schedules',
  summary: 'Create a schedule: a cron expression in a time zone, with the input of the runs it starts',
  tags: ['schedules'],
  role: 'editor',
  params: IdParams,
  body: ScheduleBody,
  responses: { 201: { description: 'Created', schema: ScheduleView, headers: { Location: 'URL of the schedule' } } },
  async handle({ platform, principal, params, body }) {
    const s = await schedules.createSchedule(platform, principal, params.id, body);
    return { status: 201, body: s, headers: { Location: `/api/workflows/${params.id}/schedules/${s.id}` } };
  },
});

export const listSchedules = defineRoute({
  name: 'listSchedules',
  method: 'GET',
  route: 'workflows/{id}/schedules',
  summary: 'List the schedules of a workflow',
  tags: ['schedules'],
  role: 'viewer',
  params: IdParams,
  responses: { 200: { description: 'Schedules', schema: ScheduleList } },
  async handle({ platform, principal, params }) {
    return { status: 200, body: await schedules.listSchedules(platform, principal, params.id) };
  },
});

export const getSchedule = defineRoute({
  name: 'getSchedule',
  method: 'GET',
  route: 'workflows/{id}/schedules/{scheduleId}',
  summary: 'Read a schedule',
  tags: ['schedules'],
  role: 'viewer',
  params: ScheduleParams,
  responses: { 200: { description: 'The schedule', schema: ScheduleView } },
  async handle({ platform, principal, params }) {
    return { status: 200, body: await schedules.getSchedule(platform, principal, params.id, params.scheduleId) };
  },
});

export const replaceSchedule = defineRoute({
  name: 'replaceSchedule',
  method: 'PUT',
  route: 'workflows/{id}/schedules/{scheduleId}',
  summary: 'Replace a schedule; its next fire time is computed afresh',
  tags: ['schedules'],
  role: 'editor',
  params: ScheduleParams,
  body: ScheduleBody,
  responses: { 200: { description: 'The schedule', schema: ScheduleView } },
  async handle({ platform, principal, params, body }) {
    return { status: 200, body: await schedules.replaceSchedule(platform, principal, params.id, params.scheduleId, body) };
  },
});

export const deleteSchedule = defineRoute({
  name: 'deleteSchedule',
  method: 'DELETE',
  route: 'workflows/{id}/schedules/{scheduleId}',
  summary: 'Delete a schedule; the runs it started stay',
  tags: ['schedules'],
  role: 'editor',
  params: ScheduleParams,
  responses: { 204: { description: 'Deleted' } },
  async handle({ platform, principal, params }) {
    await schedules.deleteSchedule(platform, principal, params.id, params.scheduleId);
    return { status: 204 };
  },
});

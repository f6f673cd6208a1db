/** Durable-wait routes: send a signal to a run, publish an event, list and decide approvals, a run's waits. */
import { IdParams } from '../../shared/domain/api';
import { ValidationError } from '../../shared/domain/errors';
import {
  ApprovalList,
  ApprovalView,
  DecisionBody,
  EventBody,
  EventResult,
  ListApprovalsQuery,
  RunWaitList,
  SignalBody,
  SignalParams,
  SignalResult,
} from '../../shared/domain/waits-api';
import * as waits from '../../shared/engine/waits-service';
import { defineRoute } from '../http-kit';

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

export const sendSignal = defineRoute({
  name: 'sendSignal',
  workflowScope: { param: 'id', via: 'run' },
  method: 'POST',
  route: 'runs/{id}/signals/{name}',
  summary: 'Send a signal to a run: it ends the wait for this name, or is kept for the first wait that asks for it',
  tags: ['waits'],
  role: 'operator',
  params: SignalParams,
  body: SignalBody,
  optionalBody: true,
  headers: [{ name: 'Idempotency-Key', description: 'The same key for the same run delivers the signal once.' }],
  responses: { 200: { description: 'Delivered (or kept)', schema: SignalResult } },
  async handle({ platform, principal, params, body, request }) {
    const key = request.headers.get('idempotency-key');
    if (key !== null && !IDEMPOTENCY_KEY.test(key))
      throw new ValidationError(
        'The Idempotency-Key header is invalid.',
        [{ path: 'Idempotency-Key', message: 'must be 1-255 visible ASCII characters' }],
        'invalid_idempotency_key',
      );
    return { status: 200, body: await waits.sendSignal(platform, principal, params.id, params.name, body ?? null, key) };
  },
});

export const publishEvent = defineRoute({
  name: 'publishEvent',
  method: 'POST',
  route: 'events',
  summary: 'Publish an event: every run waiting on its name with a matching key resumes',
  tags: ['waits'],
  role: 'operator',
  body: EventBody,
  responses: { 200: { description: 'Published', schema: EventResult } },
  async handle({ platform, principal, body }) {
    return { status: 200, body: await waits.publishEvent(platform, principal, body.name, body.key, body.payload ?? null) };
  },
});

export const listApprovals = defineRoute({
  name: 'listApprovals',
  method: 'GET',
  route: 'approvals',
  summary: 'Approvals: the ones the caller may decide now (pending), or all of the organisation',
  tags: ['waits'],
  role: 'viewer',
  query: ListApprovalsQuery,
  responses: { 200: { description: 'Approvals, newest first', schema: ApprovalList } },
  async handle({ platform, principal, query }) {
    return { status: 200, body: { items: await waits.listApprovals(platform, principal, query.status) } };
  },
});

export const decideApproval = defineRoute({
  name: 'decideApproval',
  method: 'POST',
  route: 'approvals/{id}/decision',
  summary: 'Approve or reject: 403 when the caller may not decide, 409 when already decided or closed',
  tags: ['waits'],
  role: 'viewer',
  params: IdParams,
  body: DecisionBody,
  responses: { 200: { description: 'The approval after the decision', schema: ApprovalView } },
  async handle({ platform, principal, params, body }) {
    return { status: 200, body: await waits.decide(platform, principal, params.id, body.decision, body.comment ?? null) };
  },
});

export const listRunWaits = defineRoute({
  name: 'listRunWaits',
  workflowScope: { param: 'id', via: 'run' },
  method: 'GET',
  route: 'runs/{id}/waits',
  summary: "What a run's tasks wait (or waited) for: signal, event and key, time, approvers and decisions",
  tags: ['waits'],
  role: 'viewer',
  params: IdParams,
  responses: { 200: { description: "The run's waits, latest attempt first", schema: RunWaitList } },
  async handle({ platform, principal, params }) {
    return { status: 200, body: { items: await waits.runWaits(platform, principal, params.id) } };
  },
});

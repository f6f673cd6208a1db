/**
 * Trigger routes: manage a workflow's webhooks and Service Bus receivers (editor), read their
 * deliveries, and the public hook endpoint senders deliver to (verified per trigger, not signed in).
 */
import type { HttpRequest } from '@azure/functions';
import { IdParams } from '../../shared/domain/api';
import {
  DeliveriesQuery,
  HookAccepted,
  HookBody,
  HookParams,
  TriggerBody,
  TriggerDeliveryList,
  TriggerList,
  TriggerParams,
  TriggerView,
} from '../../shared/domain/triggers-api';
import { receiveDelivery, type HookReply } from '../../shared/triggers/hook-service';
import * as triggers from '../../shared/triggers/triggers-service';
import { BodyTooLargeError } from '../../shared/domain/errors';
import { defineRoute, readBytesWithin, type Reply } from '../http-kit';

/** The origin the API was called on: trigger URLs are given under it. */
const baseUrlOf = (request: HttpRequest) => new URL(request.url).origin;

export const createTrigger = defineRoute({
  name: 'createTrigger',
  method: 'POST',
  route: 'workflows/{id}/triggers',
  summary: 'Create a trigger: a webhook (public URL with a verification) or a Service Bus queue or subscription the worker receives from',
  tags: ['triggers'],
  role: 'editor',
  params: IdParams,
  body: TriggerBody,
  responses: {
    201: { description: 'Created (the secret is never returned)', schema: TriggerView, headers: { Location: 'URL of the trigger' } },
  },
  async handle({ platform, principal, params, body, request }) {
    const t = await triggers.createTrigger(platform, principal, params.id, body, baseUrlOf(request));
    return { status: 201, body: t, headers: { Location: `/api/workflows/${params.id}/triggers/${t.id}` } };
  },
});

export const listTriggers = defineRoute({
  name: 'listTriggers',
  method: 'GET',
  route: 'workflows/{id}/triggers',
  summary: 'List the triggers of a workflow',
  tags: ['triggers'],
  role: 'editor',
  params: IdParams,
  responses: { 200: { description: 'Triggers', schema: TriggerList } },
  async handle({ platform, principal, params, request }) {
    return { status: 200, body: await triggers.listTriggers(platform, principal, params.id, baseUrlOf(request)) };
  },
});

export const getTrigger = defineRoute({
  name: 'getTrigger',
  method: 'GET',
  route: 'workflows/{id}/triggers/{triggerId}',
  summary: 'Read a trigger, with its count of failed verifications',
  tags: ['triggers'],
  role: 'editor',
  params: TriggerParams,
  responses: { 200: { description: 'The trigger', schema: TriggerView } },
  async handle({ platform, principal, params, request }) {
    return { status: 200, body: await triggers.getTrigger(platform, principal, params.id, params.triggerId, baseUrlOf(request)) };
  },
});

export const replaceTrigger = defineRoute({
  name: 'replaceTrigger',
  method: 'PUT',
  route: 'workflows/{id}/triggers/{triggerId}',
  summary:
    'Replace a trigger; a new secret rotates it, the previous one staying valid for secretOverlapSeconds (without one, the secret is kept)',
  tags: ['triggers'],
  role: 'editor',
  params: TriggerParams,
  body: TriggerBody,
  responses: { 200: { description: 'The trigger', schema: TriggerView } },
  async handle({ platform, principal, params, body, request }) {
    return { status: 200, body: await triggers.replaceTrigger(platform, principal, params.id, params.triggerId, body, baseUrlOf(request)) };
  },
});

export const deleteTrigger = defineRoute({
  name: 'deleteTrigger',
  method: 'DELETE',
  route: 'workflows/{id}/triggers/{triggerId}',
  summary: 'Delete a trigger: its URL answers 404 and its receiver stops; the runs it started stay',
  tags: ['triggers'],
  role: 'editor',
  params: TriggerParams,
  responses: { 204: { description: 'Deleted' } },
  async handle({ platform, principal, params }) {
    await triggers.deleteTrigger(platform, principal, params.id, params.triggerId);
    return { status: 204 };
  },
});

export const listTriggerDeliveries = defineRoute({
  name: 'listTriggerDeliveries',
  method: 'GET',
  route: 'workflows/{id}/triggers/{triggerId}/deliveries',
  summary: 'The latest deliveries of a trigger: outcome, status, the run each started, why one was refused',
  tags: ['triggers'],
  role: 'editor',
  params: TriggerParams,
  query: DeliveriesQuery,
  responses: { 200: { description: 'Deliveries, newest first', schema: TriggerDeliveryList } },
  async handle({ platform, principal, params, query }) {
    return { status: 200, body: await triggers.listDeliveries(platform, principal, params.id, params.triggerId, query.limit) };
  },
});

function toReply(r: HookReply): Reply {
  if (r.text !== undefined) return { status: r.status, body: r.text, headers: r.headers ?? {} };
  return { status: r.status, ...(r.body !== undefined ? { body: r.body } : {}), headers: r.headers ?? {} };
}

// The raw body, counted while read: a trigger's own limit is at most the platform's, checked again by the service.
const hookRequest = (request: HttpRequest, maxBytes: number) => ({
  method: request.method,
  headers: request.headers as unknown as Headers,
  query: request.query as unknown as URLSearchParams,
  body: async () => Buffer.from(await readBytesWithin(request, maxBytes, () => new BodyTooLargeError(maxBytes))),
});

export const deliverHook = defineRoute({
  name: 'deliverHook',
  method: 'POST',
  route: 'hooks/{triggerId}',
  summary:
    'A webhook delivery. Verified per trigger (HMAC signature, Stripe-style signed timestamp, token, Entra sign-in or clientState) over the raw body; answers Event Grid, Graph and Business Central validation handshakes',
  tags: ['triggers'],
  role: 'public',
  rawBody: true,
  params: HookParams,
  body: HookBody,
  headers: [
    { name: 'X-Hub-Signature-256', description: 'Example of a signature header; each trigger names its own (verification.header).' },
  ],
  responses: {
    200: {
      description:
        'A handshake answered (`{"validationResponse": …}` for Event Grid, the validationToken as text/plain for Graph and Business Central), or with respond=sync the run’s output',
    },
    202: {
      description: 'Accepted: one run committed and queued per event (a redelivery returns the run it started)',
      schema: HookAccepted,
      headers: { Location: 'URL of the run (one event)' },
    },
    204: { description: 'Every event was dropped by the trigger’s filter: no run' },
    401: { description: 'The delivery could not be verified (the answer does not say which check failed)' },
    413: { description: 'The body is larger than the trigger’s limit' },
    429: { description: 'The trigger’s rate limit is reached', headers: { 'Retry-After': 'Seconds to wait' } },
  },
  async handle({ platform, params, request }) {
    return toReply(
      await receiveDelivery(
        platform,
        params.triggerId,
        hookRequest(request, platform.config.http.maxBodyBytes),
        request.headers.get('x-forwarded-for'),
      ),
    );
  },
});

export const validateHook = defineRoute({
  name: 'validateHook',
  method: 'OPTIONS',
  route: 'hooks/{triggerId}',
  summary: 'CloudEvents webhook validation (Event Grid in CloudEvents mode): WebHook-Request-Origin answered with WebHook-Allowed-Origin',
  tags: ['triggers'],
  role: 'public',
  params: HookParams,
  headers: [{ name: 'WebHook-Request-Origin', description: 'The origin asking to deliver, e.g. eventgrid.azure.net', required: true }],
  responses: {
    200: {
      description: 'Allowed',
      headers: { 'WebHook-Allowed-Origin': 'The origin allowed', 'WebHook-Allowed-Rate': 'Deliveries per minute allowed (*)' },
    },
  },
  async handle({ platform, params, request }) {
    return toReply(
      await receiveDelivery(
        platform,
        params.triggerId,
        hookRequest(request, platform.config.http.maxBodyBytes),
        request.headers.get('x-forwarded-for'),
      ),
    );
  },
});

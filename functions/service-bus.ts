/**
 * Service Bus event triggers: a message on a configured queue or topic subscription starts a run
 * of the trigger's workflow through the same pre-flight commit as the HTTP API. The message body
 * is the run input and the message id the idempotency key, so a redelivered message (the host
 * abandons a message whose handler throws) returns the run it already started.
 *
 * Failures throw: the host abandons the message and Service Bus redelivers it until the entity's
 * max delivery count, then dead-letters it. Nothing is completed without a committed run.
 */
import type { InvocationContext } from '@azure/functions';
import type { Principal } from '../shared/domain/principal';
import { DemitonError, ValidationError } from '../shared/domain/errors';
import type { ServiceBusTrigger } from '../shared/domain/service-bus-triggers';
import { triggerRun, type Triggered } from '../shared/engine/preflight';
import { withTraceParent } from '../shared/observability/tracing';
import type { Platform } from '../shared/platform';
import { getPlatform } from './platform-instance';

/** The app setting prefix the host's Service Bus extension connects with (identity or connection string). */
export const SERVICE_BUS_CONNECTION = 'ServiceBusConnection';

/** What registration needs from `app` (the real `@azure/functions` app in production). */
export interface ServiceBusRegistrar {
  serviceBusQueue(
    name: string,
    options: { connection: string; queueName: string; handler: (m: unknown, c: InvocationContext) => Promise<void> },
  ): void;
  serviceBusTopic(
    name: string,
    options: {
      connection: string;
      topicName: string;
      subscriptionName: string;
      handler: (m: unknown, c: InvocationContext) => Promise<void>;
    },
  ): void;
}

/** Registers one Service Bus trigger per configured entry. */
export function registerServiceBusTriggers(
  app: ServiceBusRegistrar,
  triggers: readonly ServiceBusTrigger[],
  platformSource: () => Promise<Platform> = getPlatform,
): void {
  for (const t of triggers) {
    const handler = serviceBusHandler(t, platformSource);
    if (t.queue) app.serviceBusQueue(t.name, { connection: SERVICE_BUS_CONNECTION, queueName: t.queue, handler });
    else
      app.serviceBusTopic(t.name, { connection: SERVICE_BUS_CONNECTION, topicName: t.topic!, subscriptionName: t.subscription!, handler });
  }
}

/**
 * The run input from a message as the host passes it: JSON bodies arrive parsed, text as a
 * string (parsed here), binary bodies as a Buffer (UTF-8 JSON). Only a JSON object is an input.
 */
export function messageInput(message: unknown): Record<string, unknown> {
  let value = message;
  if (value instanceof Uint8Array) value = Buffer.from(value).toString('utf8');
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      throw new ValidationError(
        'The Service Bus message body is not JSON.',
        [{ path: 'body', message: 'expected a JSON object' }],
        'invalid_message_body',
      );
    }
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new ValidationError(
      'The Service Bus message body is not a JSON object.',
      [{ path: 'body', message: 'expected a JSON object (the run input)' }],
      'invalid_message_body',
    );
  }
  return value as Record<string, unknown>;
}

/** The message id from the trigger metadata, checked like the HTTP Idempotency-Key. */
export function messageIdOf(context: InvocationContext): string | undefined {
  const id = context.triggerMetadata?.['messageId'];
  return typeof id === 'string' && /^[\x21-\x7e]{1,255}$/.test(id) ? id : undefined;
}

/** The W3C traceparent a message carries: the host's invocation trace, else the sender's Diagnostic-Id. */
function traceParentOf(context: InvocationContext): string | undefined {
  const props = (context.triggerMetadata?.['applicationProperties'] ?? context.triggerMetadata?.['userProperties']) as
    Record<string, unknown> | undefined;
  const fromMessage = props?.['traceparent'] ?? props?.['Diagnostic-Id'] ?? props?.['diagnostic-Id'];
  return context.traceContext?.traceParent ?? (typeof fromMessage === 'string' ? fromMessage : undefined);
}

/** The handler for one trigger: commits and enqueues a run per message. */
export function serviceBusHandler(trigger: ServiceBusTrigger, platformSource: () => Promise<Platform> = getPlatform) {
  const entity = trigger.queue ?? `${trigger.topic}/${trigger.subscription}`;
  const principal: Principal = { orgId: trigger.orgId, actor: { type: 'system', id: `service-bus:${trigger.name}` }, role: 'operator' };
  return async (message: unknown, context: InvocationContext): Promise<void> => {
    const platform = await platformSource();
    const messageId = messageIdOf(context);
    const log = platform.logger.child({ trigger: trigger.name, orgId: trigger.orgId, workflowId: trigger.workflowId, messageId });
    await withTraceParent(traceParentOf(context), `servicebus ${entity}`, async () => {
      let run: Triggered;
      try {
        const input = messageInput(message);
        run = await triggerRun(platform, principal, trigger.workflowId, input, {
          idempotencyKey: messageId,
          trigger: 'event',
          source: `service-bus:${entity}`,
        });
      } catch (err) {
        const retryable = !(err instanceof DemitonError) || err.retryable;
        const deliveryCount = context.triggerMetadata?.['deliveryCount'];
        log[retryable ? 'warn' : 'error'](
          { err, code: err instanceof DemitonError ? err.code : 'internal_error', deliveryCount },
          retryable
            ? 'Service Bus message not started; it will be redelivered'
            : 'Service Bus message rejected; it is dead-lettered after the max delivery count',
        );
        throw err;
      }
      log.info(
        { runId: run.id, replayed: run.replayed },
        run.replayed ? 'Service Bus message redelivered; run already started' : 'run started from Service Bus',
      );
    });
  };
}

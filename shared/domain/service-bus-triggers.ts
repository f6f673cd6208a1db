/**
 * Service Bus event triggers, declared in the SERVICE_BUS_TRIGGERS setting as a JSON array. The
 * Functions host binds to queue and topic names when it starts, so triggers are configuration,
 * not data: each names the entity, the organisation and the workflow its messages start.
 */
import { z } from 'zod';

const entity = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._/-]{0,259}$/, 'expected a Service Bus entity name');

/** One trigger: a queue, or a topic with a subscription, starting runs of one workflow. */
export const ServiceBusTrigger = z
  .object({
    name: z
      .string()
      .regex(/^[A-Za-z][A-Za-z0-9_-]{0,63}$/, 'expected a function name: a letter, then letters, digits, _ or - (at most 64)'),
    queue: entity.optional(),
    topic: entity.optional(),
    subscription: entity.optional(),
    orgId: z.uuid('expected an organisation id (UUID)'),
    workflowId: z.uuid('expected a workflow id (UUID)'),
  })
  .strict()
  .refine((t) => (t.queue ? !t.topic && !t.subscription : !!t.topic && !!t.subscription), {
    message: "set either 'queue', or 'topic' and 'subscription'",
  });
export type ServiceBusTrigger = z.infer<typeof ServiceBusTrigger>;

/** The SERVICE_BUS_TRIGGERS value: a JSON array of triggers with unique names. */
export const ServiceBusTriggers = z
  .string()
  .transform((v, ctx) => {
    try {
      return JSON.parse(v) as unknown;
    } catch {
      ctx.addIssue({ code: 'custom', message: 'expected a JSON array of triggers' });
      return z.NEVER;
    }
  })
  .pipe(
    z
      .array(ServiceBusTrigger, { message: 'expected a JSON array of triggers' })
      .refine((ts) => new Set(ts.map((t) => t.name)).size === ts.length, 'trigger names must be unique'),
  );

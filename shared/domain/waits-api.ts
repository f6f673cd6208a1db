/** Bodies of the durable-wait routes (signals, events, approvals), declared once and registered for OpenAPI. */
import { z } from 'zod';
import { registerSchema } from './schema-registry';

const Name = z.string().regex(/^[A-Za-z0-9_.:-]{1,128}$/, 'must be 1-128 of letters, digits, _ . : -');

export const SignalParams = z.object({ id: z.uuid(), name: Name });

export const SignalBody = z.json().describe('The signal payload: any JSON; it becomes the output of the wait it ends.');

export const SignalResult = z
  .object({
    signalId: z.uuid(),
    delivery: z
      .enum(['resumed', 'kept'])
      .describe("'resumed': it ended a wait; 'kept': no wait asks for it yet, the first wait for this name takes it."),
    replayed: z.boolean().describe('True when the Idempotency-Key named an earlier signal: nothing changed.'),
  })
  .describe('What became of a signal.');

export const EventBody = z
  .strictObject({
    name: Name,
    key: z.string().min(1).max(512).describe('Runs whose wait `match` gave this key resume.'),
    payload: z.json().optional(),
  })
  .describe('An event: every run waiting on this name and key resumes with the payload.');

export const EventResult = z.object({ resumed: z.number().int().describe('Waits this event ended.') });

const Decision = z.object({
  actorId: z.string(),
  displayName: z.string().nullable(),
  decision: z.enum(['approve', 'reject']),
  comment: z.string().nullable(),
  decidedAt: z.iso.datetime(),
});

export const ApprovalView = z
  .object({
    id: z.uuid(),
    runId: z.uuid(),
    taskKey: z.string(),
    title: z.string(),
    details: z.json(),
    status: z.enum(['waiting', 'resumed', 'timed_out', 'rejected', 'cancelled']),
    required: z.number().int(),
    approvals: z.number().int(),
    approvers: z.object({
      roles: z.array(z.string()).optional(),
      groups: z.array(z.string()).optional(),
      users: z.array(z.string()).optional(),
    }),
    requester: z.string().nullable(),
    decisions: z.array(Decision),
    canDecide: z.boolean().describe('Whether the caller may decide it now.'),
    reason: z.string().nullable().describe('Why the caller may not decide, when not.'),
    createdAt: z.iso.datetime(),
    dueAt: z.iso.datetime().nullable(),
  })
  .describe('An approval task waiting for (or past) its decisions.');

export const ApprovalList = z.object({ items: z.array(ApprovalView) });

export const ListApprovalsQuery = z.object({
  status: z.enum(['pending', 'all']).default('pending').describe("'pending': only those the caller may decide now."),
});

export const DecisionBody = z.strictObject({
  decision: z.enum(['approve', 'reject']),
  comment: z.string().max(2_000).optional(),
});

export const RunWait = z.object({
  id: z.uuid(),
  taskKey: z.string(),
  attempt: z.number().int(),
  kind: z.enum(['signal', 'event', 'time', 'approval']),
  status: z.enum(['waiting', 'resumed', 'timed_out', 'rejected', 'cancelled']),
  signal: z.string().nullable(),
  event: z.string().nullable(),
  key: z.string().nullable(),
  dueAt: z.iso.datetime().nullable(),
  approval: ApprovalView.nullable(),
  createdAt: z.iso.datetime(),
  resolvedAt: z.iso.datetime().nullable(),
});
export const RunWaitList = z.object({ items: z.array(RunWait) });

registerSchema('SignalResult', SignalResult);
registerSchema('EventBody', EventBody);
registerSchema('EventResult', EventResult);
registerSchema('ApprovalView', ApprovalView);
registerSchema('ApprovalList', ApprovalList);
registerSchema('DecisionBody', DecisionBody);
registerSchema('RunWaitList', RunWaitList);

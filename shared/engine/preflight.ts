/**
 * The pre-flight commit: a run is written (WorkflowRun + every TaskRun, one transaction) before
 * anything can execute it, and only then enqueued. If the enqueue fails the run stays PENDING
 * and the recovery sweep enqueues it again: the row, not the message, is the truth.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { Principal } from '../auth/principal';
import type { RunStatus } from '../domain/api';
import { IdempotencyKeyReusedError, NotFoundError } from '../domain/errors';
import type { Platform } from '../platform';
import { currentRequestContext } from '../auth/request-context';
import { findByIdempotencyKey, insertRun, type RunTrigger } from '../store/runs';
import { getWorkflow } from '../store/workflows';
import { validateRunInput } from './input-schema';
import { currentTraceParent } from '../observability/tracing';
import { refuseIfWorkerPaused } from './workers-service';

export interface TriggerOptions {
  idempotencyKey?: string | undefined;
  trigger?: RunTrigger;
  source?: string | undefined;
}

export interface Triggered {
  id: string;
  status: RunStatus;
  /** True when the idempotency key named an existing run and no new run was made. */
  replayed: boolean;
}

/** Canonical JSON (sorted keys) hashed, to tell a replay from a different request under the same key. */
export function hashInput(input: unknown): string {
  const canon = (v: unknown): unknown =>
    Array.isArray(v) ? v.map(canon) : v && typeof v === 'object' ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, canon((v as Record<string, unknown>)[k])])) : v;
  return createHash('sha256').update(JSON.stringify(canon(input))).digest('base64url');
}

/** Commits a run of the workflow's latest version, then enqueues it. */
export async function triggerRun(p: Platform, who: Principal, workflowId: string, input: Record<string, unknown>, opts: TriggerOptions = {}): Promise<Triggered> {
  const wf = await getWorkflow(p.db, who.orgId, workflowId);
  if (!wf) throw new NotFoundError('workflow', workflowId);
  validateRunInput(wf.definition.inputSchema, input, `${wf.id}@${wf.version}`);
  // A paused digital worker takes no new work: refuse before anything is committed.
  await refuseIfWorkerPaused(p.db, who.orgId, wf.id);
  const id = randomUUID();
  const inputHash = opts.idempotencyKey ? hashInput(input) : null;
  // Run, task rows and audit entry in one statement: one transaction and one round trip.
  const inserted = await insertRun(p.db, {
    id,
    orgId: who.orgId,
    workflowId: wf.id,
    workflowVersion: wf.version,
    trigger: opts.trigger ?? 'http',
    input,
    tasks: wf.definition.tasks,
    idempotencyKey: opts.idempotencyKey ?? null,
    inputHash,
    audit: { actorType: who.actor.type, actorId: who.actor.id, action: 'run.trigger', source: opts.source ?? currentRequestContext()?.source ?? null },
  });
  if (!inserted) {
    const existing = await findByIdempotencyKey(p.db, who.orgId, wf.id, opts.idempotencyKey!);
    if (!existing) throw new Error('idempotency conflict without a run');
    if (existing.inputHash !== inputHash) throw new IdempotencyKeyReusedError(opts.idempotencyKey!);
    return { id: existing.id, status: existing.status, replayed: true };
  }
  try {
    const traceparent = currentTraceParent();
    await p.queue.enqueue({ runId: id, orgId: who.orgId, enqueuedAt: Date.now(), ...(traceparent ? { traceparent } : {}) });
  } catch (err) {
    // Committed but not queued: the recovery sweep will enqueue it. The caller still gets its run.
    p.logger.warn({ err, runId: id }, 'enqueue after pre-flight commit failed; the recovery sweep will enqueue the run');
  }
  return { id, status: 'PENDING', replayed: false };
}

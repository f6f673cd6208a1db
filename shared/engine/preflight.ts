/**
 * The pre-flight commit: a run is written (WorkflowRun + every TaskRun, one transaction) before
 * anything can execute it, and only then enqueued. If the enqueue fails the run stays PENDING
 * and the recovery sweep enqueues it again: the row, not the message, is the truth.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { Principal } from '../domain/principal';
import type { RunStatus } from '../domain/api';
import { ConflictError, IdempotencyKeyReusedError, NotFoundError } from '../domain/errors';
import type { Db } from '../db/db';
import type { WorkflowDefinition } from '../domain/workflow-definition';
import { insertRunsIfCurrent, type GuardedResult, type GuardedRun } from '../store/run-batches';
import { StatementBatcher } from '../db/statement-batcher';
import type { Platform } from '../platform';
import { findByIdempotencyKey, type RunTrigger } from '../store/runs';
import { getWorkflow } from '../store/workflows';
import { validateRunInput } from './input-schema';
import { currentTraceParent } from '../observability/tracing';
import { refuseIfWorkerPaused } from './workers-service';
import { refuseIfArchived } from './workflow-archive';

/** What this module uses of the platform (not the whole of it). */
export type PreflightDeps = Pick<Platform, 'db' | 'logger' | 'queue'>;

export interface TriggerOptions {
  idempotencyKey?: string | undefined;
  trigger?: RunTrigger;
  source?: string | undefined;
  /** A webhook delivery: recorded on its trigger as `started` in the statement that commits the run. */
  delivery?: { triggerId: string; deliveryId: string | null } | undefined;
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
    Array.isArray(v)
      ? v.map(canon)
      : v && typeof v === 'object'
        ? Object.fromEntries(
            Object.keys(v)
              .sort()
              .map((k) => [k, canon((v as Record<string, unknown>)[k])]),
          )
        : v;
  return createHash('sha256')
    .update(JSON.stringify(canon(input)))
    .digest('base64url');
}

/** The latest version of a workflow as this process last read it (checked again by every insert). */
interface KnownVersion {
  id: string;
  version: number;
  definition: WorkflowDefinition;
}

const MAX_KNOWN_VERSIONS = 1_000;
// Per process: a trigger validates against the version it knows and commits only if that version
// is still the latest (insertRunsIfCurrent), so a stale entry costs one retry, never a wrong run.
const knownVersions = new Map<string, KnownVersion>();
const inserters = new WeakMap<Db, StatementBatcher<GuardedRun, GuardedResult>>();

/**
 * Concurrent triggers of one process commit together: one statement and one commit per batch.
 * Triggers read in one pass of the event loop's I/O phase share a statement, and at most two are
 * in flight: at 64 concurrent triggers that made batches of ~20 runs instead of ~7, and triggers/s
 * 22-30 % higher than four in flight gathered per callback (docs/performance-log.md).
 */
function inserterFor(db: Db): StatementBatcher<GuardedRun, GuardedResult> {
  let b = inserters.get(db);
  if (!b) {
    b = new StatementBatcher((runs) => insertRunsIfCurrent(db, runs), { maxBatch: 256, maxInFlight: 2, gather: 'phase' });
    inserters.set(db, b);
  }
  return b;
}

function remember(key: string, v: KnownVersion): void {
  knownVersions.delete(key);
  if (knownVersions.size >= MAX_KNOWN_VERSIONS) knownVersions.delete(knownVersions.keys().next().value as string);
  knownVersions.set(key, v);
}

/**
 * Commits a run of the workflow's latest version, then enqueues it. One round trip when this
 * process already knows the workflow's latest version (the insert re-checks it, and the digital
 * worker's pause, in the same statement); otherwise the version is read first.
 */
export async function triggerRun(
  p: PreflightDeps,
  who: Principal,
  workflowId: string,
  input: Record<string, unknown>,
  opts: TriggerOptions = {},
): Promise<Triggered> {
  const key = `${who.orgId}/${workflowId}`;
  for (let attempt = 0; ; attempt++) {
    let wf = knownVersions.get(key);
    if (!wf) {
      const row = await getWorkflow(p.db, who.orgId, workflowId);
      if (!row) throw new NotFoundError('workflow', workflowId);
      // A paused digital worker takes no new work: refuse, with its name, before anything is committed.
      await refuseIfWorkerPaused(p.db, who.orgId, row.id);
      await refuseIfArchived(p.db, who.orgId, row.id);
      wf = { id: row.id, version: row.version, definition: row.definition };
    }
    validateRunInput(wf.definition.inputSchema, input, `${wf.id}@${wf.version}`);
    const id = randomUUID();
    const inputHash = opts.idempotencyKey ? hashInput(input) : null;
    // Run, task rows and audit entry in one statement, shared with concurrent triggers.
    const result = await inserterFor(p.db).submit({
      id,
      orgId: who.orgId,
      workflowId: wf.id,
      version: wf.version,
      trigger: opts.trigger ?? 'http',
      input,
      tasks: wf.definition.tasks,
      idempotencyKey: opts.idempotencyKey ?? null,
      inputHash,
      audit: { actorType: who.actor.type, actorId: who.actor.id, action: 'run.trigger', source: opts.source ?? who.source ?? null },
      delivery: opts.delivery ?? null,
    });
    if (!result.current) {
      // A newer version, a paused worker, an archived or deleted workflow: read again (the read reports the last three).
      knownVersions.delete(key);
      if (attempt < 3) continue;
      throw new ConflictError('workflow_changing', `Workflow ${workflowId} changed while the run was being committed; try again.`);
    }
    remember(key, wf);
    if (!result.inserted) {
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
}

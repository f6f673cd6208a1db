/**
 * Bulk retry: rerun every FAILED or CANCELLED top-level run a filter selects (workflow, status,
 * time window, error code), as one audited action. The caller previews first (the count), then
 * starts the action with that count; a count that changed in between is refused, so what runs is
 * what was previewed. At most MAX_BULK_RUNS runs per action: the selected ids are kept on the
 * action row, batches of BATCH_SIZE are retried one transaction each (the same `queueRetry` as a
 * single rerun, recorded with the action's id), and the progress is on the row. A process that
 * stops mid-way leaves the action RUNNING; the `bulkActions` timer resumes it where it stopped.
 */
import { randomUUID } from 'node:crypto';
import { ConflictError, NotFoundError, ValidationError, toStoredError } from '../domain/errors';
import type { Actor, Principal } from '../domain/principal';
import type { Platform } from '../platform';
import { appendAudit } from '../store/audit';
import {
  advanceBulkAction,
  countMatchingRuns,
  failBulkAction,
  getBulkAction,
  insertBulkAction,
  lockRunningBulkAction,
  matchingRunIds,
  staleBulkActions,
  type BulkActionRow,
  type BulkRunFilter,
} from '../store/bulk-run-actions';
import { queueRetry, type RetryOptions } from './rerun';
import { refuseIfArchived } from './workflow-archive';

/** What this module uses of the platform (not the whole of it). */
export type BulkRetryDeps = Pick<Platform, 'db' | 'logger' | 'queue'>;

/** Runs one action may retry: 10,000 ids are 360 KB on the row and about 100 batches. */
export const MAX_BULK_RUNS = 10_000;
/** Runs per transaction: about five statements each, so a batch commits in well under a second. */
const BATCH_SIZE = 100;
/** A RUNNING action whose row no batch moved for this long lost its process. */
const STALE_MS = 60_000;

export interface BulkRetryRequest {
  filter: {
    workflowId?: string | undefined;
    status?: ReadonlyArray<'FAILED' | 'CANCELLED'> | undefined;
    createdAfter?: string | undefined;
    createdBefore?: string | undefined;
    errorCode?: string | undefined;
  };
  options?: Pick<RetryOptions, 'version' | 'fromTask'> | undefined;
}

function toFilter(f: BulkRetryRequest['filter']): BulkRunFilter {
  const createdAfter = f.createdAfter ? new Date(f.createdAfter) : undefined;
  const createdBefore = f.createdBefore ? new Date(f.createdBefore) : undefined;
  if (createdAfter && createdBefore && createdAfter > createdBefore)
    throw new ValidationError(
      'createdAfter is later than createdBefore: no run can match.',
      [{ path: 'filter.createdAfter', message: `is later than createdBefore (${f.createdBefore})` }],
      'invalid_time_range',
    );
  return {
    workflowId: f.workflowId,
    statuses: f.status && f.status.length > 0 ? f.status : ['FAILED'],
    createdAfter,
    createdBefore,
    errorCode: f.errorCode,
  };
}

/** How many runs the filter selects now (up to MAX_BULK_RUNS + 1), and the bound. */
export async function previewBulkRetry(p: BulkRetryDeps, who: Principal, req: BulkRetryRequest) {
  const filter = toFilter(req.filter);
  // Runs of archived workflows are never selected; naming one is refused rather than matching none.
  if (filter.workflowId) await refuseIfArchived(p.db, who.orgId, filter.workflowId);
  const matched = await countMatchingRuns(p.db, who.orgId, filter, MAX_BULK_RUNS);
  return { matched: Math.min(matched, MAX_BULK_RUNS), overLimit: matched > MAX_BULK_RUNS, limit: MAX_BULK_RUNS };
}

export interface BulkActionView {
  id: string;
  kind: 'retry';
  status: BulkActionRow['status'];
  filter: Record<string, unknown>;
  options: Record<string, unknown>;
  total: number;
  done: number;
  retried: number;
  skipped: number;
  error: unknown;
  createdBy: string;
  createdAt: string;
  finishedAt: string | null;
}

function view(a: BulkActionRow): BulkActionView {
  return {
    id: a.id,
    kind: a.kind,
    status: a.status,
    filter: a.filter,
    options: a.options,
    total: a.total,
    done: a.done,
    retried: a.done - a.skipped,
    skipped: a.skipped,
    error: a.error ?? null,
    createdBy: a.createdBy,
    createdAt: a.createdAt.toISOString(),
    finishedAt: a.finishedAt ? a.finishedAt.toISOString() : null,
  };
}

/**
 * Starts a bulk retry of the runs the filter selects, which must still be `expectedCount` (the
 * preview's count): 409 `bulk_preview_stale` otherwise, 422 `bulk_too_large` over the bound.
 * The action and its one audit entry commit together; the batches then run in this process.
 */
export async function startBulkRetry(
  p: BulkRetryDeps,
  who: Principal,
  req: BulkRetryRequest & { expectedCount: number },
): Promise<BulkActionView> {
  const filter = toFilter(req.filter);
  const options = { version: req.options?.version ?? 'same', ...(req.options?.fromTask ? { fromTask: req.options.fromTask } : {}) };
  const id = randomUUID();
  await p.db.tx(async (q) => {
    if (filter.workflowId) await refuseIfArchived(q, who.orgId, filter.workflowId);
    const ids = await matchingRunIds(q, who.orgId, filter, MAX_BULK_RUNS + 1);
    if (ids.length > MAX_BULK_RUNS)
      throw new ValidationError(
        `The filter selects more than ${MAX_BULK_RUNS} runs; narrow it (a time window, an error code).`,
        [{ path: 'filter', message: `selects more than ${MAX_BULK_RUNS} runs` }],
        'bulk_too_large',
      );
    if (ids.length !== req.expectedCount)
      throw new ConflictError(
        'bulk_preview_stale',
        `The filter selects ${ids.length} runs now, not the ${req.expectedCount} previewed; preview again.`,
      );
    await insertBulkAction(q, {
      id,
      orgId: who.orgId,
      filter: req.filter,
      options,
      runIds: ids,
      createdBy: `${who.actor.type}:${who.actor.id}`,
    });
    await appendAudit(q, {
      orgId: who.orgId,
      actor: who.actor,
      source: who.source ?? null,
      action: 'run.bulk_retry',
      targetType: 'bulk_run_action',
      targetId: id,
      diff: { filter: req.filter, options, total: ids.length },
    });
  });
  const started = (await getBulkAction(p.db, who.orgId, id))!;
  void processBulkAction(p, id).catch((err: unknown) =>
    p.logger.warn({ err, bulkActionId: id }, 'bulk retry stopped; the timer resumes it'),
  );
  return view(started);
}

/** A bulk action with its progress. */
export async function getBulkRetry(p: BulkRetryDeps, who: Principal, id: string): Promise<BulkActionView> {
  const a = await getBulkAction(p.db, who.orgId, id);
  if (!a) throw new NotFoundError('bulk run action', id);
  return view(a);
}

function actorOf(createdBy: string): Actor {
  const at = createdBy.indexOf(':');
  return { type: createdBy.slice(0, at) as Actor['type'], id: createdBy.slice(at + 1) };
}

/**
 * Works through a RUNNING action batch by batch until it is done. Several processes may call it
 * for the same action: each batch locks the row (SKIP LOCKED), so a batch is done once.
 */
export async function processBulkAction(p: BulkRetryDeps, id: string): Promise<void> {
  for (;;) {
    let queued: Array<{ runId: string; orgId: string }> = [];
    const more = await p.db.tx(async (q) => {
      const a = await lockRunningBulkAction(q, id);
      if (!a) return false;
      const who: Principal = { orgId: a.orgId, actor: actorOf(a.createdBy), role: 'operator' };
      const batch = a.runIds.slice(a.done, a.done + BATCH_SIZE);
      let skipped = 0;
      queued = [];
      for (const runId of batch) {
        try {
          // Refusals are decided before any write, so the transaction goes on after one.
          const r = await queueRetry(q, who, runId, a.options as RetryOptions, a.id);
          if (r) queued.push({ runId, orgId: a.orgId });
          else skipped++;
        } catch (err) {
          if (!(err instanceof ConflictError || err instanceof ValidationError || err instanceof NotFoundError)) throw err;
          skipped++;
        }
      }
      await advanceBulkAction(q, id, batch.length, skipped);
      return a.done + batch.length < a.total;
    });
    if (queued.length > 0) {
      const now = Date.now();
      await p.queue
        .enqueueMany(queued.map((m) => ({ ...m, enqueuedAt: now })))
        .catch((err: unknown) =>
          p.logger.warn({ err, bulkActionId: id }, 'enqueue of bulk reruns failed; the recovery sweep will enqueue them'),
        );
    }
    if (!more) return;
  }
}

/** The timer's part: resumes actions whose process stopped; an action that cannot go on is ended FAILED. */
export async function resumeBulkActions(p: BulkRetryDeps): Promise<number> {
  const ids = await staleBulkActions(p.db, STALE_MS, 10);
  for (const id of ids) {
    try {
      await processBulkAction(p, id);
    } catch (err) {
      p.logger.warn({ err, bulkActionId: id }, 'bulk retry failed');
      await failBulkAction(p.db, id, toStoredError(err));
    }
  }
  return ids.length;
}

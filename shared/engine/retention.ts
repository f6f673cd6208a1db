/**
 * Run retention (issue #18): deletes each organisation's finished runs (SUCCEEDED, FAILED,
 * CANCELLED) that ended more than its `runRetentionDays` ago, with their task, chunk, wait and
 * signal rows, in bounded batches within a time budget per tick. Live runs (PENDING, RUNNING,
 * WAITING) and child runs of a live run are never touched; neither is the audit log.
 *
 * One purge per organisation at a time across instances: a lease row (shared/store/retention.ts)
 * that every deleting statement checks and renews. Statements stay short (at most `chunkBatch`
 * chunk rows or `runsPerStatement` runs each, each its own transaction), so triggers and workers
 * writing meanwhile never wait behind a purge for long.
 */
import { randomUUID } from 'node:crypto';
import type { Db } from '../db/db';
import type { Logger } from '../logger';
import { recordPurged } from '../observability/metrics';
import * as store from '../store/retention';

export interface RetentionDeps {
  db: Db;
  logger: Logger;
}

export interface PurgeOptions {
  /** This purger's name on the lease (one per process by default). */
  holder?: string;
  /** "Now", for tests of the cut-off. */
  now?: Date;
  /** Milliseconds after which no new batch starts (the tick's budget). */
  budgetMs: number;
  /** Chunk rows per DELETE statement. */
  chunkBatch: number;
  /** Top-level runs taken per batch (their child runs come with them). */
  rootsPerBatch?: number;
  /** Run rows per deleting transaction. */
  runsPerStatement?: number;
  /** The lease length: a purger that stops loses the organisation after this. */
  leaseMs?: number;
  /** Only these organisations (tests); default every organisation with a retention. */
  orgIds?: readonly string[];
}

/** What one tick did, per organisation. */
export interface PurgeReport {
  orgs: { orgId: string; days: number; runs: number; tasks: number; chunks: number; complete: boolean; skipped?: 'leased' }[];
  ms: number;
}

const PROCESS_HOLDER = `purger-${randomUUID()}`;
// A batch of 1,000 top-level runs and statements of 1,000 runs keep each transaction to a few
// thousand row deletions (about 50 ms on the bench machine), short enough that triggers never
// queue behind one.
const DEFAULT_ROOTS = 1_000;
const DEFAULT_RUNS_PER_STATEMENT = 1_000;
const DEFAULT_LEASE_MS = 60_000;
const DAY_MS = 86_400_000;

/** One tick of the retention timer: every organisation with a retention, oldest runs first. */
export async function purgeExpiredRuns(deps: RetentionDeps, opts: PurgeOptions): Promise<PurgeReport> {
  const started = Date.now();
  const deadline = started + opts.budgetMs;
  const holder = opts.holder ?? PROCESS_HOLDER;
  const leaseMs = opts.leaseMs ?? DEFAULT_LEASE_MS;
  const policies = (await store.retentionPolicies(deps.db)).filter((p) => !opts.orgIds || opts.orgIds.includes(p.orgId));
  const report: PurgeReport = { orgs: [], ms: 0 };
  for (const policy of policies) {
    if (Date.now() >= deadline) break;
    const before = new Date((opts.now ?? new Date()).getTime() - policy.days * DAY_MS);
    const line = { orgId: policy.orgId, days: policy.days, runs: 0, tasks: 0, chunks: 0, complete: false } as PurgeReport['orgs'][number];
    report.orgs.push(line);
    if (!(await store.takePurgeLease(deps.db, policy.orgId, holder, leaseMs))) {
      line.skipped = 'leased';
      continue;
    }
    try {
      line.complete = await purgeOrg(deps, { ...opts, holder, leaseMs, before, orgId: policy.orgId, deadline }, line);
    } finally {
      await store.releasePurgeLease(deps.db, policy.orgId, holder);
    }
    if (line.runs || line.chunks) {
      deps.logger.info(
        {
          orgId: policy.orgId,
          retentionDays: policy.days,
          runs: line.runs,
          tasks: line.tasks,
          chunks: line.chunks,
          complete: line.complete,
        },
        'retention purge deleted finished runs',
      );
    }
  }
  report.ms = Date.now() - started;
  return report;
}

/** Purges one organisation until nothing is due or the deadline passes; true when nothing is left. */
async function purgeOrg(
  deps: RetentionDeps,
  a: PurgeOptions & { holder: string; leaseMs: number; before: Date; orgId: string; deadline: number },
  line: { runs: number; tasks: number; chunks: number },
): Promise<boolean> {
  const perStatement = a.runsPerStatement ?? DEFAULT_RUNS_PER_STATEMENT;
  for (;;) {
    if (Date.now() >= a.deadline) return false;
    const roots = await store.purgeableRoots(deps.db, a.orgId, a.before, a.rootsPerBatch ?? DEFAULT_ROOTS);
    if (!roots.length) return true;
    const tree = await store.runTrees(deps.db, a.orgId, roots);
    // Deepest first, so a slice never deletes a run whose child runs are still there.
    for (let i = 0; i < tree.length; i += perStatement) {
      const slice = tree.slice(i, i + perStatement);
      const runIds = slice.map((r) => r.id);
      let chunks = 0;
      let fromRunId: string | null = null;
      for (;;) {
        if (Date.now() >= a.deadline) return false;
        const batch = await store.deleteChunkBatch(deps.db, {
          orgId: a.orgId,
          holder: a.holder,
          leaseMs: a.leaseMs,
          runIds,
          limit: a.chunkBatch,
          fromRunId,
        });
        if (batch === null) return lostLease(deps, a.orgId, line);
        const n = batch.deleted;
        fromRunId = batch.lastRunId;
        chunks += n;
        line.chunks += n;
        recordPurged('chunk_runs', n);
        if (n < a.chunkBatch) break;
      }
      const gone = await store.deleteRunRows(deps.db, {
        orgId: a.orgId,
        holder: a.holder,
        leaseMs: a.leaseMs,
        before: a.before,
        runs: slice,
        chunksDeletedBefore: chunks,
      });
      if (!gone) return lostLease(deps, a.orgId, line);
      line.runs += gone.runs;
      line.tasks += gone.tasks;
      line.chunks += gone.chunks;
      recordPurged('workflow_runs', gone.runs);
      recordPurged('task_runs', gone.tasks);
      recordPurged('chunk_runs', gone.chunks);
    }
  }
}

function lostLease(deps: RetentionDeps, orgId: string, line: { runs: number; chunks: number }): false {
  deps.logger.warn({ orgId, runs: line.runs, chunks: line.chunks }, 'retention purge lost its lease; another purger goes on');
  return false;
}

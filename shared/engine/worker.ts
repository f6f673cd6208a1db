/**
 * The worker: drains the queue, claims each run (a conditional update: PENDING, or RUNNING with an
 * expired lease) and executes it under a lease that one heartbeat timer keeps alive. A message
 * whose run row was never committed is dropped with a log line and never executed: the pre-flight
 * invariant. Messages are acknowledged only after the run has ended or been handed on, so a crash
 * leaves them in this worker's processing list, which the recovery sweep hands back once this
 * worker's heartbeat stops.
 *
 * Queue or database outages: reserving retries with backoff (ioredis and pg reconnect on their
 * own); a run whose writes fail is given up (its lease expired at once) and resumed by recovery.
 */
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { DemitonError } from '../domain/errors';
import type { Platform } from '../platform';
import type { Reservation, RunMessage } from '../queue/work-queue';
import { expireLease, runStatus, unclaimRun, type ClaimedRun } from '../store/runs';
import { claimRun, claimRuns, endRuns, type ClaimRequest, type RunEnd } from '../store/run-batches';
import { StatementBatcher } from '../db/statement-batcher';
import { workflowSlot, type WorkflowSlot } from './concurrency-limits';
import { RunExecutor } from './execute-run';
import { createTaskServices } from './task-services';
import { LeaseKeeper, isAbandonment } from './lease';
import { recordClaimLatency, recordRunEnd } from '../observability/metrics';
import { withTraceParent } from '../observability/tracing';

/** What this module uses of the platform (not the whole of it). */
export type WorkerDeps = Pick<Platform, 'ai' | 'config' | 'connectors' | 'db' | 'logger' | 'network' | 'queue' | 'registry' | 'secretBox'>;

export interface WorkerOptions {
  /** Runs executed at once by this worker. */
  concurrency: number;
  /** Stable id (names the processing list); a fresh one per process when absent. */
  workerId?: string | undefined;
  /** How long one blocking reserve waits before looping (and noticing `stop`). */
  pollMs?: number;
  /** Lease taken on a claimed run (default: the configured WORKER_LEASE_MS). */
  leaseMs?: number;
  /** How long `stop()` lets runs in hand finish before handing them back (default: wait for them). */
  shutdownGraceMs?: number;
}

/** The worker is stopping and its grace period is over: the run is handed back, not failed. */
export class WorkerStoppingError extends DemitonError {
  readonly code = 'worker_stopping';
  override readonly retryable = true;
  constructor(readonly workerId: string) {
    super(`Worker ${workerId} is shutting down; the run is handed back to the queue.`);
  }
}

/** Makes a worker id unique to this process. */
export function newWorkerId(): string {
  return `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
}

export class Worker {
  readonly id: string;
  readonly leases: LeaseKeeper;
  private readonly executor: RunExecutor;
  private readonly leaseMs: number;
  /** Claims of the runs reserved together go out as one statement (group commit). */
  readonly claims: StatementBatcher<ClaimRequest, ClaimedRun | null>;
  /** Run ends that happen together go out as one statement. */
  readonly runEnds: StatementBatcher<RunEnd, boolean>;
  private readonly inflight = new Set<Promise<void>>();
  private loop: Promise<void> | null = null;
  private stopping = false;
  /** Runs this worker has finished (any outcome) since it started. */
  completed = 0;
  private credential: import('@azure/identity').TokenCredential | undefined;

  constructor(
    private readonly platform: WorkerDeps,
    private readonly opts: WorkerOptions,
  ) {
    this.id = opts.workerId ?? newWorkerId();
    this.leaseMs = opts.leaseMs ?? platform.config.worker.leaseMs ?? 30_000;
    const logger = platform.logger.child({ workerId: this.id });
    this.leases = new LeaseKeeper({ db: platform.db, queue: platform.queue, owner: this.id, leaseMs: this.leaseMs, logger });
    // One statement of each kind in flight: the requests made meanwhile form the next, larger
    // batch. Two in flight overlapped round trips but halved the batches (drain of 20,000 runs:
    // ~13 → ~20 runs per statement with one; worker CPU per run 0.10 → 0.08 ms; bench drain
    // +1–6 %, trigger +7–14 %).
    const batch = { maxBatch: 256, maxInFlight: 1 };
    this.claims = new StatementBatcher(async (reqs) => {
      const claimed = await claimRuns(platform.db, this.id, this.leaseMs, reqs);
      // A run reserved twice in one batch (a duplicated message) is executed once: the first request gets it.
      return reqs.map((r) => {
        const run = claimed.get(r.runId);
        if (!run || run.orgId !== r.orgId) return null;
        claimed.delete(r.runId);
        return run;
      });
    }, batch);
    this.runEnds = new StatementBatcher(async (ends) => {
      const ended = await endRuns(platform.db, this.id, ends);
      return ends.map((e) => ended.has(e.runId));
    }, batch);
    this.executor = new RunExecutor({
      runEnds: this.runEnds,
      db: platform.db,
      queue: platform.queue,
      registry: platform.registry,
      connectors: platform.connectors,
      logger,
      leases: this.leases,
      maxWorkerCrashes: platform.config.worker.maxCrashes,
      studioPublicUrl: platform.config.studioPublicUrl,
      taskServices: createTaskServices({
        db: platform.db,
        ai: platform.ai,
        aiConfig: platform.config.ai,
        secretBox: platform.secretBox,
        network: platform.network,
        registry: platform.registry,
        connectors: platform.connectors,
        logger,
        credential: async () => {
          // Built on first use only: the deployment's Azure OpenAI without a key.
          const { DefaultAzureCredential } = await import('@azure/identity');
          return (this.credential ??= new DefaultAzureCredential());
        },
      }),
    });
  }

  /** Starts draining the queue (after the first heartbeat, so the worker is known alive before it holds anything). */
  start(): void {
    if (this.loop) return;
    this.loop = this.leases.start().then(() => this.run());
  }

  /**
   * Stops taking work and lets the runs in hand finish for `graceMs`; runs still going then are
   * aborted and handed back (lease expired, message re-queued) for another worker to resume from
   * their first unfinished task. SIGTERM handlers and the Functions host's appTerminate call this.
   */
  async stop(graceMs: number = this.opts.shutdownGraceMs ?? Infinity): Promise<void> {
    this.stopping = true;
    // The grace period counts from now, so the whole stop fits the host's window (the Functions
    // host gives about 5 s): leaving the blocking reserve is part of it, and a message that reserve
    // still brings is handed back, not started.
    const deadline = Number.isFinite(graceMs) ? delay(graceMs, 'deadline' as const, { ref: false }) : null;
    await (deadline ? Promise.race([this.loop, deadline]) : this.loop);
    const settled = Promise.allSettled([...this.inflight]);
    if (this.inflight.size > 0 && deadline) {
      if ((await Promise.race([settled, deadline])) === 'deadline') {
        this.platform.logger.warn(
          { workerId: this.id, runs: this.leases.heldRuns() },
          'shutdown grace period over; handing back the runs in hand',
        );
        this.leases.abortAll(new WorkerStoppingError(this.id));
      }
    }
    await settled;
    await this.leases.stop();
    await this.platform.queue.forgetWorker(this.id).catch(() => undefined);
  }

  private async run(): Promise<void> {
    const { queue, logger } = this.platform;
    const pollMs = this.opts.pollMs ?? 1_000;
    let failures = 0;
    while (!this.stopping) {
      while (this.inflight.size >= this.opts.concurrency && !this.stopping) await Promise.race(this.inflight);
      if (this.stopping) break;
      let r: Reservation | null;
      try {
        r = await queue.reserve(this.id, pollMs);
        failures = 0;
      } catch (err) {
        failures++;
        logger.warn({ err, workerId: this.id }, 'queue unavailable; retrying');
        await delay(Math.min(100 * 2 ** failures, 5_000));
        continue;
      }
      if (!r) continue;
      if (this.stopping) {
        await this.handBack(r);
        break;
      }
      this.dispatch(r);
      // The rest of the free slots in one round trip: a backlog drains a batch per blocking
      // reserve instead of one message per round trip (bench: the reserve loop capped the drain).
      const free = this.opts.concurrency - this.inflight.size;
      if (free > 0 && queue.reserveMore && !this.stopping) {
        let more: Reservation[] = [];
        try {
          more = await queue.reserveMore(this.id, free);
        } catch (err) {
          // Anything moved but not returned stays PENDING in the database: the recovery sweep re-enqueues it.
          logger.warn({ err, workerId: this.id }, 'reserving more messages failed');
        }
        for (const m of more) this.dispatch(m);
      }
    }
  }

  /** A message reserved while stopping goes back to the queue (enqueued first, so it is never only in flight). */
  private async handBack(r: Reservation): Promise<void> {
    try {
      await this.platform.queue.enqueue(r.message);
      await this.platform.queue.ack(this.id, r);
    } catch (err) {
      // Still in this worker's processing list: the recovery sweep hands it back once the worker is gone.
      this.platform.logger.warn({ err, runId: r.message.runId }, 'handing back a message reserved during shutdown failed');
    }
  }

  private dispatch(r: Reservation): void {
    const p = this.handle(r).finally(() => this.inflight.delete(p));
    this.inflight.add(p);
  }

  private async handle(r: Reservation): Promise<void> {
    const { db, queue, logger } = this.platform;
    const { runId, orgId } = r.message;
    try {
      const claimed = await this.claims.submit({ orgId, runId });
      if (claimed) recordClaimLatency(r.message.enqueuedAt);
      if (!claimed) {
        const status = await runStatus(db, orgId, runId);
        if (status === null) logger.warn({ runId, orgId }, 'dropped queue message: no committed run with this id in this organisation');
        else logger.debug({ runId, status }, 'run already claimed or finished; message dropped');
      } else {
        await withTraceParent(r.message.traceparent, 'run', () => this.executeClaimed(claimed, r.message), {
          'demiton.run.id': runId,
          'demiton.org.id': orgId,
          'demiton.worker.id': this.id,
        });
      }
      await queue.ack(this.id, r);
    } catch (err) {
      // Database or queue trouble: the message stays in this worker's processing list and the run
      // keeps its lease until it expires; recovery hands both back.
      logger.error({ err, runId }, 'run handling failed');
    }
  }

  /** The workflow's concurrency slot for a run, or null (no limit, or the definition cannot load: the run fails on its own). */
  private async slotFor(run: ClaimedRun): Promise<WorkflowSlot | null> {
    try {
      // A test of one step carries a definition without a limit: it takes no slot of the workflow's real runs.
      const { definition } = await this.executor.definitionOf(run);
      return await workflowSlot(definition, run);
    } catch {
      return null;
    }
  }

  private async executeClaimed(first: ClaimedRun, message: RunMessage): Promise<void> {
    const { db, queue, logger } = this.platform;
    let claimed: ClaimedRun | null = first;
    const slot = await this.slotFor(claimed);
    if (slot) {
      const req = { key: slot.key, holder: claimed.id, limit: slot.limit, ttlMs: this.leaseMs };
      if (!(await queue.acquireSlot(req))) {
        // Over the limit: back to PENDING first, then park, so a wake-up always finds it claimable.
        await unclaimRun(db, claimed.orgId, claimed.id, this.id, claimed.startedTaskId ?? null);
        if (!(await queue.acquireSlot({ ...req, park: message }))) return;
        // A slot freed in between: take the run again (unless another worker did).
        claimed = await claimRun(db, message.orgId, message.runId, this.id, this.leaseMs);
        if (!claimed) {
          await queue.releaseSlot(slot.key, req.holder, slot.limit);
          return;
        }
      }
      this.leases.holdSlot(slot.key, claimed.id);
    }
    // A run let go WAITING with `holdSlotWhileWaiting` keeps its slot (released by its end, a cancel or
    // the sweep); one sent straight back to the queue had it released before it was queued.
    let slotSettled = false;
    // The slot goes back before the run is queued again: the next claim takes it as the same holder.
    const releaseSlot = async () => {
      if (!slot || slotSettled) return;
      slotSettled = true;
      this.leases.releaseSlot(slot.key, claimed.id);
      await queue
        .releaseSlot(slot.key, claimed.id, slot.limit)
        .catch((err) => logger.warn({ err }, 'releasing a concurrency slot failed; its lease will run out'));
    };
    try {
      const started = Date.now();
      const outcome = await this.executor.execute(claimed, undefined, slot);
      slotSettled = outcome.slotHeld === true || outcome.slotReleased === true;
      recordRunEnd(started, outcome.status, outcome.error?.code);
      this.completed++;
    } catch (err) {
      if (isAbandonment(err)) {
        logger.info({ runId: claimed.id, reason: (err as Error).message }, 'run given up: cancelled or taken over');
      } else {
        if (err instanceof WorkerStoppingError)
          logger.info({ runId: claimed.id }, 'run handed back on shutdown; another worker resumes it');
        else logger.warn({ err, runId: claimed.id }, 'run given up after an infrastructure error; recovery resumes it');
        await expireLease(db, claimed.id, this.id).catch(() => undefined);
        await releaseSlot();
        await queue.enqueue({ ...message, enqueuedAt: Date.now() }).catch(() => undefined);
      }
    } finally {
      if (slot) this.leases.releaseSlot(slot.key, claimed.id);
      await releaseSlot();
    }
  }
}

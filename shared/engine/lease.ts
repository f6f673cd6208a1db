/**
 * Leases on the runs a worker executes. A worker holds each run it executes (and each inline
 * child) under a lease in `workflow_runs` (lease_owner, lease_expires_at). One timer per worker,
 * not per task, extends every lease in hand with one statement; a run missing from the answer was
 * cancelled or taken over, and its AbortSignal fires so its operations stop. Every write the
 * worker makes is fenced on the lease in the same statement (see store/runs.ts), so a worker that
 * lost a lease cannot change the run even before it notices.
 */
import type { Db } from '../db/db';
import { DemitonError, ServiceUnavailableError } from '../domain/errors';
import type { Logger } from '../logger';
import type { CancelBus, ConcurrencySlots, WorkerLiveness } from '../queue/work-queue';
import { extendLeases } from '../store/runs';
import { linkedAbort } from './linked-abort';

/** The worker no longer holds the run's lease (it expired and another worker took the run). */
export class LeaseLostError extends DemitonError {
  readonly code = 'lease_lost';
  override readonly retryable = true;
  constructor(readonly runId: string) {
    super(`This worker no longer holds the lease of run ${runId}.`);
  }
}

/** The run was cancelled while this worker executed it. */
export class RunCancelledError extends DemitonError {
  readonly code = 'run_cancelled';
  constructor(readonly runId: string) {
    super(`Run ${runId} was cancelled.`);
  }
}

/** True for errors that mean "stop executing this run and write nothing more": lease lost or cancelled. */
export function isAbandonment(err: unknown): boolean {
  return err instanceof LeaseLostError || err instanceof RunCancelledError;
}

/**
 * The abandonment rule, the one place it is written: after such an error (or once the run's
 * signal has fired) the worker stops and writes nothing more for the run. The lease was lost, the
 * run was cancelled, or the database is unreachable; whoever holds the run next resumes it.
 */
export function mustAbandon(err: unknown, signal?: AbortSignal): boolean {
  return !!signal?.aborted || isAbandonment(err) || (err instanceof ServiceUnavailableError && err.dependency === 'database');
}

export interface LeaseKeeperOptions {
  db: Db;
  /** Where the keeper heartbeats, renews slots and hears of cancelled runs. */
  queue: WorkerLiveness & ConcurrencySlots & CancelBus;
  owner: string;
  leaseMs: number;
  logger: Logger;
}

interface Held {
  /** Aborts this run's signal (not its parent's). */
  controller: Pick<AbortController, 'signal' | 'abort'>;
  signal: AbortSignal;
  /** Removes the listener on the parent run's signal (nested runs only). */
  unlink?: (() => void) | undefined;
}

/** The runs and concurrency slots one worker holds, kept alive by one heartbeat timer. */
export class LeaseKeeper {
  private readonly runs = new Map<string, Held>();
  private readonly slots = new Map<string, { key: string; holder: string }>();
  private timer: NodeJS.Timeout | null = null;
  private unsubscribe: (() => void) | null = null;
  private beating: Promise<void> | null = null;

  constructor(private readonly o: LeaseKeeperOptions) {}

  get owner(): string {
    return this.o.owner;
  }

  get leaseMs(): number {
    return this.o.leaseMs;
  }

  /** Starts the heartbeat (every third of the lease, so two missed beats still keep it) and listens for cancellations. */
  async start(): Promise<void> {
    await this.beat();
    this.timer = setInterval(() => void this.beat(), Math.max(50, Math.floor(this.o.leaseMs / 3)));
    this.timer.unref();
    this.unsubscribe = this.o.queue.onCancel((runId) => this.runs.get(runId)?.controller.abort(new RunCancelledError(runId)));
  }

  /** Stops the heartbeat. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.unsubscribe?.();
    this.unsubscribe = null;
    await this.beating;
  }

  /** Registers a run this worker now holds; its signal also fires when `parent` does. */
  hold(runId: string, parent?: AbortSignal): AbortSignal {
    // A nested run (a chunk's child workflow) links to its parent's signal until it is released;
    // not AbortSignal.any, which would leave an entry on the parent's signal per child (linked-abort.ts).
    this.runs.get(runId)?.unlink?.();
    const link = parent ? linkedAbort(parent) : null;
    const controller = link ?? new AbortController();
    this.runs.set(runId, { controller, signal: controller.signal, unlink: link?.unlink });
    return controller.signal;
  }

  /** Forgets a run (it ended, or the worker gave it up). */
  release(runId: string): void {
    this.runs.get(runId)?.unlink?.();
    this.runs.delete(runId);
  }

  /** Keeps a concurrency slot's lease alive with the runs'. */
  holdSlot(key: string, holder: string): void {
    this.slots.set(`${key}\u0000${holder}`, { key, holder });
  }

  releaseSlot(key: string, holder: string): void {
    this.slots.delete(`${key}\u0000${holder}`);
  }

  /** Aborts every run in hand with `reason` (a stopping worker past its grace period hands them back). */
  abortAll(reason: Error): void {
    for (const h of this.runs.values()) if (!h.controller.signal.aborted) h.controller.abort(reason);
  }

  /** Run ids held now. */
  heldRuns(): string[] {
    return [...this.runs.keys()];
  }

  /** One heartbeat: worker liveness in the queue, run leases in the database, slot leases. */
  beat(): Promise<void> {
    if (this.beating) return this.beating;
    this.beating = this.beatOnce().finally(() => (this.beating = null));
    return this.beating;
  }

  private async beatOnce(): Promise<void> {
    const { db, queue, owner, leaseMs, logger } = this.o;
    const ids = [...this.runs.keys()];
    const results = await Promise.allSettled([
      queue.heartbeat(owner, leaseMs),
      extendLeases(db, owner, ids, leaseMs),
      queue.renewSlots([...this.slots.values()], leaseMs),
    ]);
    const [q, leases, slots] = results;
    if (q.status === 'rejected') logger.warn({ err: q.reason }, 'worker heartbeat to the queue failed');
    if (slots.status === 'rejected') logger.warn({ err: slots.reason }, 'renewing concurrency slots failed');
    if (leases.status === 'rejected') {
      // The database is unreachable: leases run out on their own if this lasts; fenced writes stop us then.
      logger.warn({ err: leases.reason }, 'extending run leases failed');
      return;
    }
    for (const id of ids) {
      if (leases.value.has(id)) continue;
      const held = this.runs.get(id);
      if (held && !held.controller.signal.aborted) {
        logger.warn({ runId: id }, 'lease lost (cancelled or taken over); aborting the run here');
        held.controller.abort(new LeaseLostError(id));
      }
    }
  }
}

/**
 * The worker: drains the queue, claims each run (PENDING → RUNNING, a conditional update) and
 * executes it. A message whose run row was never committed is dropped with a log line and never
 * executed: the pre-flight invariant. Messages are acknowledged only after the run has ended, so a
 * crash leaves them in this worker's processing list to be handed back.
 */
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import type { Platform } from '../platform';
import type { Reservation } from '../queue/work-queue';
import { claimRun, runStatus } from '../store/runs';
import { RunExecutor } from './execute-run';

export interface WorkerOptions {
  /** Runs executed at once by this worker. */
  concurrency: number;
  /** Stable id (names the processing list); a fresh one per process when absent. */
  workerId?: string | undefined;
  /** How long one blocking reserve waits before looping (and noticing `stop`). */
  pollMs?: number;
  /** Lease taken on a claimed run. */
  leaseMs?: number;
}

/** Makes a worker id unique to this process. */
export function newWorkerId(): string {
  return `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
}

export class Worker {
  readonly id: string;
  private readonly executor: RunExecutor;
  private readonly inflight = new Set<Promise<void>>();
  private readonly abort = new AbortController();
  private loop: Promise<void> | null = null;
  private stopping = false;
  /** Runs this worker has finished (any outcome) since it started. */
  completed = 0;

  constructor(
    private readonly platform: Platform,
    private readonly opts: WorkerOptions,
  ) {
    this.id = opts.workerId ?? newWorkerId();
    this.executor = new RunExecutor({
      db: platform.db,
      registry: platform.registry,
      connectors: platform.connectors,
      logger: platform.logger.child({ workerId: this.id }),
      workerId: this.id,
    });
  }

  /** Starts draining the queue. */
  start(): void {
    if (this.loop) return;
    this.loop = this.run();
  }

  /** Stops taking work and waits for the runs in hand to finish. */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.loop;
    await Promise.allSettled([...this.inflight]);
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
      const p = this.handle(r).finally(() => this.inflight.delete(p));
      this.inflight.add(p);
    }
  }

  private async handle(r: Reservation): Promise<void> {
    const { db, queue, logger } = this.platform;
    const { runId, orgId } = r.message;
    try {
      const claimed = await claimRun(db, orgId, runId, this.id, this.opts.leaseMs ?? 60_000);
      if (!claimed) {
        const status = await runStatus(db, orgId, runId);
        if (status === null) logger.warn({ runId, orgId }, 'dropped queue message: no committed run with this id in this organisation');
        else logger.debug({ runId, status }, 'run already claimed or finished; message dropped');
      } else {
        await this.executor.execute(claimed, this.abort.signal);
        this.completed++;
      }
      await queue.ack(this.id, r);
    } catch (err) {
      // Database or queue trouble mid-run: the message stays in this worker's processing list and
      // the run keeps its lease; recovery hands both back.
      logger.error({ err, runId }, 'run handling failed');
    }
  }
}

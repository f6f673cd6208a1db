/**
 * The work queue contract. Redis only carries work: a message names a committed run, and the
 * worker re-reads everything else from Postgres. Messages are reserved into a per-worker
 * processing list (not popped), so a worker that dies holds nothing that cannot be handed back.
 * `redis-queue.ts` and `memory-queue.ts` pass one contract suite per interface
 * (tests/integration/queue-contract.integration.test.ts for RunQueue, and
 * reliability/queue-reliability-contract.integration.test.ts for WorkerLiveness,
 * ConcurrencySlots and CancelBus).
 */

/** What travels through the queue: a pointer to a committed run. */
export interface RunMessage {
  runId: string;
  orgId: string;
  /** Epoch milliseconds when the message was enqueued (for claim-latency metrics). */
  enqueuedAt: number;
  /** W3C trace context of the operation that enqueued the run, so the worker's spans join its trace. */
  traceparent?: string;
}

/** A message moved into a worker's processing list; `raw` is its exact serialised form. */
export interface Reservation {
  message: RunMessage;
  raw: string;
}

/** The queue proper: messages in, reserved into a worker's processing list, acked when done. */
export interface RunQueue {
  readonly backend: 'redis' | 'embedded';
  enqueue(message: RunMessage): Promise<void>;
  enqueueMany(messages: readonly RunMessage[]): Promise<void>;
  /** Moves the oldest message into `workerId`'s processing list; waits up to `timeoutMs`, then null. */
  reserve(workerId: string, timeoutMs: number): Promise<Reservation | null>;
  /**
   * Moves up to `max` waiting messages into `workerId`'s processing list without waiting, in one
   * round trip (a worker with free slots takes a batch after each blocking reserve). Optional:
   * a queue without it is reserved from one message at a time.
   */
  reserveMore?(workerId: string, max: number): Promise<Reservation[]>;
  /** Removes a finished message from `workerId`'s processing list. */
  ack(workerId: string, reservation: Reservation): Promise<void>;
  /** Hands every message `workerId` holds back to the queue; returns how many. */
  requeueProcessing(workerId: string): Promise<number>;
  /** Messages waiting (not counting those being processed). */
  depth(): Promise<number>;
  /** Round-trip time to the backend in milliseconds; throws when it is down. */
  ping(): Promise<number>;
  /** Stops waiting reservations (they resolve to null) and releases connections. */
  close(): Promise<void>;
}

/**
 * Worker liveness: a worker heartbeats while it runs; the recovery sweep hands back the processing
 * lists of workers whose heartbeat stopped (killed, frozen, partitioned).
 */
export interface WorkerLiveness {
  /** Marks `workerId` alive for `ttlMs` from now. */
  heartbeat(workerId: string, ttlMs: number): Promise<void>;
  /** Removes a worker that stopped cleanly (its processing list must be empty). */
  forgetWorker(workerId: string): Promise<void>;
  /** Workers whose heartbeat was valid at some moment since `since` (epoch ms), with its expiry; for /api/hq/system. */
  workersSeen(since: number): Promise<Array<{ workerId: string; heartbeatExpiresAt: number }>>;
  /**
   * Hands back to the queue the messages held by workers whose heartbeat expired, and by
   * processing lists with no live worker at all; returns how many workers and messages.
   */
  requeueDeadWorkers(): Promise<{ workers: number; messages: number }>;
}

/**
 * Concurrency slots: at most `limit` holders per key, each holder leased for `ttlMs` so a dead
 * worker's slots come back. A run refused a slot is parked (not failed) and its message is pushed
 * to the queue again when a slot frees.
 */
export interface ConcurrencySlots {
  /**
   * Takes a slot of `key` for `holder` (re-entrant: a holder already in keeps its slot). When
   * refused and `park` is given, the message is parked atomically with the refusal.
   */
  acquireSlot(req: SlotRequest): Promise<boolean>;
  /** Gives a slot back and moves parked messages of `key` to the queue while there is room. */
  releaseSlot(key: string, holder: string, limit: number): Promise<void>;
  /** Extends the leases of slots still held (never shortens one: a waiting run's slot is leased longer). */
  renewSlots(slots: ReadonlyArray<{ key: string; holder: string }>, ttlMs: number): Promise<void>;
  /** Drops expired slots of every key with parked messages and wakes parked messages where there is room. */
  wakeParked(): Promise<number>;
  /** The holders of `key` whose slot lease has not expired (for "why is this run waiting?"). */
  slotHolders(key: string): Promise<string[]>;
}

/** Cancellation: the control plane announces cancelled runs; workers abort them at once. */
export interface CancelBus {
  /** Announces cancelled runs to every subscribed worker. */
  publishCancel(runIds: readonly string[]): Promise<void>;
  /** Calls `fn` for each announced run id; returns an unsubscribe function. */
  onCancel(fn: (runId: string) => void): () => void;
}

/**
 * The four concerns one backend serves (both keep them on the same server: a woken parked run is
 * pushed to the same queue in the same atomic step). Code that needs one concern takes that
 * interface, not this one.
 */
export interface WorkQueue extends RunQueue, WorkerLiveness, ConcurrencySlots, CancelBus {}

/** A request for a concurrency slot. */
export interface SlotRequest {
  key: string;
  holder: string;
  limit: number;
  ttlMs: number;
  /** The run to park when the slot is refused. */
  park?: RunMessage;
}

/** The form a parked run takes (no timestamp, so parking the same run twice keeps one entry). */
export function parkedMember(m: RunMessage): string {
  return `${m.runId}|${m.orgId}`;
}

/** Serialises a message; field order is fixed so equal messages give equal strings. */
export function encodeMessage(m: RunMessage): string {
  // traceparent is written only when present, so messages without one keep their old form.
  return JSON.stringify(
    m.traceparent
      ? { runId: m.runId, orgId: m.orgId, enqueuedAt: m.enqueuedAt, traceparent: m.traceparent }
      : { runId: m.runId, orgId: m.orgId, enqueuedAt: m.enqueuedAt },
  );
}

const TRACEPARENT = /^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/;

/** Parses a message; returns null for anything that is not a well-formed run message. */
export function decodeMessage(raw: string): RunMessage | null {
  try {
    const v = JSON.parse(raw) as Partial<RunMessage>;
    if (typeof v.runId === 'string' && typeof v.orgId === 'string' && typeof v.enqueuedAt === 'number') {
      const traceparent = typeof v.traceparent === 'string' && TRACEPARENT.test(v.traceparent) ? v.traceparent : undefined;
      return traceparent
        ? { runId: v.runId, orgId: v.orgId, enqueuedAt: v.enqueuedAt, traceparent }
        : { runId: v.runId, orgId: v.orgId, enqueuedAt: v.enqueuedAt };
    }
  } catch {
    /* fall through */
  }
  return null;
}

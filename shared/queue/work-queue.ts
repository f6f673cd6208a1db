/**
 * The work queue contract. Redis only carries work: a message names a committed run, and the
 * worker re-reads everything else from Postgres. Messages are reserved into a per-worker
 * processing list (not popped), so a worker that dies holds nothing that cannot be handed back.
 * `redis-queue.ts` and `memory-queue.ts` pass one contract test suite.
 */

/** What travels through the queue: a pointer to a committed run. */
export interface RunMessage {
  runId: string;
  orgId: string;
  /** Epoch milliseconds when the message was enqueued (for claim-latency metrics). */
  enqueuedAt: number;
}

/** A message moved into a worker's processing list; `raw` is its exact serialised form. */
export interface Reservation {
  message: RunMessage;
  raw: string;
}

export interface WorkQueue {
  readonly backend: 'redis' | 'embedded';
  enqueue(message: RunMessage): Promise<void>;
  enqueueMany(messages: readonly RunMessage[]): Promise<void>;
  /** Moves the oldest message into `workerId`'s processing list; waits up to `timeoutMs`, then null. */
  reserve(workerId: string, timeoutMs: number): Promise<Reservation | null>;
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

/** Serialises a message; field order is fixed so equal messages give equal strings. */
export function encodeMessage(m: RunMessage): string {
  return JSON.stringify({ runId: m.runId, orgId: m.orgId, enqueuedAt: m.enqueuedAt });
}

/** Parses a message; returns null for anything that is not a well-formed run message. */
export function decodeMessage(raw: string): RunMessage | null {
  try {
    const v = JSON.parse(raw) as Partial<RunMessage>;
    if (typeof v.runId === 'string' && typeof v.orgId === 'string' && typeof v.enqueuedAt === 'number') {
      return { runId: v.runId, orgId: v.orgId, enqueuedAt: v.enqueuedAt };
    }
  } catch {
    /* fall through */
  }
  return null;
}

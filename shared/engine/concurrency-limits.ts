/**
 * Concurrency limits, held in Redis (or the embedded queue) as leased slots so a dead worker's
 * slots come back when their lease runs out:
 * - per workflow (`concurrency: { limit, key? }`): a run takes a slot when it is claimed; over the
 *   limit it goes back to PENDING and is parked in the queue until a slot frees; it never fails.
 * - per connector (`maxInFlight`): each call takes a slot for its duration; over the limit the
 *   call waits (polling with backoff) until a slot frees or the run is aborted.
 */
import { createHash } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import type { ConnectorDescriptor } from '../adapters/adapter';
import { evaluate } from '../domain/expressions';
import type { WorkflowDefinition } from '../domain/workflow-definition';
import type { ConcurrencySlots } from '../queue/work-queue';
import type { LeaseKeeper } from './lease';

/** The slot a run of a limited workflow needs: its key (workflow + key value) and the limit. */
export interface WorkflowSlot {
  key: string;
  limit: number;
}

/** The slot a run needs, or null when its workflow has no limit. A key that fails to evaluate groups as `null`. */
export async function workflowSlot(
  def: WorkflowDefinition,
  run: { orgId: string; workflowId: string; input: unknown },
): Promise<WorkflowSlot | null> {
  const c = def.concurrency;
  if (!c) return null;
  let group = '';
  if (c.key !== undefined) {
    let value: unknown;
    try {
      value = await evaluate(c.key, { input: run.input }, 'concurrency.key');
    } catch {
      value = null;
    }
    // Hashed: key values are user data of any size; the slot key must stay short and safe.
    group = `:${createHash('sha256')
      .update(JSON.stringify(value ?? null))
      .digest('base64url')
      .slice(0, 22)}`;
  }
  return { key: `wf:${run.orgId}:${run.workflowId}${group}`, limit: c.limit };
}

/** The slot key of a connector's in-flight limit. */
export function connectorSlotKey(connector: Pick<ConnectorDescriptor, 'id'>): string {
  return `conn:${connector.id}`;
}

/** Runs `fn` holding one of the connector's in-flight slots (directly when it has no limit). */
export async function withConnectorSlot<T>(
  queue: ConcurrencySlots,
  keeper: LeaseKeeper,
  connector: ConnectorDescriptor | null,
  holder: string,
  signal: AbortSignal,
  fn: () => Promise<T>,
): Promise<T> {
  const limit = connector?.maxInFlight;
  if (!connector || !limit) return fn();
  const key = connectorSlotKey(connector);
  // 20 ms doubling to 1 s: quick hand-over under light contention, little Redis load under heavy.
  for (let wait = 20; !(await queue.acquireSlot({ key, holder, limit, ttlMs: keeper.leaseMs })); wait = Math.min(wait * 2, 1_000)) {
    try {
      await delay(wait, undefined, { signal });
    } catch {
      throw signal.reason;
    }
  }
  keeper.holdSlot(key, holder);
  try {
    return await fn();
  } finally {
    keeper.releaseSlot(key, holder);
    await queue.releaseSlot(key, holder, limit).catch(() => undefined);
  }
}

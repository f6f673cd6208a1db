/**
 * "Why is this run waiting?": one sentence, and the facts behind it, for a run that has not
 * started or whose worker went silent. Read from the database only (the queue's own order is not
 * consulted: the rows are the truth, and a position among the organisation's PENDING runs is what
 * an operator can act on).
 *
 * | reason | when |
 * |---|---|
 * | `concurrency_limit` | PENDING, its workflow has `concurrency`, and `limit` RUNNING runs share its key: they hold the slots |
 * | `queued` | PENDING otherwise: `queuePosition` PENDING runs of the organisation are older |
 * | `inside_parent` | a PENDING child or chunk run: its parent's worker runs it inline |
 * | `worker_lost` | RUNNING with its lease expired: the worker stopped renewing it; the recovery sweep hands it to another |
 * | `connector_limit` | RUNNING, and a task's call waits for a slot of its connector's `maxInFlight`: that many other calls hold them (the holders are read from the queue's slot set; the run is RUNNING because the limit is taken per call, not per run) |
 *
 * A WAITING run (durable waits) adds a row here, `waiting_for_signal`, from its wait record.
 */
import type { Principal } from '../domain/principal';
import type { Platform } from '../platform';
import { runningConnectorTasks, runningRunsOf, runsOfTaskRows, waitingFacts } from '../store/run-waiting';
import { connectorSlotKey, workflowSlot } from './concurrency-limits';

export type WaitingReason = 'queued' | 'concurrency_limit' | 'connector_limit' | 'inside_parent' | 'worker_lost';

export interface WaitingExplanation {
  reason: WaitingReason;
  message: string;
  queuePosition?: number;
  /** Runs holding the concurrency slots this run needs. */
  heldBy?: string[];
  limit?: number;
  /** connector_limit: the connector whose `maxInFlight` is full, and the task waiting for it. */
  connector?: string;
  task?: string;
  leaseOwner?: string | null;
  leaseExpiresAt?: string | null;
}

/** How many RUNNING runs are checked for a concurrency key: limits above this are rare and the sentence names a few. */
const MAX_HOLDERS_CHECKED = 200;

/** What the explanation reads: the rows, the queue's slot sets, and the connectors' limits. */
export type WhyWaitingDeps = Pick<Platform, 'db' | 'queue' | 'connectors'>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A RUNNING run whose task waits for a connector slot: the first such task, its connector and the runs holding the slots. */
async function connectorWait(p: WhyWaitingDeps, orgId: string, runId: string): Promise<WaitingExplanation | null> {
  for (const t of await runningConnectorTasks(p.db, orgId, runId)) {
    const connector = await p.connectors.find(orgId, t.projectId, t.connector);
    const limit = connector?.maxInFlight;
    if (!connector || !limit) continue;
    // A holder is `<worker>/<task or chunk row id>` (execute-run.ts): the row is the call's idempotency key.
    const holders = await p.queue.slotHolders(connectorSlotKey(connector));
    const rows = holders.map((h) => h.slice(h.lastIndexOf('/') + 1));
    if (rows.includes(t.taskRunId) || holders.length < limit) continue;
    const heldBy = (
      await runsOfTaskRows(
        p.db,
        orgId,
        rows.filter((r) => UUID.test(r)),
      )
    ).filter((id) => id !== runId);
    const named = heldBy.slice(0, 3).join(', ');
    return {
      reason: 'connector_limit',
      message: `Task '${t.key}' waits for connector '${connector.name}', which allows ${limit} call${limit === 1 ? '' : 's'} at once${heldBy.length ? `, held by run${heldBy.length > 1 ? 's' : ''} ${named}${heldBy.length > 3 ? ` and ${heldBy.length - 3} more` : ''}` : ''}; it goes on when one of them ends.`,
      connector: connector.name,
      task: t.key,
      heldBy,
      limit,
    };
  }
  return null;
}

/** The explanation, or null when the run is not waiting (running normally, or ended). */
export async function explainWaiting(p: WhyWaitingDeps, who: Principal, runId: string): Promise<WaitingExplanation | null> {
  const f = await waitingFacts(p.db, who.orgId, runId);
  if (!f) return null;
  if (f.status === 'RUNNING' && f.leaseExpired) {
    const until = f.leaseExpiresAt!.toISOString();
    return {
      reason: 'worker_lost',
      message: `Its worker (${f.leaseOwner ?? 'unknown'}) stopped renewing the lease, which expired at ${until}; the recovery sweep hands the run to another worker, which resumes it at the first unfinished task.`,
      leaseOwner: f.leaseOwner,
      leaseExpiresAt: until,
    };
  }
  if (f.status === 'RUNNING') return connectorWait(p, who.orgId, runId);
  if (f.status !== 'PENDING') return null;
  if (f.parentRunId)
    return {
      reason: 'inside_parent',
      message: `It runs inside its parent run ${f.parentRunId}, on the parent's worker, when the parent reaches it.`,
    };
  if (f.concurrency) {
    const slot = await workflowSlot({ concurrency: f.concurrency } as Parameters<typeof workflowSlot>[0], {
      orgId: who.orgId,
      workflowId: f.workflowId,
      input: f.input,
    });
    if (slot) {
      const candidates = await runningRunsOf(p.db, who.orgId, f.workflowId, runId, MAX_HOLDERS_CHECKED);
      const holders: string[] = [];
      for (const c of candidates) {
        const s = await workflowSlot({ concurrency: f.concurrency } as Parameters<typeof workflowSlot>[0], {
          orgId: who.orgId,
          workflowId: f.workflowId,
          input: c.input,
        });
        if (s?.key === slot.key) holders.push(c.id);
      }
      if (holders.length >= slot.limit) {
        const named = holders.slice(0, 3).join(', ');
        return {
          reason: 'concurrency_limit',
          message: `Waiting for a concurrency slot: the workflow allows ${slot.limit} at once${f.concurrency.key ? ' per key' : ''}, held by run${holders.length > 1 ? 's' : ''} ${named}${holders.length > 3 ? ` and ${holders.length - 3} more` : ''}.`,
          heldBy: holders,
          limit: slot.limit,
        };
      }
    }
  }
  return {
    reason: 'queued',
    message:
      f.ahead === 0
        ? 'Queued: no older run is waiting; a worker takes it at its next claim.'
        : `Queued: ${f.ahead} older run${f.ahead === 1 ? ' is' : 's are'} waiting before it.`,
    queuePosition: f.ahead + 1,
  };
}

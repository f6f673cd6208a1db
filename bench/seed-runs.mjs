/**
 * Commits runs the way the control plane does (the store's own `insertRun`: run row and task rows
 * in one statement), many per transaction to keep set-up short, and only then enqueues them: the
 * pre-flight order (committed before queued) holds for every message.
 */
import { loadDist } from './context.mjs';

/**
 * Commits `count` runs of a workflow, then enqueues them in order; resolves to their ids.
 * `beforeEnqueue` runs between the two (a scenario that measures only the drain starts there).
 */
export async function commitAndEnqueue({ pg, distRoot, queue, orgId, workflowId, version, tasks, count, inputFor, beforeEnqueue }) {
  const { insertRun } = loadDist(distRoot, 'shared/store/runs.js');
  const { queryableOf } = loadDist(distRoot, 'shared/db/db.js');
  const { randomUUID } = await import('node:crypto');
  const ids = Array.from({ length: count }, () => randomUUID());
  const perTx = 500;
  let next = 0;
  // Two transactions at a time: the machine has two cores and the server is shared.
  await Promise.all(
    [0, 1].map(async () => {
      while (next < count) {
        const from = next;
        next += perTx;
        const client = await pg.connect();
        try {
          await client.query('BEGIN');
          for (let i = from; i < Math.min(from + perTx, count); i++) {
            await insertRun(queryableOf(client), {
              id: ids[i],
              orgId,
              workflowId,
              workflowVersion: version,
              trigger: 'http',
              input: inputFor(i),
              tasks,
            });
          }
          await client.query('COMMIT');
        } catch (err) {
          await client.query('ROLLBACK').catch(() => undefined);
          throw err;
        } finally {
          client.release();
        }
      }
    }),
  );
  await beforeEnqueue?.();
  for (let i = 0; i < count; i += 1_000) {
    await queue.enqueueMany(ids.slice(i, i + 1_000).map((runId) => ({ runId, orgId, enqueuedAt: Date.now() })));
  }
  return ids;
}

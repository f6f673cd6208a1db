/**
 * What `/api/hq/system` shows: queue depth and live workers (platform-wide: the queue is shared
 * and holds no organisation data) and the caller's organisation's runs by state with the age of
 * its oldest PENDING run (a growing age means work is not being picked up).
 */
import type { Principal } from '../domain/principal';
import type { SystemStatus } from '../domain/system-status-api';
import type { Platform } from '../platform';
import { waitingStatus } from './waits-service';

/** What this module uses of the platform (not the whole of it). */
export type SystemStatusDeps = Pick<Platform, 'db' | 'queue'>;

const SEEN_WINDOW_MS = 60_000;

/** Reads queue, worker and run figures; fails with the queue's or database's unavailable error. */
export async function systemStatus(p: SystemStatusDeps, who: Principal): Promise<SystemStatus> {
  const now = Date.now();
  const [depth, workers, counts, oldest, waiting] = await Promise.all([
    p.queue.depth(),
    p.queue.workersSeen(now - SEEN_WINDOW_MS),
    p.db.query<{ status: keyof SystemStatus['runs']['byStatus']; n: number }>(
      'SELECT status, count(*)::int AS n FROM workflow_runs WHERE org_id = $1::uuid GROUP BY status',
      [who.orgId],
    ),
    p.db.query<{ age: number | null }>(
      "SELECT extract(epoch FROM (clock_timestamp() - min(created_at)))::float8 AS age FROM workflow_runs WHERE org_id = $1::uuid AND status = 'PENDING'",
      [who.orgId],
    ),
    waitingStatus(p, who.orgId),
  ]);
  const byStatus = { PENDING: 0, RUNNING: 0, WAITING: 0, SUCCEEDED: 0, FAILED: 0, CANCELLED: 0 };
  for (const r of counts.rows) byStatus[r.status] = r.n;
  const age = oldest.rows[0]?.age ?? null;
  return {
    queue: { backend: p.queue.backend, depth },
    workers: {
      seenLastMinute: workers.length,
      items: workers
        .sort((a, b) => a.workerId.localeCompare(b.workerId))
        .map((w) => ({
          workerId: w.workerId,
          heartbeatExpiresAt: new Date(w.heartbeatExpiresAt).toISOString(),
          alive: w.heartbeatExpiresAt > now,
        })),
    },
    runs: { byStatus, oldestPendingAgeSeconds: age === null ? null : Math.round(age * 10) / 10, waiting },
    checkedAt: new Date(now).toISOString(),
  };
}

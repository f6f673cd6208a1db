/** Health of the platform's dependencies. */
import type { Platform } from '../platform';

export interface CheckResult {
  status: 'ok' | 'down';
  backend: string;
  latencyMs: number;
  error?: string;
}

async function timed(backend: string, fn: () => Promise<unknown>): Promise<CheckResult> {
  const t = performance.now();
  try {
    await fn();
    return { status: 'ok', backend, latencyMs: Math.round((performance.now() - t) * 100) / 100 };
  } catch (err) {
    return { status: 'down', backend, latencyMs: Math.round(performance.now() - t), error: (err as Error).message };
  }
}

/** Checks the database and the queue; `ok` only when both answer. */
export async function checkHealth(p: Platform) {
  const [database, queue] = await Promise.all([
    timed(p.db.backend === 'pglite' ? 'pglite' : 'postgres', () => p.db.query('SELECT 1')),
    timed(p.queue.backend, () => p.queue.ping()),
  ]);
  return { status: database.status === 'ok' && queue.status === 'ok' ? ('ok' as const) : ('degraded' as const), checks: { database, queue } };
}

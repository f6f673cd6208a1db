/**
 * Health of the platform's dependencies, as the public `/api/health` answers it.
 *
 * The answer is public (load balancers and uptime probes call it without credentials), so it
 * says which dependency is down and nothing of why: a driver's error text names hosts, users
 * and roles. The text goes to the log instead. Two bounds keep the route from being a lever on
 * the database and the queue: one probe per second per process at most (callers within that
 * second share its result), and per client address at most 60 answers a minute, 1,200 for all
 * addresses together (429 `rate_limited` with Retry-After beyond that). A probe every 10 s from
 * each of a few load-balancer nodes stays far below either.
 */
import type { Platform } from '../platform';
import { createMemoryRateLimiter, type RateLimiter } from '../auth/rate-limit';

/** What this module uses of the platform (not the whole of it). */
export type HealthDeps = Pick<Platform, 'db' | 'logger' | 'queue'>;

export interface CheckResult {
  status: 'ok' | 'down';
  backend: string;
  latencyMs: number;
}

/** Answers reused for this long (one probe of each dependency per process per second at most). */
export const HEALTH_CACHE_MS = 1_000;
/** Per client address, and for everyone together, per minute. */
export const HEALTH_LIMITS = { windowSeconds: 60, perCaller: 60, perOrg: 1_200 } as const;

async function timed(p: HealthDeps, backend: string, fn: () => Promise<unknown>): Promise<CheckResult> {
  const t = performance.now();
  try {
    await fn();
    return { status: 'ok', backend, latencyMs: Math.round((performance.now() - t) * 100) / 100 };
  } catch (err) {
    p.logger.warn({ err, backend }, 'health check: dependency down');
    return { status: 'down', backend, latencyMs: Math.round(performance.now() - t) };
  }
}

/** Checks the database and the queue; `ok` only when both answer. */
export async function checkHealth(p: HealthDeps) {
  const [database, queue] = await Promise.all([
    timed(p, p.db.backend === 'pglite' ? 'pglite' : 'postgres', () => p.db.query('SELECT 1')),
    timed(p, p.queue.backend, () => p.queue.ping()),
  ]);
  return {
    status: database.status === 'ok' && queue.status === 'ok' ? ('ok' as const) : ('degraded' as const),
    checks: { database, queue },
  };
}

interface Probe {
  limiter: RateLimiter;
  last: { at: number; result: Promise<Awaited<ReturnType<typeof checkHealth>>> } | null;
}
const probes = new WeakMap<HealthDeps, Probe>();

/**
 * The public health answer for a client at `source` (the X-Forwarded-For chain; its last entry is
 * the address the front end saw). Throws RateLimitedError over the limits.
 */
export async function publicHealth(p: HealthDeps, source: string | null) {
  let probe = probes.get(p);
  if (!probe) probes.set(p, (probe = { limiter: createMemoryRateLimiter({ limits: HEALTH_LIMITS }), last: null }));
  const address = source?.split(',').at(-1)?.trim() || 'unknown';
  await probe.limiter.check({ orgId: 'health', actor: { type: 'system', id: address }, role: 'viewer' });
  const now = Date.now();
  if (!probe.last || now - probe.last.at >= HEALTH_CACHE_MS) probe.last = { at: now, result: checkHealth(p) };
  return probe.last.result;
}

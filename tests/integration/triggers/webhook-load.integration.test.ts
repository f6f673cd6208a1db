/**
 * A bounded load test of the hook endpoint: GitHub-signed deliveries sent open-loop at a fixed
 * rate for a fixed time to the running host (real PostgreSQL and Redis), then every one is checked
 * to have been answered 202 and to have exactly one committed, queued run. Nothing may be lost.
 *
 * The target is 2,000 deliveries/s for 10 s. The rate and duration are parameters
 * (TRIGGER_LOAD_RATE, TRIGGER_LOAD_SECONDS) because this machine's two cores are shared; the
 * rate reached is printed, and the assertions are about loss, not speed.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { Pool } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, createTestPlatform, startTestHost, type TestPlatform } from '../../helpers/test-platform';

const RATE = Number(process.env['TRIGGER_LOAD_RATE'] ?? 2000);
const SECONDS = Number(process.env['TRIGGER_LOAD_SECONDS'] ?? 10);
const SECRET = 'load-test-secret-0123456789';
/** Deliveries in flight at most (the client's bound; beyond it, sending waits and the rate reached drops). */
const MAX_IN_FLIGHT = 1024;

let platform: TestPlatform;
let host: { url: string; close(): Promise<void> };
let workflowId: string;
let hookPath: string;

beforeAll(async () => {
  platform = await createTestPlatform({ env: { DATABASE_POOL_MAX: '16' } });
  host = await startTestHost(platform);
  const wf = await api(host.url, 'POST', '/api/workflows', {
    name: 'load',
    tasks: [{ key: 'e', type: 'atomic', connector: 'platform', operation: 'echo', input: {} }],
  });
  workflowId = wf.body.id;
  const t = await api(host.url, 'POST', `/api/workflows/${workflowId}/triggers`, {
    type: 'webhook',
    verification: { type: 'hmac', header: 'X-Hub-Signature-256', prefix: 'sha256=', secret: SECRET },
    deliveryIdHeader: 'X-GitHub-Delivery',
    rateLimitPerMinute: 1_000_000,
  });
  hookPath = new URL(t.body.url).pathname;
});

afterAll(async () => {
  await host?.close();
  await platform?.close();
});

describe('webhook load', () => {
  it(
    `${RATE} signed deliveries/s for ${SECONDS} s: every one answered 202 with one committed, queued run`,
    async () => {
      const total = RATE * SECONDS;
      // Signed before the clock starts: the client's CPU goes to sending.
      const deliveries = Array.from({ length: total }, (_, i) => {
        const body = JSON.stringify({ n: i, order: { id: `L-${i}` } });
        return {
          body,
          headers: {
            'content-type': 'application/json',
            'x-hub-signature-256': `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`,
            'x-github-delivery': randomUUID(),
          },
        };
      });
      const pool = new Pool(host.url, { connections: 64, pipelining: 1 });
      const statuses = new Map<number, number>();
      let inFlight = 0;
      let sent = 0;
      const pending: Array<Promise<void>> = [];
      const started = Date.now();
      const send = (i: number) => {
        inFlight++;
        const d = deliveries[i]!;
        return pool
          .request({ path: hookPath, method: 'POST', headers: d.headers, body: d.body })
          .then(async (res) => {
            await res.body.dump();
            statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
          })
          .catch(() => void statuses.set(-1, (statuses.get(-1) ?? 0) + 1))
          .finally(() => inFlight--);
      };
      // Open loop: every 10 ms, send what the schedule says is due by now (bounded in flight).
      while (sent < total) {
        const due = Math.min(total, Math.floor(((Date.now() - started) / 1000) * RATE) + 1);
        while (sent < due && inFlight < MAX_IN_FLIGHT) pending.push(send(sent++));
        await new Promise((r) => setTimeout(r, 10));
      }
      const sendSeconds = (Date.now() - started) / 1000;
      await Promise.all(pending);
      const allSeconds = (Date.now() - started) / 1000;
      await pool.close();
      const { rows } = await platform.db.query<{ n: number; keys: number }>(
        'SELECT count(*)::int AS n, count(DISTINCT idempotency_key)::int AS keys FROM workflow_runs WHERE workflow_id = $1::uuid',
        [workflowId],
      );
      const queued = await platform.queue.depth();
      console.log(
        `webhook load: ${total} deliveries offered at ${RATE}/s; sent in ${sendSeconds.toFixed(1)} s (${(total / sendSeconds).toFixed(0)}/s), all answered in ${allSeconds.toFixed(1)} s (${(total / allSeconds).toFixed(0)}/s); statuses ${JSON.stringify(Object.fromEntries(statuses))}; runs ${rows[0]!.n}, queued ${queued}`,
      );
      expect(Object.fromEntries(statuses)).toEqual({ 202: total });
      expect(rows[0]).toEqual({ n: total, keys: total });
      expect(queued).toBe(total);
    },
    Math.max(300_000, RATE * SECONDS * 30),
  ); // 30 ms a delivery: room for a machine far slower than the target
});

/**
 * HTTP load for the trigger scenarios, on node:http with keep-alive connections (no extra
 * dependency). `closedLoop` keeps N requests in flight (N connections, each sending its next
 * request when the last is answered); `openLoop` sends at a fixed rate whatever the responses do,
 * so a slow server shows up as latency instead of a lower request rate.
 */
import http from 'node:http';

function post(agent, url, body) {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const req = http.request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - t0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', (err) => resolve({ status: 0, ms: performance.now() - t0, body: String(err) }));
    });
    req.on('error', (err) => resolve({ status: 0, ms: performance.now() - t0, body: String(err) }));
    req.end(body);
  });
}

function tally(results) {
  const byStatus = {};
  for (const r of results) byStatus[r.status] = (byStatus[r.status] ?? 0) + 1;
  return byStatus;
}

/**
 * Sends `total` POSTs over `connections` keep-alive connections, each connection one request at a
 * time, and none started after `budgetMs`. Returns per-request latencies (ms), counts by status
 * and the wall time.
 */
export async function closedLoop({ url, total, connections, bodyFor, budgetMs = Infinity }) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  const latencies = [];
  const results = [];
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (next < total && performance.now() - t0 < budgetMs) {
        const i = next++;
        const r = await post(agent, url, bodyFor(i));
        latencies.push(r.ms);
        results.push({ status: r.status, body: r.status >= 300 ? r.body : undefined });
      }
    }),
  );
  const wallMs = performance.now() - t0;
  agent.destroy();
  return { sent: results.length, latencies, byStatus: tally(results), firstError: results.find((r) => r.status !== 202)?.body ?? null, wallMs };
}

/**
 * Sends POSTs at `ratePerSec` for `durationMs` on a schedule fixed in advance (open loop): a
 * request due while others are outstanding goes out on another connection.
 */
export async function openLoop({ url, ratePerSec, durationMs, bodyFor, maxSockets = 256 }) {
  const agent = new http.Agent({ keepAlive: true, maxSockets });
  const total = Math.max(1, Math.round((ratePerSec * durationMs) / 1000));
  const pending = [];
  const latencies = [];
  const results = [];
  let sent = 0;
  let maxLagMs = 0;
  const t0 = performance.now();
  await new Promise((resolve) => {
    const tick = () => {
      const now = performance.now();
      const due = Math.min(total, Math.floor(((now - t0) * ratePerSec) / 1000) + 1);
      while (sent < due) {
        const i = sent++;
        maxLagMs = Math.max(maxLagMs, now - t0 - (i * 1000) / ratePerSec);
        pending.push(
          post(agent, url, bodyFor(i)).then((r) => {
            latencies.push(r.ms);
            results.push({ status: r.status, body: r.status >= 300 ? r.body : undefined });
          }),
        );
      }
      if (sent >= total) return resolve();
      const nextAt = t0 + (sent * 1000) / ratePerSec;
      setTimeout(tick, Math.max(0, nextAt - performance.now()));
    };
    tick();
  });
  await Promise.all(pending);
  const wallMs = performance.now() - t0;
  agent.destroy();
  return { sent, latencies, byStatus: tally(results), firstError: results.find((r) => r.status !== 202)?.body ?? null, wallMs, maxLagMs };
}

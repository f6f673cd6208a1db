/**
 * HTTP load for the trigger scenarios. `closedLoop` keeps N requests in flight (N connections,
 * each sending its next request when the last is answered); `openLoop` sends at a fixed rate
 * whatever the responses do, so a slow server shows up as latency instead of a lower request rate.
 *
 * The client is a minimal HTTP/1.1 one on keep-alive TCP sockets, in the manner of wrk or
 * autocannon: each request is one pre-formatted write, each response is read by its status line
 * and Content-Length (or chunked framing), one request at a time per connection. The load
 * generator shares the machine's cores with the processes under test, and node:http's client
 * (IncomingMessage, streams, an Agent) cost about 0.08 ms of CPU per request there, more than
 * this does; what it does not spend, the control plane, the worker and PostgreSQL get.
 */
import net from 'node:net';

const CRLF2 = Buffer.from('\r\n\r\n');

/**
 * Reads one HTTP/1.1 response from `buf` (bytes received so far). Returns null while incomplete,
 * else { status, body, rest, close }; throws on a response it cannot frame.
 */
export function parseResponse(buf) {
  const headEnd = buf.indexOf(CRLF2);
  if (headEnd < 0) return null;
  const head = buf.toString('latin1', 0, headEnd);
  const m = /^HTTP\/1\.[01] (\d{3})/.exec(head);
  if (!m) throw new Error(`not an HTTP/1.1 response: ${JSON.stringify(head.slice(0, 80))}`);
  const status = Number(m[1]);
  const close = /\r\nconnection:\s*close/i.test(head);
  const bodyStart = headEnd + 4;
  const length = /\r\ncontent-length:\s*(\d+)/i.exec(head);
  if (length) {
    const end = bodyStart + Number(length[1]);
    if (buf.length < end) return null;
    return { status, body: buf.subarray(bodyStart, end), rest: buf.subarray(end), close };
  }
  if (/\r\ntransfer-encoding:\s*chunked/i.test(head)) {
    const parts = [];
    let at = bodyStart;
    for (;;) {
      const lineEnd = buf.indexOf('\r\n', at, 'latin1');
      if (lineEnd < 0) return null;
      const size = parseInt(buf.toString('latin1', at, lineEnd), 16);
      if (!Number.isFinite(size)) throw new Error('bad chunk size');
      const dataEnd = lineEnd + 2 + size;
      if (buf.length < dataEnd + 2) return null;
      if (size === 0) {
        // No trailers are sent to us; the last chunk ends with an empty line.
        return { status, body: Buffer.concat(parts), rest: buf.subarray(dataEnd + 2), close };
      }
      parts.push(buf.subarray(lineEnd + 2, dataEnd));
      at = dataEnd + 2;
    }
  }
  if (status === 204 || status === 304 || (status >= 100 && status < 200))
    return { status, body: Buffer.alloc(0), rest: buf.subarray(bodyStart), close };
  throw new Error(`response ${status} has neither Content-Length nor chunked framing`);
}

/** One keep-alive connection sending one request at a time; reconnects when the server closes it. */
class Connection {
  constructor(host, port) {
    this.host = host;
    this.port = port;
    this.socket = null;
    this.pending = null;
    this.buf = Buffer.alloc(0);
  }

  connect() {
    const s = net.connect({ host: this.host, port: this.port, noDelay: true });
    s.on('data', (d) => this.onData(d));
    // Only the current socket's end fails the request in flight: a socket already given up (the
    // server said Connection: close) may report its close after the next request went out.
    const fail = (err) => {
      if (this.socket !== s) return;
      this.socket = null;
      this.finish({ status: 0, body: String(err?.message ?? err) });
    };
    s.on('error', fail);
    s.on('close', () => fail('connection closed'));
    this.socket = s;
    this.buf = Buffer.alloc(0);
  }

  /** Sends `bytes` (one whole request); resolves to { status, ms, body }. */
  send(bytes) {
    return new Promise((resolve) => {
      if (!this.socket) this.connect();
      this.pending = { resolve, t0: performance.now() };
      this.socket.write(bytes);
    });
  }

  onData(d) {
    this.buf = this.buf.length ? Buffer.concat([this.buf, d]) : d;
    let r;
    try {
      r = parseResponse(this.buf);
    } catch (err) {
      this.socket?.destroy();
      this.socket = null;
      return this.finish({ status: 0, body: String(err.message) });
    }
    if (!r) return;
    this.buf = r.rest;
    if (r.close) {
      this.socket.end();
      this.socket = null;
    }
    this.finish({ status: r.status, body: r.status >= 300 ? r.body.toString('utf8') : undefined });
  }

  finish({ status, body }) {
    const p = this.pending;
    if (!p) return;
    this.pending = null;
    p.resolve({ status, ms: performance.now() - p.t0, body });
  }

  close() {
    this.socket?.destroy();
    this.socket = null;
  }
}

/** The bytes of a POST of `body` (JSON) to `url`'s path, with `headers` (name → value) besides the framing ones. */
function postBytes(url, body, headers = null) {
  const b = Buffer.from(body, 'utf8');
  let extra = '';
  if (headers) for (const [k, v] of Object.entries(headers)) extra += `${k}: ${v}\r\n`;
  const head = `POST ${url.pathname}${url.search} HTTP/1.1\r\nHost: ${url.host}\r\nContent-Type: application/json\r\nContent-Length: ${b.length}\r\n${extra}Connection: keep-alive\r\n\r\n`;
  return Buffer.concat([Buffer.from(head, 'latin1'), b]);
}

function tally(results) {
  const byStatus = {};
  for (const r of results) byStatus[r.status] = (byStatus[r.status] ?? 0) + 1;
  return byStatus;
}

/**
 * Sends `total` POSTs over `connections` keep-alive connections, each connection one request at a
 * time, and none started after `budgetMs`. Returns per-request latencies (ms), counts by status
 * and the wall time. `headersFor(i)` adds headers to request i, as in `openLoop`.
 */
export async function closedLoop({ url, total, connections, bodyFor, headersFor = null, budgetMs = Infinity }) {
  const u = new URL(url);
  const conns = Array.from({ length: connections }, () => new Connection(u.hostname, Number(u.port)));
  const latencies = [];
  const results = [];
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    conns.map(async (c) => {
      while (next < total && performance.now() - t0 < budgetMs) {
        const i = next++;
        const r = await c.send(postBytes(u, bodyFor(i), headersFor?.(i)));
        latencies.push(r.ms);
        results.push({ status: r.status, body: r.body });
      }
    }),
  );
  const wallMs = performance.now() - t0;
  for (const c of conns) c.close();
  return {
    sent: results.length,
    latencies,
    byStatus: tally(results),
    firstError: results.find((r) => r.status !== 202)?.body ?? null,
    wallMs,
  };
}

/**
 * Sends POSTs at `ratePerSec` for `durationMs` on a schedule fixed in advance (open loop): a
 * request due while others are outstanding goes out on another connection (up to `maxSockets`;
 * past that it waits for the first free one, and the lag shows in `maxLagMs`). `headersFor(i)`
 * adds headers to request i (a webhook's signature and delivery id).
 */
export async function openLoop({ url, ratePerSec, durationMs, bodyFor, headersFor = null, maxSockets = 256 }) {
  const u = new URL(url);
  const idle = [];
  const all = [];
  const waiters = [];
  const acquire = () => {
    if (idle.length) return Promise.resolve(idle.pop());
    if (all.length < maxSockets) {
      const c = new Connection(u.hostname, Number(u.port));
      all.push(c);
      return Promise.resolve(c);
    }
    return new Promise((resolve) => waiters.push(resolve));
  };
  const release = (c) => {
    const w = waiters.shift();
    if (w) w(c);
    else idle.push(c);
  };
  const total = Math.max(1, Math.round((ratePerSec * durationMs) / 1000));
  const pending = [];
  const latencies = [];
  const results = [];
  let sent = 0;
  let maxLagMs = 0;
  const t0 = performance.now();
  const sendOne = async (i) => {
    // From the moment the request is made, waiting for a free connection included.
    const issued = performance.now();
    const c = await acquire();
    const r = await c.send(postBytes(u, bodyFor(i), headersFor?.(i)));
    release(c);
    latencies.push(performance.now() - issued);
    results.push({ status: r.status, body: r.body });
  };
  await new Promise((resolve) => {
    const tick = () => {
      const now = performance.now();
      const due = Math.min(total, Math.floor(((now - t0) * ratePerSec) / 1000) + 1);
      while (sent < due) {
        const i = sent++;
        maxLagMs = Math.max(maxLagMs, now - t0 - (i * 1000) / ratePerSec);
        pending.push(sendOne(i));
      }
      if (sent >= total) return resolve();
      const nextAt = t0 + (sent * 1000) / ratePerSec;
      setTimeout(tick, Math.max(0, nextAt - performance.now()));
    };
    tick();
  });
  await Promise.all(pending);
  const wallMs = performance.now() - t0;
  for (const c of all) c.close();
  return { sent, latencies, byStatus: tally(results), firstError: results.find((r) => r.status !== 202)?.body ?? null, wallMs, maxLagMs };
}

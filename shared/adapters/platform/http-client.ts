/**
 * A small HTTP(S) client on node:http for adapters. Every socket resolves its host through the
 * outbound policy's `lookup`, so the address connected to is the address checked. Responses are
 * capped in size; non-2xx answers become `UpstreamError`s carrying the server's message.
 *
 * Every request carries a W3C `traceparent` (the active span's, else a fresh unsampled one), and a
 * 429 or 503 with `Retry-After` is waited out and sent again when the wait ends before the task's
 * deadline (deadline.ts; without one, at most `MAX_RETRY_AFTER_WAIT_MS` in all); otherwise the
 * answer stands and `expectOk` makes it a retryable error carrying the server's delay.
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import type { OutboundPolicy } from '../network-policy';
import { currentTraceParent } from '../../observability/tracing';
import { deadlineOf } from '../deadline';
import { UpstreamError } from '../upstream-error';

export interface HttpRequest {
  method: string;
  url: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  signal: AbortSignal;
  /** Per-request timeout; default 60 s. */
  timeoutMs?: number | undefined;
  /** Largest body read (default `MAX_RESPONSE_BYTES`); a larger one fails with `http_response_too_large`. */
  maxBytes?: number | undefined;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

/** Largest response body read into memory (50 MiB); larger ones fail instead of exhausting the worker. */
export const MAX_RESPONSE_BYTES = 50 * 1024 * 1024;

/** Longest a task without a timeout waits out `Retry-After` answers, in all (60 s). */
export const MAX_RETRY_AFTER_WAIT_MS = 60_000;
/** Most `Retry-After` waits for one request. */
const MAX_RETRY_AFTER_ROUNDS = 5;

/** The delay a `Retry-After` header asks for (seconds or an HTTP date), in ms; null when absent or unreadable. */
export function retryAfterMs(header: string | undefined, now = Date.now()): number | null {
  if (!header) return null;
  const t = header.trim();
  if (/^\d+$/.test(t)) return Number(t) * 1000;
  const at = Date.parse(t);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

/** A W3C traceparent for an outbound call: the active span's, else a new unsampled trace. */
export function outboundTraceParent(): string {
  return currentTraceParent() ?? `00-${randomBytes(16).toString('hex')}-${randomBytes(8).toString('hex')}-00`;
}

/** Sends one request, waiting out 429/503 `Retry-After` within the task's deadline; resolves with any status (see `expectOk`). */
export async function httpRequest(policy: OutboundPolicy, req: HttpRequest, systemType = 'http'): Promise<HttpResponse> {
  const deadline = deadlineOf(req.signal);
  const budgetEnd = deadline ?? Date.now() + MAX_RETRY_AFTER_WAIT_MS;
  const withTrace = { ...req, headers: { traceparent: outboundTraceParent(), ...req.headers } };
  for (let round = 0; ; round++) {
    const res = await sendOnce(policy, withTrace, systemType);
    if (res.status !== 429 && res.status !== 503) return res;
    const wait = retryAfterMs(res.headers['retry-after']);
    // Leave a second of the task's time for the answer after the wait.
    if (wait === null || round >= MAX_RETRY_AFTER_ROUNDS || Date.now() + wait + 1000 > budgetEnd) return res;
    try {
      await delay(wait, undefined, { signal: req.signal });
    } catch {
      throw req.signal.reason;
    }
  }
}

function sendOnce(policy: OutboundPolicy, req: HttpRequest, systemType: string): Promise<HttpResponse> {
  const url = new URL(req.url);
  const mod = url.protocol === 'https:' ? https : url.protocol === 'http:' ? http : null;
  if (!mod)
    return Promise.reject(new UpstreamError('http_unsupported_protocol', systemType, `Unsupported URL protocol '${url.protocol}'.`));
  // A Host header would also become the TLS server name: the URL alone says where a request goes.
  if (Object.keys(req.headers ?? {}).some((h) => h.trim().toLowerCase() === 'host')) {
    return Promise.reject(new UpstreamError('http_header_forbidden', systemType, 'A Host header may not be set; the URL names the host.'));
  }
  // Node skips `lookup` for an IP literal, so the policy checks literals here.
  const literal = url.hostname.replace(/^\[|\]$/g, '');
  if (isIP(literal)) {
    try {
      policy.assertAllowed(url.hostname, literal);
    } catch (err) {
      return Promise.reject(err);
    }
  }
  return new Promise<HttpResponse>((resolve, reject) => {
    const r = mod.request(
      url,
      {
        method: req.method,
        headers: {
          'user-agent': 'Demiton',
          ...req.headers,
          ...(req.body !== undefined ? { 'content-length': String(Buffer.byteLength(req.body)) } : {}),
        },
        lookup: policy.lookup as never,
        signal: req.signal,
        timeout: req.timeoutMs ?? 60_000,
        // A fresh connection per request: a pooled socket could outlive a policy change.
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > (req.maxBytes ?? MAX_RESPONSE_BYTES)) {
            res.destroy(
              new UpstreamError(
                'http_response_too_large',
                systemType,
                `The response from ${url.host} is larger than ${req.maxBytes ?? MAX_RESPONSE_BYTES} bytes.`,
              ),
            );
            return;
          }
          chunks.push(c);
        });
        res.on('error', reject);
        res.on('end', () => {
          const headers: Record<string, string> = {};
          for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
          resolve({ status: res.statusCode ?? 0, headers, body: Buffer.concat(chunks) });
        });
      },
    );
    r.on('timeout', () =>
      r.destroy(
        new UpstreamError('http_timeout', systemType, `No response from ${url.host} within ${req.timeoutMs ?? 60_000} ms.`, {
          retryable: true,
        }),
      ),
    );
    r.on('error', (err) => {
      if (
        err instanceof UpstreamError ||
        (err as { code?: string }).code === 'outbound_address_blocked' ||
        (err as { code?: string }).code === 'host_unresolvable'
      )
        return reject(err);
      if (req.signal.aborted) return reject(req.signal.reason ?? err);
      const code = (err as NodeJS.ErrnoException).code ?? 'unknown';
      reject(
        new UpstreamError('http_connection_failed', systemType, `${req.method} ${url.origin}${url.pathname} failed: ${err.message}`, {
          cause: err,
          retryable: code !== 'ERR_TLS_CERT_ALTNAME_INVALID',
        }),
      );
    });
    if (req.body !== undefined) r.write(req.body);
    r.end();
  });
}

/** The server's own explanation of an error body (OData `error.message`, OAuth `error_description`, or the text). */
export function errorMessageOf(body: Buffer): string {
  const text = body.toString('utf8').slice(0, 2000);
  try {
    const j = JSON.parse(text) as { error?: unknown; error_description?: unknown; message?: unknown };
    if (typeof j.error_description === 'string') return `${String(j.error)}: ${j.error_description}`;
    if (j.error && typeof j.error === 'object') {
      const e = j.error as { code?: unknown; message?: unknown };
      return [e.code, e.message].filter((x) => typeof x === 'string').join(': ');
    }
    if (typeof j.message === 'string') return j.message;
  } catch {
    // Not JSON: the text itself is the message.
  }
  return text.trim() || '(empty body)';
}

/** Throws an `UpstreamError` for a non-2xx response; 429 and 5xx are retryable (a `Retry-After` not waited out is named). */
export function expectOk(res: HttpResponse, what: string, systemType: string): HttpResponse {
  if (res.status >= 200 && res.status < 300) return res;
  const after = res.status === 429 || res.status === 503 ? retryAfterMs(res.headers['retry-after']) : null;
  const later = after !== null ? ` (the server asked to retry after ${Math.ceil(after / 1000)} s, past what this attempt may wait)` : '';
  throw new UpstreamError(
    `${systemType.replace(/[^a-z0-9]+/gi, '_')}_http_${res.status}`,
    systemType,
    `${what} failed with HTTP ${res.status}: ${errorMessageOf(res.body)}${later}`,
    {
      retryable: res.status === 429 || res.status >= 500,
      status: res.status,
    },
  );
}

/** Parses a JSON body, or throws an `UpstreamError` saying what came instead. */
export function jsonOf(res: HttpResponse, what: string, systemType: string): unknown {
  if (!res.body.length) return null;
  try {
    return JSON.parse(res.body.toString('utf8'));
  } catch {
    throw new UpstreamError(
      `${systemType.replace(/[^a-z0-9]+/gi, '_')}_bad_response`,
      systemType,
      `${what}: expected JSON, got ${res.headers['content-type'] ?? 'no content type'}.`,
    );
  }
}

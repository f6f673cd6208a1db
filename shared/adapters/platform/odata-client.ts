/**
 * An OData v4 client over the adapter HTTP client: collection reads that follow
 * `@odata.nextLink` page by page (streaming, one page in memory), single-entity reads, creates,
 * ETag-guarded updates and deletes, bound actions and JSON `$batch`. The base for the Business
 * Central and Dynamics 365 Finance adapters.
 */
import { z } from 'zod';
import type { OutboundPolicy } from '../network-policy';
import { UpstreamError } from '../upstream-error';
import { errorMessageOf, expectOk, httpRequest, jsonOf, type HttpResponse } from './http-client';

/** Someone changed the record since its ETag was read (HTTP 412, or 409 on some services). Not retryable: read it again, then decide. */
export class ConcurrencyConflictError extends UpstreamError {
  constructor(systemType: string, what: string, status: number, serverMessage: string) {
    super(
      'concurrency_conflict',
      systemType,
      `${what}: the record was changed by someone else since its ETag was read (HTTP ${status}: ${serverMessage}). Read it again and retry with the new @odata.etag.`,
      {
        retryable: false,
        status,
      },
    );
  }
}

/** One request inside a JSON `$batch` (OData 4.01 JSON batch format). */
export interface BatchRequest {
  id: string;
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  /** Relative to the service root, e.g. `companies(<id>)/customers`. */
  url: string;
  headers?: Record<string, string> | undefined;
  body?: unknown;
}

/** The answer to one batched request. */
export interface BatchResponse {
  id: string;
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

/** Most requests in one `$batch`: Business Central's limit (100 operations). */
export const MAX_BATCH_REQUESTS = 100;

/** Output schema of one OData entity as the service returned it (its fields, `@odata.etag`…). */
export const ODataEntity = z.record(z.string(), z.unknown()).describe('An entity as the service returned it, with @odata.etag.');

/** Output schema of a delete: false when the record was already gone. */
export const ODataDeleted = z.object({ deleted: z.boolean() });

/** Query options of a collection read. */
export interface ODataQuery {
  filter?: string | undefined;
  select?: readonly string[] | undefined;
  orderby?: string | undefined;
  expand?: string | undefined;
  /** Records per page the server is asked for (`Prefer: odata.maxpagesize`). */
  pageSize?: number | undefined;
  /** Stop after this many records (`$top` is left to the caller: it would cap paging on some servers). */
  maxRecords?: number | undefined;
  /** Extra query parameters, e.g. `cross-company=true`. */
  params?: Record<string, string> | undefined;
}

/** Quotes a string literal for an OData URL (`'O''Brien'`). */
export function odataString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

export class ODataClient {
  constructor(
    private readonly policy: OutboundPolicy,
    /** Service root, e.g. `https://api.businesscentral.dynamics.com/v2.0/<tenant>/production/api/v2.0`. */
    private readonly serviceRoot: string,
    private readonly headers: (signal: AbortSignal) => Promise<Record<string, string>>,
    private readonly systemType: string,
  ) {}

  /** The absolute URL of a path under the service root. */
  url(path: string, params?: Record<string, string>): string {
    const u = new URL(`${this.serviceRoot.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`);
    for (const [k, v] of Object.entries(params ?? {})) u.searchParams.set(k, v);
    return u.toString();
  }

  private sameOrigin(next: string): string {
    // A nextLink pointing at another host would carry our token there: refuse it.
    const root = new URL(this.serviceRoot);
    const n = new URL(next, root);
    if (n.origin !== root.origin)
      throw new UpstreamError(
        'odata_foreign_next_link',
        this.systemType,
        `The server's @odata.nextLink points at ${n.origin}, not ${root.origin}.`,
      );
    return n.toString();
  }

  async send(method: string, url: string, signal: AbortSignal, body?: unknown, extra: Record<string, string> = {}) {
    const res = await httpRequest(
      this.policy,
      {
        method,
        url,
        signal,
        headers: {
          accept: 'application/json',
          'odata-version': '4.0',
          ...(await this.headers(signal)),
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...extra,
        },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      },
      this.systemType,
    );
    return res;
  }

  /** Yields the records of a collection, following `@odata.nextLink` until the end or `maxRecords`. */
  async *query(path: string, q: ODataQuery, signal: AbortSignal): AsyncGenerator<Record<string, unknown>> {
    const params: Record<string, string> = { ...(q.params ?? {}) };
    if (q.filter) params['$filter'] = q.filter;
    if (q.select?.length) params['$select'] = q.select.join(',');
    if (q.orderby) params['$orderby'] = q.orderby;
    if (q.expand) params['$expand'] = q.expand;
    let next: string | null = this.url(path, params);
    let count = 0;
    while (next) {
      if (signal.aborted) return;
      const res = expectOk(
        await this.send('GET', next, signal, undefined, q.pageSize ? { prefer: `odata.maxpagesize=${q.pageSize}` } : {}),
        `GET ${path}`,
        this.systemType,
      );
      const page = jsonOf(res, `GET ${path}`, this.systemType) as { value?: unknown; '@odata.nextLink'?: unknown };
      if (!Array.isArray(page?.value))
        throw new UpstreamError('odata_bad_response', this.systemType, `GET ${path}: the answer has no 'value' array.`);
      for (const rec of page.value as Array<Record<string, unknown>>) {
        yield rec;
        if (q.maxRecords !== undefined && ++count >= q.maxRecords) return;
      }
      next = typeof page['@odata.nextLink'] === 'string' ? this.sameOrigin(page['@odata.nextLink']) : null;
    }
  }

  /** One entity (`customers(<id>)`), or null on 404. */
  async get(path: string, signal: AbortSignal): Promise<Record<string, unknown> | null> {
    const res = await this.send('GET', this.url(path), signal);
    if (res.status === 404) return null;
    return jsonOf(expectOk(res, `GET ${path}`, this.systemType), `GET ${path}`, this.systemType) as Record<string, unknown>;
  }

  /** Creates an entity; returns it as the server stored it. */
  async create(path: string, record: Record<string, unknown>, signal: AbortSignal): Promise<Record<string, unknown>> {
    const res = expectOk(await this.send('POST', this.url(path), signal, record), `POST ${path}`, this.systemType);
    return jsonOf(res, `POST ${path}`, this.systemType) as Record<string, unknown>;
  }

  /** 412 Precondition Failed (and 409 Conflict, which some services answer instead) become `ConcurrencyConflictError`. */
  private expectNoConflict(res: HttpResponse, what: string): HttpResponse {
    if (res.status === 412 || res.status === 409)
      throw new ConcurrencyConflictError(this.systemType, what, res.status, errorMessageOf(res.body));
    return expectOk(res, what, this.systemType);
  }

  /** Updates an entity guarded by its ETag (`*` when unknown); returns it as stored. A stale ETag is `concurrency_conflict`. */
  async update(path: string, changes: Record<string, unknown>, etag: string, signal: AbortSignal): Promise<Record<string, unknown>> {
    const res = this.expectNoConflict(await this.send('PATCH', this.url(path), signal, changes, { 'if-match': etag }), `PATCH ${path}`);
    return (jsonOf(res, `PATCH ${path}`, this.systemType) as Record<string, unknown>) ?? {};
  }

  /** Deletes an entity guarded by its ETag (`*`: whatever it is now). False when it did not exist (so a retried delete succeeds). */
  async delete(path: string, etag: string, signal: AbortSignal): Promise<boolean> {
    const res = await this.send('DELETE', this.url(path), signal, undefined, { 'if-match': etag });
    if (res.status === 404) return false;
    this.expectNoConflict(res, `DELETE ${path}`);
    return true;
  }

  /** Invokes a bound action (`salesInvoices(<id>)/Microsoft.NAV.post`); returns its JSON result, or null for 204. */
  async action(path: string, body: Record<string, unknown> | undefined, signal: AbortSignal): Promise<unknown> {
    const res = this.expectNoConflict(await this.send('POST', this.url(path), signal, body ?? {}), `POST ${path}`);
    return jsonOf(res, `POST ${path}`, this.systemType);
  }

  /**
   * Sends up to `MAX_BATCH_REQUESTS` requests in one JSON `$batch`. With `atomic`, the service runs
   * them in one transaction (`Isolation: snapshot`, Business Central): all or none. Each request's
   * own status comes back; the batch as a whole fails only when the service refuses it.
   */
  async batch(requests: readonly BatchRequest[], atomic: boolean, signal: AbortSignal): Promise<BatchResponse[]> {
    if (requests.length > MAX_BATCH_REQUESTS)
      throw new UpstreamError(
        'odata_batch_too_large',
        this.systemType,
        `A $batch holds at most ${MAX_BATCH_REQUESTS} requests; got ${requests.length}.`,
      );
    const body = {
      requests: requests.map((r) => ({
        id: r.id,
        method: r.method,
        url: r.url.replace(/^\/+/, ''),
        headers: { ...(r.body !== undefined ? { 'content-type': 'application/json' } : {}), ...r.headers },
        ...(r.body !== undefined ? { body: r.body } : {}),
      })),
    };
    const res = expectOk(
      await this.send('POST', this.url('$batch'), signal, body, atomic ? { isolation: 'snapshot' } : {}),
      'POST $batch',
      this.systemType,
    );
    const out = jsonOf(res, 'POST $batch', this.systemType) as { responses?: unknown };
    if (!Array.isArray(out?.responses))
      throw new UpstreamError('odata_bad_response', this.systemType, 'POST $batch: the answer has no responses array.');
    return (out.responses as Array<Record<string, unknown>>).map((r) => ({
      id: String(r['id']),
      status: Number(r['status']),
      headers: (r['headers'] as Record<string, string> | undefined) ?? {},
      body: r['body'] ?? null,
    }));
  }
}

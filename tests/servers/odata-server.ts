/**
 * Test fixture: a loopback HTTP server speaking the documented shapes of
 *  - Microsoft Entra ID's token endpoint (`POST /{tenant}/oauth2/v2.0/token`, client credentials),
 *  - Business Central API v2.0 (`/v2.0/{tenant}/{environment}/api/v2.0/companies({id})/customers`),
 *  - Dynamics 365 Finance data entities (`/data/CustomersV3`, composite keys, `cross-company`),
 *  - Microsoft Graph v1.0 directory (`/v1.0/users`, `/v1.0/groups/{id}/members`, `/v1.0/organization`),
 * with OData v4 paging (`Prefer: odata.maxpagesize` → `@odata.nextLink` with `$skiptoken`),
 * `$filter` (eq, ne, gt, ge, lt, le joined by `and`), `$select`, ETags and the OData error body.
 * Business Central also has vendors, purchase/sales invoices with their lines, DELETE and PATCH
 * with If-Match (412 on a stale ETag), the bound action `Microsoft.NAV.post` (Draft → Open, 204),
 * and JSON `$batch` (`Isolation: snapshot` applies all or nothing). Finance data entities take
 * PATCH and DELETE with If-Match, and the data management package actions. `throttle(n, s)` makes
 * the next n requests answer 429 with `Retry-After: s`.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';

type Rec = Record<string, unknown>;

export interface ODataFixture {
  url: string;
  tenant: string;
  clientId: string;
  clientSecret: string;
  companyId: string;
  bcBase: string;
  financeBase: string;
  tokenUrl: string;
  /** Every request after authentication: method, path+query, headers. */
  requests: Array<{ method: string; url: string; headers: IncomingMessage['headers'] }>;
  tokensIssued: number;
  customers: Rec[];
  financeCustomers: Rec[];
  /** Business Central records by entity set (customers are `customers`). */
  bc: Map<string, Rec[]>;
  /** Data management imports by execution id, and packages uploaded to the write URL. */
  imports: Map<string, { status: string; definitionGroupId: string; packageBytes: number; legalEntityId: string; polls: number }>;
  /** The next `count` authenticated requests answer 429 with `Retry-After: seconds`. */
  throttle(count: number, seconds: number, status?: number): void;
  graphBase: string;
  users: Rec[];
  groupId: string;
  close(): Promise<void>;
}

function odataError(res: ServerResponse, status: number, code: string, message: string) {
  res.writeHead(status, { 'content-type': 'application/json; odata.metadata=minimal' });
  res.end(JSON.stringify({ error: { code, message } }));
}

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  res.writeHead(status, {
    'content-type': 'application/json; odata.metadata=minimal; odata.streaming=true',
    'odata-version': '4.0',
    ...headers,
  });
  res.end(JSON.stringify(body));
}

/** A small `$filter` evaluator: comparisons joined by `and`, with optional parentheses. */
export function matchesFilter(rec: Rec, filter: string | null): boolean {
  if (!filter) return true;
  const clauses = filter.split(/\s+and\s+/i).map((c) => c.trim().replace(/^\(+|\)+$/g, ''));
  return clauses.every((c) => {
    const m = /^(\w+)\s+(eq|ne|gt|ge|lt|le)\s+(.+)$/i.exec(c);
    if (!m) throw new Error(`unsupported filter clause '${c}'`);
    const [, field, op, raw] = m;
    const value: unknown = raw!.startsWith("'")
      ? raw!.slice(1, -1).replace(/''/g, "'")
      : raw === 'true'
        ? true
        : raw === 'false'
          ? false
          : Number(raw);
    const actual = rec[field!] as number; // compared as the JSON value it is; eq/ne work for strings too
    switch (op!.toLowerCase()) {
      case 'eq':
        return actual === value;
      case 'ne':
        return actual !== value;
      case 'gt':
        return actual > (value as number);
      case 'ge':
        return actual >= (value as number);
      case 'lt':
        return actual < (value as number);
      default:
        return actual <= (value as number);
    }
  });
}

function select(rec: Rec, sel: string | null): Rec {
  if (!sel) return rec;
  const keep = new Set(sel.split(',').concat('@odata.etag'));
  return Object.fromEntries(Object.entries(rec).filter(([k]) => keep.has(k)));
}

async function body(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

const etagOf = (version: number) => `W/"JzE5OzEyMzQ1Njc4OTAxMjM0NTY3ODkwMTsn${version}"`;

/** Starts the server with `customerCount` Business Central customers and a few Finance customers. */
export async function startODataServer(opts: { customerCount?: number; defaultPageSize?: number } = {}): Promise<ODataFixture> {
  const tenant = randomUUID();
  const clientId = randomUUID();
  const clientSecret = `s3cr3t-${randomUUID()}`;
  const companyId = randomUUID();
  const tokens = new Set<string>();
  const defaultPageSize = opts.defaultPageSize ?? 1000;
  const customers: Rec[] = Array.from({ length: opts.customerCount ?? 7 }, (_, i) => ({
    '@odata.etag': etagOf(1),
    id: randomUUID(),
    number: `C${String(i + 1).padStart(5, '0')}`,
    displayName: `Customer ${i + 1}`,
    balanceDue: i * 100,
    blocked: i % 3 === 0 ? 'Invoice' : ' ',
  }));
  const versions = new Map<string, number>();
  const financeCustomers: Rec[] = [
    {
      dataAreaId: 'usmf',
      CustomerAccount: 'US-001',
      OrganizationName: 'Contoso Retail San Diego',
      CustomerGroupId: '30',
      SalesCurrencyCode: 'USD',
    },
    {
      dataAreaId: 'usmf',
      CustomerAccount: 'US-002',
      OrganizationName: 'Contoso Retail Los Angeles',
      CustomerGroupId: '30',
      SalesCurrencyCode: 'USD',
    },
    {
      dataAreaId: 'usmf',
      CustomerAccount: 'US-003',
      OrganizationName: 'Forest Wholesales',
      CustomerGroupId: '10',
      SalesCurrencyCode: 'USD',
    },
    { dataAreaId: 'demf', CustomerAccount: 'DE-001', OrganizationName: 'Contoso Europe', CustomerGroupId: '10', SalesCurrencyCode: 'EUR' },
  ];
  const users: Rec[] = Array.from({ length: 5 }, (_, i) => ({
    id: randomUUID(),
    displayName: `User ${i + 1}`,
    userPrincipalName: `user${i + 1}@contoso.example`,
    accountEnabled: i !== 2,
  }));
  const groupId = randomUUID();
  const groups: Rec[] = [{ id: groupId, displayName: 'Finance', mailEnabled: false, securityEnabled: true }];
  const fixture = { requests: [] as ODataFixture['requests'], tokensIssued: 0 };
  const bcSets = new Map<string, Rec[]>([
    ['customers', customers],
    ['vendors', [{ '@odata.etag': etagOf(1), id: randomUUID(), number: 'V00010', displayName: 'Fabrikam Supplies' }]],
    ['purchaseInvoices', []],
    ['purchaseInvoiceLines', []],
    ['salesInvoices', []],
    ['salesInvoiceLines', []],
  ]);
  const imports: ODataFixture['imports'] = new Map();
  const uploads = new Map<string, number>();
  let throttled = { count: 0, seconds: 0, status: 429 };

  function page(req: IncomingMessage, res: ServerResponse, url: URL, all: Rec[]) {
    const filter = url.searchParams.get('$filter');
    let rows: Rec[];
    try {
      rows = all.filter((r) => matchesFilter(r, filter));
    } catch (err) {
      return odataError(res, 400, 'BadRequest', (err as Error).message);
    }
    const pref = /odata\.maxpagesize=(\d+)/.exec(String(req.headers['prefer'] ?? ''));
    const size = pref ? Number(pref[1]) : defaultPageSize;
    const skip = Number(url.searchParams.get('$skiptoken') ?? 0);
    const slice = rows.slice(skip, skip + size).map((r) => select(r, url.searchParams.get('$select')));
    const out: Rec = { '@odata.context': `${url.origin}${url.pathname}/$metadata`, value: slice };
    if (skip + size < rows.length) {
      const next = new URL(url);
      next.searchParams.set('$skiptoken', String(skip + size));
      out['@odata.nextLink'] = next.toString();
    }
    return json(res, 200, out, pref ? { 'preference-applied': `odata.maxpagesize=${size}` } : {});
  }

  type BcOut = { status: 'page'; rows: Rec[] } | { status: number; body?: unknown };
  const bcError = (status: number, code: string, message: string): BcOut => ({ status, body: { error: { code, message } } });

  /** One Business Central request (also each request of a $batch). */
  async function bcRequest(method: string, rest: string, headers: Record<string, string | undefined>, text: string): Promise<BcOut> {
    const m = /^companies\(([^)]+)\)\/(\w+)(?:\(([^)]+)\))?(?:\/([\w.]+))?$/.exec(rest);
    if (!m) return bcError(404, 'BadRequest_NotFound', `The request URL ${rest} is not valid.`);
    const [, company, entitySet, id, tail] = m;
    if (company !== companyId) return bcError(404, 'BadRequest_NotFound', `The company ${company} does not exist.`);
    const set = bcSets.get(entitySet!);
    if (!set) return bcError(404, 'BadRequest_NotFound', `The entity set ${entitySet} does not exist.`);
    if (!id && method === 'GET') return { status: 'page', rows: set };
    if (!id && method === 'POST') {
      const rec = JSON.parse(text || '{}') as Rec;
      if (entitySet === 'customers' && typeof rec['displayName'] !== 'string')
        return bcError(400, 'BadRequest', "The property 'displayName' is required.");
      if (entitySet === 'purchaseInvoices') {
        const vendor = bcSets.get('vendors')!.find((v) => v['number'] === rec['vendorNumber']);
        if (!vendor)
          return bcError(
            400,
            'Internal_RecordNotFound',
            `The Vendor does not exist. Identification fields and values: No.='${String(rec['vendorNumber'])}'`,
          );
        Object.assign(rec, {
          vendorId: vendor['id'],
          vendorName: vendor['displayName'],
          number: `PI${String(set.length + 1001)}`,
          status: 'Draft',
          totalAmountIncludingTax: 0,
        });
      }
      const created: Rec =
        entitySet === 'customers'
          ? {
              ...rec,
              '@odata.etag': etagOf(1),
              id: randomUUID(),
              number: `C${String(customers.length + 1).padStart(5, '0')}`,
              balanceDue: 0,
              blocked: ' ',
            }
          : { ...rec, '@odata.etag': etagOf(1), id: randomUUID() };
      set.push(created);
      return { status: 201, body: created };
    }
    const cur = set.find((c) => c['id'] === id);
    if (!cur)
      return bcError(404, 'BadRequest_NotFound', `The ${entitySet} record does not exist. Identification fields and values: Id='${id}'`);
    if (tail) {
      // Lines of a document: purchaseInvoices(<id>)/purchaseInvoiceLines
      const lines = bcSets.get(tail);
      if (lines && method === 'POST') {
        const line: Rec = { ...(JSON.parse(text || '{}') as Rec), '@odata.etag': etagOf(1), id: randomUUID(), documentId: id };
        lines.push(line);
        if (typeof line['directUnitCost'] === 'number')
          cur['totalAmountIncludingTax'] =
            Number(cur['totalAmountIncludingTax'] ?? 0) + Number(line['directUnitCost']) * Number(line['quantity'] ?? 1);
        return { status: 201, body: line };
      }
      if (lines && method === 'GET') return { status: 'page', rows: lines.filter((l) => l['documentId'] === id) };
      if (tail === 'Microsoft.NAV.post' && method === 'POST' && (entitySet === 'purchaseInvoices' || entitySet === 'salesInvoices')) {
        if (cur['status'] !== 'Draft')
          return bcError(400, 'Application_DialogException', `The ${entitySet} ${String(cur['number'])} is already posted.`);
        cur['status'] = 'Open';
        const v = (versions.get(String(id)) ?? 1) + 1;
        versions.set(String(id), v);
        cur['@odata.etag'] = etagOf(v);
        return { status: 204 };
      }
      return bcError(400, 'BadRequest_MethodNotFound', `Bound action or navigation '${tail}' is not found on ${entitySet}.`);
    }
    if (method === 'GET') return { status: 200, body: cur };
    if (method === 'PATCH' || method === 'DELETE') {
      const ifMatch = headers['if-match'];
      if (!ifMatch) return bcError(428, 'Request_EntityChanged', 'Could not process the request: an If-Match header is required.');
      if (ifMatch !== '*' && ifMatch !== cur['@odata.etag'])
        return bcError(412, 'Request_EntityChanged', 'Another user has already changed the record.');
      if (method === 'DELETE') {
        set.splice(set.indexOf(cur), 1);
        return { status: 204 };
      }
      const v = (versions.get(String(id)) ?? 1) + 1;
      versions.set(String(id), v);
      Object.assign(cur, JSON.parse(text || '{}') as Rec, { '@odata.etag': etagOf(v) });
      return { status: 200, body: cur };
    }
    return bcError(405, 'BadRequest_MethodNotAllowed', `${method} is not allowed.`);
  }

  /** JSON $batch; with `Isolation: snapshot` every set is restored when any request fails. */
  async function bcBatch(req: IncomingMessage, res: ServerResponse, url: URL) {
    const b = JSON.parse(await body(req)) as {
      requests?: Array<{ id: string; method: string; url: string; headers?: Record<string, string>; body?: unknown }>;
    };
    if (!Array.isArray(b.requests)) return odataError(res, 400, 'BadRequest', 'The batch body has no requests.');
    if (b.requests.length > 100) return odataError(res, 400, 'BadRequest', 'A batch request can contain at most 100 operations.');
    const atomic = String(req.headers['isolation'] ?? '') === 'snapshot';
    const snapshot = atomic ? new Map([...bcSets].map(([k, v]) => [k, v.map((r) => ({ ...r }))])) : null;
    const responses: Array<{ id: string; status: number; headers: Record<string, string>; body?: unknown }> = [];
    for (const r of b.requests) {
      const lower = Object.fromEntries(Object.entries(r.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
      const out = await bcRequest(r.method, r.url.replace(/^\/+/, ''), lower, r.body === undefined ? '' : JSON.stringify(r.body));
      if (out.status === 'page')
        responses.push({ id: r.id, status: 200, headers: { 'content-type': 'application/json' }, body: { value: out.rows } });
      else
        responses.push({
          id: r.id,
          status: out.status,
          headers: { 'content-type': 'application/json' },
          ...(out.body !== undefined ? { body: out.body } : {}),
        });
    }
    if (snapshot && responses.some((r) => r.status >= 400)) {
      for (const [k, rows] of snapshot) bcSets.get(k)!.splice(0, Infinity, ...rows);
      // The service reports the failing request; the others were rolled back with it.
    }
    return json(res, 200, { responses, '@odata.context': `${url.origin}/$batch` });
  }

  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', `http://${req.headers.host}`);
    const path = decodeURIComponent(url.pathname);
    if (req.method === 'POST' && path === `/${tenant}/oauth2/v2.0/token`) {
      const form = new URLSearchParams(await body(req));
      if (form.get('grant_type') !== 'client_credentials')
        return json(res, 400, { error: 'unsupported_grant_type', error_description: 'AADSTS70003: grant type not supported' });
      if (form.get('client_id') !== clientId || form.get('client_secret') !== clientSecret) {
        return json(res, 401, { error: 'invalid_client', error_description: 'AADSTS7000215: Invalid client secret provided.' });
      }
      const token = randomUUID();
      tokens.add(token);
      fixture.tokensIssued++;
      return json(res, 200, { token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599, access_token: token });
    }
    // The package write URL (a SAS URL of the environment's storage): no bearer token.
    const up = /^\/dmf-blobs\/(.+)$/.exec(path);
    if (up && req.method === 'PUT') {
      if (req.headers['x-ms-blob-type'] !== 'BlockBlob') return odataError(res, 400, 'MissingRequiredHeader', 'x-ms-blob-type is required');
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      uploads.set(up[1]!, Buffer.concat(chunks).length);
      res.writeHead(201);
      return res.end();
    }
    const auth = /^Bearer (.+)$/.exec(String(req.headers['authorization'] ?? ''));
    if (!auth || !tokens.has(auth[1]!))
      return odataError(res, 401, 'Authentication_InvalidCredentials', 'The server has rejected the client credentials.');
    fixture.requests.push({ method: req.method ?? 'GET', url: `${url.pathname}${url.search}`, headers: req.headers });
    if (throttled.count > 0) {
      throttled.count--;
      res.writeHead(throttled.status, { 'content-type': 'application/json', 'retry-after': String(throttled.seconds) });
      return res.end(JSON.stringify({ error: { code: 'TooManyRequests', message: 'Rate limit is exceeded. Try again later.' } }));
    }

    // ---- Business Central ----
    const bc = `/v2.0/${tenant}/production/api/v2.0/`;
    if (path.startsWith(bc)) {
      const rest = path.slice(bc.length);
      if (rest === 'companies' && req.method === 'GET')
        return page(req, res, url, [{ id: companyId, systemVersion: '24.0', name: 'CRONUS', displayName: 'CRONUS International Ltd.' }]);
      if (rest === '$batch' && req.method === 'POST') return bcBatch(req, res, url);
      const out = await bcRequest(
        req.method ?? 'GET',
        rest,
        req.headers as Record<string, string | undefined>,
        req.method === 'POST' || req.method === 'PATCH' ? await body(req) : '',
      );
      if (out.status === 'page') return page(req, res, url, out.rows);
      if (out.status === 204) {
        res.writeHead(204);
        return res.end();
      }
      return json(res, out.status, out.body);
    }

    // ---- Microsoft Graph ----
    if (path.startsWith('/v1.0/')) {
      const rest = path.slice('/v1.0/'.length);
      const notFound = (id: string) =>
        odataError(
          res,
          404,
          'Request_ResourceNotFound',
          `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`,
        );
      if (rest === 'organization') return page(req, res, url, [{ id: tenant, displayName: 'Contoso' }]);
      if (rest === 'users') return page(req, res, url, users);
      if (rest === 'groups') return page(req, res, url, groups);
      const gm = /^groups\/([^/]+)\/members$/.exec(rest);
      if (gm)
        return gm[1] === groupId
          ? page(
              req,
              res,
              url,
              users.slice(0, 3).map((u) => ({ '@odata.type': '#microsoft.graph.user', ...u })),
            )
          : notFound(gm[1]!);
      const um = /^users\/([^/]+)$/.exec(rest);
      if (um) {
        const u = users.find((x) => x['id'] === um[1] || x['userPrincipalName'] === um[1]);
        return u ? json(res, 200, u) : notFound(um[1]!);
      }
    }

    // ---- Dynamics 365 Finance ----
    if (path === '/data/' || path === '/data')
      return json(res, 200, {
        '@odata.context': `${url.origin}/data/$metadata`,
        value: [{ name: 'CustomersV3', kind: 'EntitySet', url: 'CustomersV3' }],
      });
    const dmf = /^\/data\/DataManagementDefinitionGroups\/Microsoft\.Dynamics\.DataEntities\.(\w+)$/.exec(path);
    if (dmf && req.method === 'POST') {
      const b = JSON.parse(await body(req)) as Rec;
      switch (dmf[1]) {
        case 'GetAzureWriteUrl':
          return json(res, 200, {
            '@odata.context': `${url.origin}/data/$metadata#Edm.String`,
            value: JSON.stringify({
              BlobId: `{${randomUUID()}}`,
              BlobUrl: `${url.origin}/dmf-blobs/${String(b['uniqueFileName'])}?sv=2014-02-14&sr=b&sig=loopback`,
            }),
          });
        case 'ImportFromPackage': {
          const name = new URL(String(b['packageUrl'])).pathname.replace('/dmf-blobs/', '');
          const size = uploads.get(name);
          if (size === undefined) return odataError(res, 400, 'BadRequest', 'The package was not found at packageUrl.');
          imports.set(String(b['executionId']), {
            status: 'Executing',
            definitionGroupId: String(b['definitionGroupId']),
            packageBytes: size,
            legalEntityId: String(b['legalEntityId']),
            polls: 0,
          });
          return json(res, 200, { value: b['executionId'] });
        }
        case 'GetExecutionSummaryStatus': {
          const imp = imports.get(String(b['executionId']));
          if (!imp) return json(res, 200, { value: 'Unknown' });
          // Two polls while executing, then done.
          if (imp.status === 'Executing' && ++imp.polls >= 2)
            imp.status = imp.definitionGroupId.startsWith('fail') ? 'Failed' : 'Succeeded';
          return json(res, 200, { value: imp.status });
        }
        default:
          // Any other action falls through to the entity routes below (and their 404).
          break;
      }
    }
    const fm = /^\/data\/(\w+)(?:\((.+)\))?$/.exec(path);
    if (fm) {
      const [, entitySet, key] = fm;
      if (entitySet !== 'CustomersV3') return odataError(res, 404, 'NotFound', `Resource not found for the segment '${entitySet}'.`);
      if (!key && req.method === 'GET') {
        // Without cross-company the service reads only the caller's default company (usmf).
        const scope =
          url.searchParams.get('cross-company') === 'true' ? financeCustomers : financeCustomers.filter((c) => c['dataAreaId'] === 'usmf');
        return page(req, res, url, scope);
      }
      if (!key && req.method === 'POST') {
        const rec = JSON.parse(await body(req)) as Rec;
        if (financeCustomers.some((c) => c['dataAreaId'] === rec['dataAreaId'] && c['CustomerAccount'] === rec['CustomerAccount'])) {
          return odataError(res, 400, 'BadRequest', `Write failed for table row of type 'CustTableEntity'. Record already exists.`);
        }
        financeCustomers.push(rec);
        return json(res, 201, rec);
      }
      const parts = Object.fromEntries(
        (key ?? '')
          .split(',')
          .map((p) => p.split('=') as [string, string])
          .map(([k, v]) => [k, v.replace(/^'|'$/g, '').replace(/''/g, "'")]),
      );
      const found = financeCustomers.find((c) => Object.entries(parts).every(([k, v]) => c[k] === v));
      if (!found) return odataError(res, 404, 'NotFound', 'No resources were found when selecting for update.');
      found['@odata.etag'] ??= etagOf(1);
      if (req.method === 'PATCH' || req.method === 'DELETE') {
        const ifMatch = req.headers['if-match'];
        if (ifMatch !== '*' && ifMatch !== found['@odata.etag'])
          return odataError(res, 412, 'PreconditionFailed', 'The record has been changed by another user.');
        if (req.method === 'DELETE') financeCustomers.splice(financeCustomers.indexOf(found), 1);
        else {
          const key = `fin:${String(found['dataAreaId'])}:${String(found['CustomerAccount'])}`;
          const v = (versions.get(key) ?? 1) + 1;
          versions.set(key, v);
          Object.assign(found, JSON.parse(await body(req)) as Rec, { '@odata.etag': etagOf(v) });
        }
        res.writeHead(204);
        return res.end();
      }
      return json(res, 200, found);
    }
    return odataError(res, 404, 'NotFound', `No route for ${req.method} ${path}`);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  return Object.assign(fixture, {
    url,
    tenant,
    clientId,
    clientSecret,
    companyId,
    bcBase: `${url}/v2.0/${tenant}/production/api/v2.0`,
    financeBase: url,
    tokenUrl: `${url}/${tenant}/oauth2/v2.0/token`,
    customers,
    financeCustomers,
    bc: bcSets,
    imports,
    throttle: (count: number, seconds: number, status = 429) => void (throttled = { count, seconds, status }),
    graphBase: `${url}/v1.0`,
    users,
    groupId,
    close: () => new Promise<void>((r) => server.close(() => r())),
  });
}

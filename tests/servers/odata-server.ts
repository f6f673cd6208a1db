/**
 * Test fixture: a loopback HTTP server speaking the documented shapes of
 *  - Microsoft Entra ID's token endpoint (`POST /{tenant}/oauth2/v2.0/token`, client credentials),
 *  - Business Central API v2.0 (`/v2.0/{tenant}/{environment}/api/v2.0/companies({id})/customers`),
 *  - Dynamics 365 Finance data entities (`/data/CustomersV3`, composite keys, `cross-company`),
 *  - Microsoft Graph v1.0 directory (`/v1.0/users`, `/v1.0/groups/{id}/members`, `/v1.0/organization`),
 * with OData v4 paging (`Prefer: odata.maxpagesize` → `@odata.nextLink` with `$skiptoken`),
 * `$filter` (eq, ne, gt, ge, lt, le joined by `and`), `$select`, ETags and the OData error body.
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
  res.writeHead(status, { 'content-type': 'application/json; odata.metadata=minimal; odata.streaming=true', 'odata-version': '4.0', ...headers });
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
    const value: unknown = raw!.startsWith("'") ? raw!.slice(1, -1).replace(/''/g, "'") : raw === 'true' ? true : raw === 'false' ? false : Number(raw);
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
    { dataAreaId: 'usmf', CustomerAccount: 'US-001', OrganizationName: 'Contoso Retail San Diego', CustomerGroupId: '30', SalesCurrencyCode: 'USD' },
    { dataAreaId: 'usmf', CustomerAccount: 'US-002', OrganizationName: 'Contoso Retail Los Angeles', CustomerGroupId: '30', SalesCurrencyCode: 'USD' },
    { dataAreaId: 'usmf', CustomerAccount: 'US-003', OrganizationName: 'Forest Wholesales', CustomerGroupId: '10', SalesCurrencyCode: 'USD' },
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

  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', `http://${req.headers.host}`);
    const path = decodeURIComponent(url.pathname);
    if (req.method === 'POST' && path === `/${tenant}/oauth2/v2.0/token`) {
      const form = new URLSearchParams(await body(req));
      if (form.get('grant_type') !== 'client_credentials') return json(res, 400, { error: 'unsupported_grant_type', error_description: 'AADSTS70003: grant type not supported' });
      if (form.get('client_id') !== clientId || form.get('client_secret') !== clientSecret) {
        return json(res, 401, { error: 'invalid_client', error_description: 'AADSTS7000215: Invalid client secret provided.' });
      }
      const token = randomUUID();
      tokens.add(token);
      fixture.tokensIssued++;
      return json(res, 200, { token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599, access_token: token });
    }
    const auth = /^Bearer (.+)$/.exec(String(req.headers['authorization'] ?? ''));
    if (!auth || !tokens.has(auth[1]!)) return odataError(res, 401, 'Authentication_InvalidCredentials', 'The server has rejected the client credentials.');
    fixture.requests.push({ method: req.method ?? 'GET', url: `${url.pathname}${url.search}`, headers: req.headers });

    // ---- Business Central ----
    const bc = `/v2.0/${tenant}/production/api/v2.0/`;
    if (path.startsWith(bc)) {
      const rest = path.slice(bc.length);
      if (rest === 'companies' && req.method === 'GET') return page(req, res, url, [{ id: companyId, systemVersion: '24.0', name: 'CRONUS', displayName: 'CRONUS International Ltd.' }]);
      const m = /^companies\(([^)]+)\)\/(\w+)(?:\(([^)]+)\))?$/.exec(rest);
      if (!m) return odataError(res, 404, 'BadRequest_NotFound', `The request URL ${path} is not valid.`);
      const [, company, entitySet, id] = m;
      if (company !== companyId) return odataError(res, 404, 'BadRequest_NotFound', `The company ${company} does not exist.`);
      if (entitySet !== 'customers') return odataError(res, 404, 'BadRequest_NotFound', `The entity set ${entitySet} does not exist.`);
      if (!id && req.method === 'GET') return page(req, res, url, customers);
      if (!id && req.method === 'POST') {
        const rec = JSON.parse(await body(req)) as Rec;
        if (typeof rec['displayName'] !== 'string') return odataError(res, 400, 'BadRequest', "The property 'displayName' is required.");
        const created = { ...rec, '@odata.etag': etagOf(1), id: randomUUID(), number: `C${String(customers.length + 1).padStart(5, '0')}`, balanceDue: 0, blocked: ' ' };
        customers.push(created);
        return json(res, 201, created);
      }
      const cur = customers.find((c) => c['id'] === id);
      if (!cur) return odataError(res, 404, 'BadRequest_NotFound', `The Customer does not exist. Identification fields and values: Id='${id}'`);
      if (req.method === 'GET') return json(res, 200, cur);
      if (req.method === 'PATCH') {
        const ifMatch = req.headers['if-match'];
        if (!ifMatch) return odataError(res, 428, 'Request_EntityChanged', 'Could not process the request: an If-Match header is required.');
        if (ifMatch !== '*' && ifMatch !== cur['@odata.etag']) return odataError(res, 412, 'Request_EntityChanged', 'Another user has already changed the record.');
        const v = (versions.get(String(id)) ?? 1) + 1;
        versions.set(String(id), v);
        Object.assign(cur, JSON.parse(await body(req)) as Rec, { '@odata.etag': etagOf(v) });
        return json(res, 200, cur);
      }
    }

    // ---- Microsoft Graph ----
    if (path.startsWith('/v1.0/')) {
      const rest = path.slice('/v1.0/'.length);
      const notFound = (id: string) => odataError(res, 404, 'Request_ResourceNotFound', `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`);
      if (rest === 'organization') return page(req, res, url, [{ id: tenant, displayName: 'Contoso' }]);
      if (rest === 'users') return page(req, res, url, users);
      if (rest === 'groups') return page(req, res, url, groups);
      const gm = /^groups\/([^/]+)\/members$/.exec(rest);
      if (gm) return gm[1] === groupId ? page(req, res, url, users.slice(0, 3).map((u) => ({ '@odata.type': '#microsoft.graph.user', ...u }))) : notFound(gm[1]!);
      const um = /^users\/([^/]+)$/.exec(rest);
      if (um) {
        const u = users.find((x) => x['id'] === um[1] || x['userPrincipalName'] === um[1]);
        return u ? json(res, 200, u) : notFound(um[1]!);
      }
    }

    // ---- Dynamics 365 Finance ----
    if (path === '/data/' || path === '/data') return json(res, 200, { '@odata.context': `${url.origin}/data/$metadata`, value: [{ name: 'CustomersV3', kind: 'EntitySet', url: 'CustomersV3' }] });
    const fm = /^\/data\/(\w+)(?:\((.+)\))?$/.exec(path);
    if (fm) {
      const [, entitySet, key] = fm;
      if (entitySet !== 'CustomersV3') return odataError(res, 404, 'NotFound', `Resource not found for the segment '${entitySet}'.`);
      if (!key && req.method === 'GET') {
        // Without cross-company the service reads only the caller's default company (usmf).
        const scope = url.searchParams.get('cross-company') === 'true' ? financeCustomers : financeCustomers.filter((c) => c['dataAreaId'] === 'usmf');
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
      const parts = Object.fromEntries((key ?? '').split(',').map((p) => p.split('=') as [string, string]).map(([k, v]) => [k, v.replace(/^'|'$/g, '').replace(/''/g, "'")]));
      const found = financeCustomers.find((c) => Object.entries(parts).every(([k, v]) => c[k] === v));
      if (!found) return odataError(res, 404, 'NotFound', 'No resources were found when selecting for update.');
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
    graphBase: `${url}/v1.0`,
    users,
    groupId,
    close: () => new Promise<void>((r) => server.close(() => r())),
  });
}

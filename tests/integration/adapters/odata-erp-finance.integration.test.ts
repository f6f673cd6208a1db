/**
 * The generic HTTP/OData adapter, Business Central, Dynamics 365 Finance and Microsoft Graph against a loopback
 * server speaking their documented shapes, with Entra-style client-credentials tokens.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startODataServer, type ODataFixture } from '../../servers/odata-server';
import { setDeadline } from '../../../shared/adapters/deadline';
import { adapterFor, callOp, collect, ctx, devRegistry } from './adapter-harness';

let srv: ODataFixture;
beforeAll(async () => {
  srv = await startODataServer({ customerCount: 7 });
});
afterAll(() => srv?.close());

const oauth = () => ({
  type: 'oauth2-client-credentials',
  tokenUrl: srv.tokenUrl,
  scope: 'https://api.businesscentral.dynamics.com/.default',
});
const secrets = () => ({ clientId: srv.clientId, clientSecret: srv.clientSecret });
const bc = (extra: Record<string, unknown> = {}) =>
  adapterFor({
    systemType: 'business-central',
    settings: { baseUrl: srv.bcBase, companyId: srv.companyId, auth: oauth(), ...extra },
    secrets: secrets(),
  });

describe('generic HTTP / OData adapter', () => {
  const http = () => adapterFor({ connectionType: 'odata', settings: { baseUrl: srv.bcBase, auth: oauth() }, secrets: secrets() });

  it('resolves by connection type and follows @odata.nextLink across pages', async () => {
    expect(devRegistry.resolve({ id: 'x', name: 'h', connectionType: 'odata', settings: {}, secrets: {} })).toMatchObject({
      step: 'connection-type',
      registration: { systemType: 'http' },
    });
    const before = srv.requests.length;
    const rows = await collect(http(), 'odataQuery', { entitySet: `companies(${srv.companyId})/customers`, pageSize: 3 });
    expect(rows.map((r) => r['number'])).toEqual(['C00001', 'C00002', 'C00003', 'C00004', 'C00005', 'C00006', 'C00007']);
    const pages = srv.requests.slice(before);
    expect(pages).toHaveLength(3);
    expect(pages[1]!.url).toContain('%24skiptoken=3');
    expect(pages.every((p) => p.headers['prefer'] === 'odata.maxpagesize=3')).toBe(true);
  });

  it('passes $filter and $select to the server', async () => {
    const rows = await collect(http(), 'odataQuery', {
      entitySet: `companies(${srv.companyId})/customers`,
      filter: "balanceDue gt 250 and blocked eq ' '",
      select: ['number', 'balanceDue'],
    });
    expect(rows.map((r) => ({ number: r['number'], balanceDue: r['balanceDue'] }))).toEqual([
      { number: 'C00005', balanceDue: 400 },
      { number: 'C00006', balanceDue: 500 },
    ]);
    expect(Object.keys(rows[0]!).sort()).toEqual(['@odata.etag', 'balanceDue', 'number']);
  });

  it('sends a request with the idempotency key and returns the parsed body', async () => {
    const c = ctx();
    const r = await callOp(http(), 'request', { method: 'GET', path: 'companies' }, c);
    expect(r.status).toBe(200);
    expect(r.body.value[0].name).toBe('CRONUS');
    expect(srv.requests.at(-1)!.headers['idempotency-key']).toBe(c.idempotencyKey);
  });

  it('fails with the server’s OData error, or returns an accepted status', async () => {
    const err = await callOp(http(), 'request', { path: 'companies(nope)/customers' }).catch((e) => e);
    expect(err).toMatchObject({ code: 'http_http_404', status: 404, retryable: false });
    expect(err.message).toContain('BadRequest_NotFound: The company nope does not exist.');
    const ok = await callOp(http(), 'request', { path: 'companies(nope)/customers', acceptStatus: [404] });
    expect(ok.status).toBe(404);
  });

  it('reports a refused client secret from the token endpoint', async () => {
    const a = adapterFor({
      systemType: 'http',
      settings: { baseUrl: srv.bcBase, auth: oauth() },
      secrets: { clientId: srv.clientId, clientSecret: 'wrong' },
    });
    const err = await callOp(a, 'request', { path: 'companies' }).catch((e) => e);
    expect(err).toMatchObject({ code: 'oauth_token_failed', status: 401, retryable: false });
    expect(err.message).toContain('AADSTS7000215: Invalid client secret provided.');
  });
});

describe('Business Central adapter', () => {
  it('lists companies and streams customers of the default company', async () => {
    expect((await callOp(bc(), 'listCompanies', {})).items).toEqual([expect.objectContaining({ id: srv.companyId, name: 'CRONUS' })]);
    const rows = await collect(bc(), 'query', { entitySet: 'customers', filter: "blocked eq 'Invoice'", pageSize: 1 });
    expect(rows.map((r) => r['number'])).toEqual(['C00001', 'C00004', 'C00007']);
  });

  it('creates, reads and updates a customer with its ETag', async () => {
    const created = await callOp(bc(), 'create', {
      entitySet: 'customers',
      record: { displayName: 'Adatum Corporation', email: 'ap@adatum.example' },
    });
    expect(created).toMatchObject({ displayName: 'Adatum Corporation', number: 'C00008', '@odata.etag': expect.stringMatching(/^W\/"/) });
    expect(await callOp(bc(), 'get', { entitySet: 'customers', id: created.id })).toMatchObject({ email: 'ap@adatum.example' });
    const updated = await callOp(bc(), 'update', { entitySet: 'customers', id: created.id, changes: { email: 'billing@adatum.example' } });
    expect(updated.email).toBe('billing@adatum.example');
    expect(srv.requests.at(-1)!.headers['if-match']).toBe(created['@odata.etag']);
    // A stale ETag: a clear, non-retryable concurrency_conflict carrying Business Central's message.
    const err = await callOp(bc(), 'update', {
      entitySet: 'customers',
      id: created.id,
      changes: { email: 'x@y.z' },
      etag: created['@odata.etag'],
    }).catch((e) => e);
    expect(err).toMatchObject({ code: 'concurrency_conflict', status: 412, retryable: false });
    expect(err.message).toContain('Another user has already changed the record.');
  });

  it('returns null for a missing entity and reports a validation error on create', async () => {
    expect(await callOp(bc(), 'get', { entitySet: 'customers', id: '00000000-0000-0000-0000-000000000000' })).toBeNull();
    await expect(callOp(bc(), 'create', { entitySet: 'customers', record: { email: 'x' } })).rejects.toThrow(
      /The property 'displayName' is required/,
    );
  });

  it('fetches a token once and reuses it', async () => {
    const before = srv.tokensIssued;
    await callOp(bc(), 'listCompanies', {});
    await callOp(bc(), 'listCompanies', {});
    expect(srv.tokensIssued - before).toBeLessThanOrEqual(1);
  });

  it('tests the connection', async () => {
    await expect(bc().testConnection!(new AbortController().signal)).resolves.toEqual({ ok: true, detail: '1 company visible' });
  });

  it('is inferred from the Business Central API host', () => {
    const r = devRegistry.resolve({
      id: 'x',
      name: 'bc',
      settings: { baseUrl: 'https://api.businesscentral.dynamics.com/v2.0/t/production/api/v2.0' },
      secrets: {},
    });
    expect(r).toMatchObject({ step: 'inferred-system-type', registration: { systemType: 'business-central', category: 'erp' } });
  });
});

describe('Business Central: documents, bound actions, $batch, deletes, Retry-After, traceparent, authority', () => {
  const vendor = () => srv.bc.get('vendors')![0]!;

  it('creates a purchase invoice with a line under it, posts it by its bound action, refuses a second post', async () => {
    const inv = await callOp(bc(), 'create', {
      entitySet: 'purchaseInvoices',
      record: { vendorNumber: vendor()['number'], vendorInvoiceNumber: 'F-77', invoiceDate: '2026-11-30' },
    });
    expect(inv).toMatchObject({ status: 'Draft', vendorName: 'Fabrikam Supplies' });
    await callOp(bc(), 'create', {
      entitySet: 'purchaseInvoiceLines',
      parent: { entitySet: 'purchaseInvoices', id: inv.id },
      record: { description: 'Paper', quantity: 2, directUnitCost: 10 },
    });
    expect(srv.bc.get('purchaseInvoiceLines')!.filter((l) => l['documentId'] === inv.id)).toHaveLength(1);
    expect(await callOp(bc(), 'action', { entitySet: 'purchaseInvoices', id: inv.id, action: 'Microsoft.NAV.post' })).toMatchObject({
      action: 'Microsoft.NAV.post',
      result: null,
    });
    expect(srv.requests.at(-1)!.url).toContain(`purchaseInvoices(${inv.id})/Microsoft.NAV.post`);
    expect(srv.bc.get('purchaseInvoices')!.find((p) => p['id'] === inv.id)!['status']).toBe('Open');
    await expect(callOp(bc(), 'action', { entitySet: 'purchaseInvoices', id: inv.id, action: 'Microsoft.NAV.post' })).rejects.toThrow(
      /already posted/,
    );
    await expect(callOp(bc(), 'action', { entitySet: 'purchaseInvoices', id: inv.id, action: 'post(); DROP' })).rejects.toThrow();
  });

  it('sends many records in one atomic $batch; a failing request applies nothing', async () => {
    const before = srv.customers.length;
    const ok = await callOp(bc(), 'batch', {
      requests: [1, 2, 3].map((i) => ({ method: 'POST', entitySet: 'customers', record: { displayName: `Batch ${i}` } })),
    });
    expect(ok.failed).toBe(0);
    expect(ok.results.map((r: { status: number }) => r.status)).toEqual([201, 201, 201]);
    expect(srv.customers.length).toBe(before + 3);
    const batchRequest = srv.requests.at(-1)!;
    expect(batchRequest.url).toMatch(/\/\$batch$/);
    expect(batchRequest.headers['isolation']).toBe('snapshot');
    const err = await callOp(bc(), 'batch', {
      requests: [
        { method: 'POST', entitySet: 'customers', record: { displayName: 'Kept?' } },
        { method: 'POST', entitySet: 'customers', record: { email: 'no name' } },
      ],
    }).catch((e) => e);
    expect(err).toMatchObject({ code: 'business_central_batch_failed', status: 400 });
    expect(err.message).toContain(
      "requests[1], with HTTP 400: BadRequest: The property 'displayName' is required. (atomic: nothing was applied)",
    );
    expect(srv.customers.length).toBe(before + 3);
    // failOnError false: every status comes back; a stale ETag inside a batch is a conflict.
    const c = srv.customers[0]!;
    const mixed = await callOp(bc(), 'batch', {
      atomic: false,
      failOnError: false,
      requests: [{ method: 'PATCH', entitySet: 'customers', id: c['id'], etag: 'W/"stale"', record: { email: 'a@b.c' } }],
    });
    expect(mixed).toMatchObject({ failed: 1, results: [{ status: 412, ok: false }] });
    await expect(
      callOp(bc(), 'batch', { requests: [{ method: 'PATCH', entitySet: 'customers', id: c['id'], etag: 'W/"stale"', record: {} }] }),
    ).rejects.toMatchObject({ code: 'concurrency_conflict' });
  });

  it('deletes with If-Match: a stale ETag is concurrency_conflict, a deleted record deletes again as false', async () => {
    const created = await callOp(bc(), 'create', { entitySet: 'customers', record: { displayName: 'To delete' } });
    await expect(callOp(bc(), 'delete', { entitySet: 'customers', id: created.id, etag: 'W/"old"' })).rejects.toMatchObject({
      code: 'concurrency_conflict',
      status: 412,
    });
    expect(await callOp(bc(), 'delete', { entitySet: 'customers', id: created.id, etag: created['@odata.etag'] })).toEqual({
      deleted: true,
    });
    expect(await callOp(bc(), 'delete', { entitySet: 'customers', id: created.id })).toEqual({ deleted: false });
  });

  it('quotes where values, so text from an earlier step cannot widen the filter', async () => {
    const injected = "x' or number ne 'none";
    expect(await collect(bc(), 'query', { entitySet: 'customers', where: { displayName: injected } })).toEqual([]);
    expect(decodeURIComponent(srv.requests.at(-1)!.url.replace(/\+/g, ' '))).toContain("displayName eq 'x'' or number ne ''none'");
    expect((await collect(bc(), 'query', { entitySet: 'customers', where: { number: 'C00002' } })).map((r) => r['displayName'])).toEqual([
      'Customer 2',
    ]);
  });

  it('waits out a 429 Retry-After within the task deadline, and fails retryable when the wait does not fit', async () => {
    srv.throttle(1, 1);
    const t0 = Date.now();
    expect((await callOp(bc(), 'listCompanies', {})).items).toHaveLength(1);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(950);
    const ac = new AbortController();
    setDeadline(ac.signal, Date.now() + 2000);
    srv.throttle(1, 30, 503);
    const err = await callOp(bc(), 'get', { entitySet: 'customers', id: srv.customers[0]!['id'] }, ctx({ signal: ac.signal })).catch(
      (e) => e,
    );
    expect(err).toMatchObject({ code: 'business_central_http_503', retryable: true, status: 503 });
    expect(err.message).toContain('retry after 30 s');
  });

  it('sends a W3C traceparent on every call', async () => {
    await callOp(bc(), 'listCompanies', {});
    expect(srv.requests.at(-1)!.headers['traceparent']).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$/);
  });

  it('takes the Entra authority from the connector (sovereign clouds)', async () => {
    const before = srv.tokensIssued;
    const a = adapterFor({
      systemType: 'business-central',
      settings: {
        baseUrl: srv.bcBase,
        companyId: srv.companyId,
        tenantId: srv.tenant,
        authority: srv.url,
        auth: { type: 'oauth2-client-credentials', scope: 'https://api.businesscentral.us/.default' },
      },
      secrets: secrets(),
    });
    expect((await callOp(a, 'listCompanies', {})).items).toHaveLength(1);
    expect(srv.tokensIssued).toBe(before + 1);
  });
});

describe('Dynamics 365 Finance adapter', () => {
  const fin = (extra: Record<string, unknown> = {}) =>
    adapterFor({
      systemType: 'dynamics-365-finance',
      settings: {
        environmentUrl: srv.financeBase,
        dataAreaId: 'usmf',
        auth: { ...oauth(), scope: `${srv.financeBase}/.default` },
        ...extra,
      },
      secrets: secrets(),
    });

  it('streams a data entity of the configured legal entity, with a filter', async () => {
    const rows = await collect(fin(), 'query', { entitySet: 'CustomersV3', filter: "CustomerGroupId eq '30'", pageSize: 1 });
    expect(rows.map((r) => r['CustomerAccount'])).toEqual(['US-001', 'US-002']);
    expect(srv.requests.at(-1)!.url).toContain('dataAreaId');
  });

  it('reads across companies with cross-company=true', async () => {
    const rows = await collect(fin(), 'query', { entitySet: 'CustomersV3', crossCompany: true });
    expect(rows.map((r) => r['dataAreaId'])).toEqual(['usmf', 'usmf', 'usmf', 'demf']);
  });

  it('gets by composite key and creates with the default legal entity', async () => {
    expect(await callOp(fin(), 'get', { entitySet: 'CustomersV3', key: { CustomerAccount: 'US-003' } })).toMatchObject({
      OrganizationName: 'Forest Wholesales',
    });
    expect(await callOp(fin(), 'get', { entitySet: 'CustomersV3', key: { CustomerAccount: "O'Brien" } })).toBeNull();
    const created = await callOp(fin(), 'create', {
      entitySet: 'CustomersV3',
      record: { CustomerAccount: 'US-099', OrganizationName: 'Fabrikam', CustomerGroupId: '30' },
    });
    expect(created).toMatchObject({ dataAreaId: 'usmf', CustomerAccount: 'US-099' });
    await expect(callOp(fin(), 'create', { entitySet: 'CustomersV3', record: { CustomerAccount: 'US-099' } })).rejects.toThrow(
      /Record already exists/,
    );
  });

  it('tests the connection against the service document', async () => {
    await expect(fin().testConnection!(new AbortController().signal)).resolves.toEqual({ ok: true, detail: '1 data entities published' });
  });

  it('updates with If-Match (stale → concurrency_conflict) and deletes by composite key', async () => {
    const updated = await callOp(fin(), 'update', {
      entitySet: 'CustomersV3',
      key: { CustomerAccount: 'US-002' },
      changes: { CustomerGroupId: '40' },
    });
    expect(updated).toMatchObject({ CustomerAccount: 'US-002', CustomerGroupId: '40' });
    expect(srv.requests.find((r) => r.method === 'PATCH' && r.url.includes("CustomerAccount='US-002'"))!.headers['if-match']).toMatch(
      /^W\//,
    );
    await expect(
      callOp(fin(), 'update', { entitySet: 'CustomersV3', key: { CustomerAccount: 'US-002' }, changes: {}, etag: 'W/"old"' }),
    ).rejects.toMatchObject({ code: 'concurrency_conflict' });
    await callOp(fin(), 'create', { entitySet: 'CustomersV3', record: { CustomerAccount: 'US-DEL' } });
    expect(await callOp(fin(), 'delete', { entitySet: 'CustomersV3', key: { CustomerAccount: 'US-DEL' } })).toEqual({ deleted: true });
    expect(await callOp(fin(), 'delete', { entitySet: 'CustomersV3', key: { CustomerAccount: 'US-DEL' } })).toEqual({ deleted: false });
  });

  it('imports a data package through data management, resuming its own import on a retry', async () => {
    const pkg = Buffer.from('PK\u0003\u0004 a data package').toString('base64');
    const c = ctx();
    const input = { package: { content: pkg }, definitionGroupId: 'Customers import', pollIntervalMs: 100 };
    const r = await callOp(fin(), 'importPackage', input, c);
    expect(r).toEqual({ executionId: `demiton-${c.idempotencyKey}`.slice(0, 60), status: 'Succeeded' });
    expect(srv.imports.get(r.executionId)).toMatchObject({
      definitionGroupId: 'Customers import',
      legalEntityId: 'usmf',
      packageBytes: Buffer.from(pkg, 'base64').length,
    });
    const imports = srv.imports.size;
    expect(await callOp(fin(), 'importPackage', input, c)).toMatchObject({ status: 'Succeeded' });
    expect(srv.imports.size).toBe(imports);
    await expect(callOp(fin(), 'importPackage', { ...input, definitionGroupId: 'fail me' })).rejects.toMatchObject({
      code: 'dynamics_365_finance_import_failed',
    });
  });

  it('is inferred from an operations.dynamics.com environment URL', () => {
    const r = devRegistry.resolve({
      id: 'x',
      name: 'fin',
      settings: { environmentUrl: 'https://contoso.operations.dynamics.com' },
      secrets: {},
    });
    expect(r).toMatchObject({ step: 'inferred-system-type', registration: { systemType: 'dynamics-365-finance', category: 'finance' } });
  });
});

describe('Microsoft Graph (Entra ID directory) adapter', () => {
  const graph = () =>
    adapterFor({
      systemType: 'microsoft-graph',
      settings: { baseUrl: srv.graphBase, auth: { ...oauth(), scope: 'https://graph.microsoft.com/.default' } },
      secrets: secrets(),
    });

  it('streams users with a $filter across pages, and group members', async () => {
    const enabled = await collect(graph(), 'users', {
      filter: 'accountEnabled eq true',
      select: ['id', 'userPrincipalName', 'accountEnabled'],
      pageSize: 2,
    });
    expect(enabled.map((u) => u['userPrincipalName'])).toEqual([
      'user1@contoso.example',
      'user2@contoso.example',
      'user4@contoso.example',
      'user5@contoso.example',
    ]);
    const members = await collect(graph(), 'groupMembers', { groupId: srv.groupId });
    expect(members).toHaveLength(3);
    expect((await collect(graph(), 'groups', {}))[0]).toMatchObject({ displayName: 'Finance' });
  });

  it('reads a user by UPN; null when absent; Graph’s error for an unknown group', async () => {
    expect(await callOp(graph(), 'getUser', { id: 'user4@contoso.example' })).toMatchObject({ displayName: 'User 4' });
    expect(await callOp(graph(), 'getUser', { id: 'nobody@contoso.example' })).toBeNull();
    await expect(collect(graph(), 'groupMembers', { groupId: 'no-such-group' })).rejects.toThrow(
      /Request_ResourceNotFound: Resource 'no-such-group' does not exist/,
    );
  });

  it('tests the connection and is inferred from the Graph host', async () => {
    await expect(graph().testConnection!(new AbortController().signal)).resolves.toEqual({ ok: true, detail: '1 organisation visible' });
    expect(
      devRegistry.resolve({ id: 'x', name: 'g', settings: { baseUrl: 'https://graph.microsoft.com/v1.0' }, secrets: {} }),
    ).toMatchObject({ step: 'inferred-system-type', registration: { systemType: 'microsoft-graph', category: 'identity' } });
  });
});

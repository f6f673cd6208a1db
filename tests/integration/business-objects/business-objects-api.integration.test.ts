/**
 * Business object types and records over HTTP on real PostgreSQL: schema checks, 422 naming the
 * failing path, create/put/get/delete, containment filters with keyset paging, audit rows.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, createTestPlatform, startTestHost, type TestPlatform } from '../../helpers/test-platform';

let platform: TestPlatform;
let host: { url: string; close(): Promise<void> };
beforeAll(async () => {
  platform = await createTestPlatform({ env: { CONNECTOR_ENCRYPTION_KEY: randomBytes(32).toString('base64') } });
  host = await startTestHost(platform);
});
afterAll(async () => {
  await host?.close();
  await platform?.close();
});

const invoiceSchema = {
  type: 'object',
  required: ['number', 'customer', 'amount', 'status'],
  properties: {
    number: { type: 'string', pattern: '^INV-\\d+$' },
    customer: { type: 'string' },
    amount: { type: 'number', minimum: 0 },
    status: { enum: ['open', 'paid', 'void'] },
    lines: {
      type: 'array',
      items: { type: 'object', required: ['sku', 'qty'], properties: { sku: { type: 'string' }, qty: { type: 'integer', minimum: 1 } } },
    },
  },
  additionalProperties: false,
};

const inv = (n: number, over: Record<string, unknown> = {}) => ({
  number: `INV-${String(n).padStart(4, '0')}`,
  customer: `cust-${n % 3}`,
  amount: n * 10,
  status: n % 2 ? 'open' : 'paid',
  ...over,
});

describe('business object types', () => {
  it('creates a type and reads it back', async () => {
    const r = await api(host.url, 'POST', '/api/business-object-types', {
      name: 'Invoice',
      description: 'AR invoices',
      schema: invoiceSchema,
      keyField: 'number',
    });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ name: 'Invoice', keyField: 'number', description: 'AR invoices' });
    expect((await api(host.url, 'GET', '/api/business-object-types/Invoice')).body.schema).toEqual(invoiceSchema);
    expect((await api(host.url, 'GET', '/api/business-object-types')).body.items.map((t: { name: string }) => t.name)).toEqual(['Invoice']);
  });

  it('rejects an invalid schema, a key field outside it, and a duplicate name', async () => {
    const bad = await api(host.url, 'POST', '/api/business-object-types', {
      name: 'Bad',
      schema: { type: 'object', properties: { a: { type: 'nonsense' } } },
      keyField: 'a',
    });
    expect(bad.status).toBe(422);
    expect(bad.body.errors[0]).toMatchObject({ path: 'schema', message: expect.stringMatching(/invalid JSON Schema/) });
    const key = await api(host.url, 'POST', '/api/business-object-types', {
      name: 'Bad2',
      schema: { type: 'object', properties: { a: { type: 'string' } } },
      keyField: 'id',
    });
    expect(key.body.errors).toEqual([{ path: 'keyField', message: "'id' is not among the schema's properties" }]);
    const dup = await api(host.url, 'POST', '/api/business-object-types', { name: 'Invoice', schema: invoiceSchema, keyField: 'number' });
    expect(dup.status).toBe(409);
  });

  it('updates the schema; the key field cannot change', async () => {
    const widened = { ...invoiceSchema, properties: { ...invoiceSchema.properties, note: { type: 'string' } } };
    const ok = await api(host.url, 'PUT', '/api/business-object-types/Invoice', { schema: widened });
    expect(ok.status).toBe(200);
    expect(ok.body.schema.properties.note).toEqual({ type: 'string' });
    const no = await api(host.url, 'PUT', '/api/business-object-types/Invoice', { schema: widened, keyField: 'customer' });
    expect(no.status).toBe(422);
    expect(no.body.errors).toEqual([{ path: 'keyField', message: "the key field is 'number' and cannot change" }]);
  });
});

describe('business object records', () => {
  it('creates a record; 409 on a second create with the same key', async () => {
    const r = await api(host.url, 'POST', '/api/business-objects/Invoice', inv(1, { lines: [{ sku: 'A-1', qty: 2 }] }));
    expect(r.status).toBe(201);
    expect(r.headers.get('location')).toBe('/api/business-objects/Invoice/INV-0001');
    expect(r.body).toMatchObject({ key: 'INV-0001', version: 1, data: { amount: 10 } });
    expect((await api(host.url, 'POST', '/api/business-objects/Invoice', inv(1))).status).toBe(409);
  });

  it('validates writes against the schema with 422 naming each failing path', async () => {
    const r = await api(host.url, 'POST', '/api/business-objects/Invoice', {
      number: 'X-1',
      amount: -5,
      status: 'open',
      lines: [{ sku: 'A', qty: 0 }],
      extra: true,
    });
    expect(r.status).toBe(422);
    expect(r.body.code).toBe('invalid_business_object');
    const paths = r.body.errors.map((e: { path: string }) => e.path).sort();
    expect(paths).toEqual(['(record)', 'amount', 'customer', 'lines[0].qty', 'number'].sort());
    expect(r.body.errors).toEqual(
      expect.arrayContaining([
        { path: 'lines[0].qty', message: 'must be >= 1' },
        { path: 'customer', message: "must have required property 'customer'" },
      ]),
    );
  });

  it('puts (create or replace) idempotently; the version moves only when data changes', async () => {
    const created = await api(host.url, 'PUT', '/api/business-objects/Invoice/INV-0002', inv(2));
    expect(created.status).toBe(201);
    const same = await api(host.url, 'PUT', '/api/business-objects/Invoice/INV-0002', inv(2));
    expect(same.status).toBe(200);
    expect(same.body.version).toBe(1);
    const changed = await api(host.url, 'PUT', '/api/business-objects/Invoice/INV-0002', inv(2, { status: 'void' }));
    expect(changed.body).toMatchObject({ version: 2, data: { status: 'void' } });
    const mismatch = await api(host.url, 'PUT', '/api/business-objects/Invoice/INV-0003', inv(2));
    expect(mismatch.status).toBe(422);
    expect(mismatch.body.errors).toEqual([{ path: 'number', message: "is 'INV-0002' but the URL names 'INV-0003'" }]);
  });

  it('filters by containment and pages by key', async () => {
    for (let n = 3; n <= 12; n++)
      expect((await api(host.url, 'PUT', `/api/business-objects/Invoice/${inv(n).number}`, inv(n))).status).toBe(201);
    const keys: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const q: string = `filter=${encodeURIComponent(JSON.stringify({ status: 'open' }))}&limit=2${cursor ? `&cursor=${cursor}` : ''}`;
      const r = await api(host.url, 'GET', `/api/business-objects/Invoice?${q}`);
      expect(r.status).toBe(200);
      keys.push(...r.body.items.map((i: { key: string }) => i.key));
      cursor = r.body.nextCursor;
      pages++;
    } while (cursor);
    expect(keys).toEqual(['INV-0001', 'INV-0003', 'INV-0005', 'INV-0007', 'INV-0009', 'INV-0011']);
    expect(pages).toBe(3);
    const nested = await api(
      host.url,
      'GET',
      `/api/business-objects/Invoice?filter=${encodeURIComponent(JSON.stringify({ lines: [{ sku: 'A-1' }] }))}`,
    );
    expect(nested.body.items.map((i: { key: string }) => i.key)).toEqual(['INV-0001']);
  });

  it('rejects a bad filter and a forged cursor with 400', async () => {
    const f = await api(host.url, 'GET', '/api/business-objects/Invoice?filter=%7Bnope');
    expect(f.status).toBe(400);
    expect(f.body.errors[0].path).toBe('filter');
    const c = await api(host.url, 'GET', '/api/business-objects/Invoice?cursor=!!!');
    expect(c.status).toBe(400);
  });

  it('reads and deletes by key; 404 for unknown keys and types', async () => {
    expect((await api(host.url, 'GET', '/api/business-objects/Invoice/INV-0004')).body.data.customer).toBe('cust-1');
    expect((await api(host.url, 'DELETE', '/api/business-objects/Invoice/INV-0004')).status).toBe(204);
    const gone = await api(host.url, 'GET', '/api/business-objects/Invoice/INV-0004');
    expect(gone.status).toBe(404);
    expect(gone.body.code).toBe('business_object_not_found');
    expect((await api(host.url, 'DELETE', '/api/business-objects/Invoice/INV-0004')).status).toBe(404);
    expect((await api(host.url, 'GET', '/api/business-objects/Nope')).status).toBe(404);
  });

  it('audits every mutation', async () => {
    const { rows } = await platform.db.query<{ action: string; target_id: string | null }>(
      `SELECT action, target_id FROM audit_log WHERE target_type LIKE 'business_object%' ORDER BY id`,
    );
    const actions = rows.map((r) => r.action);
    expect(actions.filter((a) => a === 'business_object_type.create')).toHaveLength(1);
    expect(actions.filter((a) => a === 'business_object_type.update')).toHaveLength(1);
    // 1 POST + INV-0002 (create, update) + 10 PUT creates; the unchanged PUT wrote nothing.
    expect(actions.filter((a) => a === 'business_object.create')).toHaveLength(12);
    expect(actions.filter((a) => a === 'business_object.update')).toHaveLength(1);
    expect(rows.filter((r) => r.action === 'business_object.delete').map((r) => r.target_id)).toEqual(['INV-0004']);
  });
});

/**
 * End to end through the real engine (Worker + test host, PostgreSQL + Redis): a workflow reads
 * rows from SQL through a stored connector (secrets sealed), fans out with ChunkedDispatch
 * writing one business object per row, queries them back, and mails a summary over SMTP.
 * Running it again changes nothing: the upsert is idempotent on the key.
 */
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import pg from 'pg';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Worker } from '../../../shared/engine/worker';
import { api, createTestPlatform, startTestHost, TEST_DATABASE_URL, waitFor, type TestPlatform } from '../../helpers/test-platform';
import { startSmtpCapture, type SmtpCapture } from '../../servers/smtp-capture';

const ROWS = 60;
const sourceSchema = `e2e_src_${randomBytes(4).toString('hex')}`;
const SMTP_PASSWORD = `smtp-${randomBytes(8).toString('hex')}`;
let logText = '';
const capture = new Writable({
  write(chunk, _e, cb) {
    logText += chunk.toString();
    cb();
  },
});

let platform: TestPlatform;
let host: { url: string; close(): Promise<void> };
let worker: Worker;
let smtp: SmtpCapture;

beforeAll(async () => {
  const c = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await c.connect();
  await c.query(`CREATE SCHEMA "${sourceSchema}"`);
  await c.query(`CREATE TABLE "${sourceSchema}".orders (id int PRIMARY KEY, customer text NOT NULL, amount numeric(10,2) NOT NULL)`);
  await c.query(`INSERT INTO "${sourceSchema}".orders SELECT g, 'cust-' || (g % 4), g * 2.5 FROM generate_series(1, ${ROWS}) g`);
  await c.end();
  smtp = await startSmtpCapture({ auth: { user: 'reports', pass: SMTP_PASSWORD } });
  platform = await createTestPlatform({
    env: { CONNECTOR_ENCRYPTION_KEY: randomBytes(32).toString('base64') },
    overrides: { logger: pino({ level: 'debug' }, capture) },
  });
  host = await startTestHost(platform);
  worker = new Worker(platform, { concurrency: 4, pollMs: 100 });
  worker.start();
});

afterAll(async () => {
  await host?.close();
  await worker?.stop();
  await platform?.close();
  await smtp?.close();
  const c = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await c.connect();
  await c.query(`DROP SCHEMA IF EXISTS "${sourceSchema}" CASCADE`);
  await c.end();
});

const finished = (id: string) =>
  waitFor(async () => {
    const r = await api(host.url, 'GET', `/api/runs/${id}`);
    return ['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(r.body.status) ? r.body : null;
  }, 60_000);

describe('SQL → ChunkedDispatch → business objects → SMTP summary', () => {
  let workflowId: string;

  it('sets up connectors, a business object type and the workflow', async () => {
    expect(
      (
        await api(host.url, 'POST', '/api/connectors', {
          name: 'orders-db',
          systemType: 'postgres',
          settings: { host: '127.0.0.1', port: 5432, database: 'test', user: 'postgres', ssl: 'disable' },
          secrets: { password: 'unused-with-trust-auth' },
        })
      ).status,
    ).toBe(201);
    expect(
      (
        await api(host.url, 'POST', '/api/connectors', {
          name: 'mail',
          systemType: 'smtp',
          settings: { host: '127.0.0.1', port: smtp.port, tls: 'opportunistic', from: 'demiton@example.com' },
          secrets: { username: 'reports', password: SMTP_PASSWORD },
        })
      ).status,
    ).toBe(201);
    expect(
      (
        await api(host.url, 'POST', '/api/business-object-types', {
          name: 'Order',
          keyField: 'orderId',
          schema: {
            type: 'object',
            required: ['orderId', 'customer', 'amount'],
            properties: { orderId: { type: 'integer' }, customer: { type: 'string' }, amount: { type: 'number', minimum: 0 } },
          },
        })
      ).status,
    ).toBe(201);
    const wf = await api(host.url, 'POST', '/api/workflows', {
      name: 'import-orders',
      inputSchema: { type: 'object', required: ['minAmount', 'to'], properties: { minAmount: { type: 'number' }, to: { type: 'string' } } },
      tasks: [
        {
          key: 'fanout',
          type: 'chunked',
          generator: {
            connector: 'orders-db',
            operation: 'query',
            input: {
              sql: `SELECT id AS "orderId", customer, amount::float8 AS amount FROM "${sourceSchema}".orders WHERE amount >= $1 ORDER BY id`,
              params: ['{{ input.minAmount }}'],
              batchSize: 7,
            },
          },
          each: { connector: 'platform', operation: 'upsertBusinessObject', input: { type: 'Order', record: '{{ record }}' } },
          concurrency: 8,
        },
        {
          key: 'cust1',
          type: 'atomic',
          connector: 'platform',
          operation: 'queryBusinessObjects',
          input: { type: 'Order', filter: { customer: 'cust-1' }, limit: 500 },
        },
        {
          key: 'notify',
          type: 'atomic',
          connector: 'mail',
          operation: 'sendMail',
          input: {
            to: '{{ input.to }}',
            subject: 'Imported {{ steps.fanout.succeeded }} orders',
            text: '{{ steps.fanout.succeeded }} of {{ steps.fanout.total }} orders imported; {{ $count(steps.cust1.items) }} for cust-1.',
          },
        },
      ],
    });
    expect(wf.status, JSON.stringify(wf.body)).toBe(201);
    workflowId = wf.body.id;
  });

  it('runs to SUCCEEDED: every row is a business object and the summary was mailed', async () => {
    const trig = await api(host.url, 'POST', `/api/workflows/${workflowId}/runs`, { input: { minAmount: 10, to: 'finance@example.com' } });
    expect(trig.status).toBe(202);
    const run = await finished(trig.body.id);
    expect(run.status, JSON.stringify(run.error)).toBe('SUCCEEDED');
    // amount = id * 2.5 >= 10 → ids 4..60
    const expected = ROWS - 3;
    expect(run.tasks[0].output).toEqual({ total: expected, succeeded: expected, failed: 0, cancelled: 0 });
    const { rows } = await platform.db.query<{ n: number; min: string; max: string }>(
      `SELECT count(*)::int AS n, min((data->>'orderId')::int) AS min, max((data->>'orderId')::int) AS max FROM business_objects`,
    );
    expect(rows[0]).toEqual({ n: expected, min: 4, max: ROWS });
    const cust1 = Array.from({ length: ROWS }, (_, i) => i + 1).filter((id) => id >= 4 && id % 4 === 1).length;
    expect(run.tasks[1].output.items).toHaveLength(cust1);
    const mail = smtp.messages.at(-1)!;
    expect(mail.to).toEqual(['finance@example.com']);
    expect(mail.user).toBe('reports');
    expect(mail.raw).toMatch(new RegExp(`^Subject: Imported ${expected} orders\\r?$`, 'm'));
    expect(mail.raw).toContain(`${expected} of ${expected} orders imported; ${cust1} for cust-1.`);
    // The business object API sees what the workflow wrote.
    const one = await api(host.url, 'GET', '/api/business-objects/Order/10');
    expect(one.body.data).toEqual({ orderId: 10, customer: 'cust-2', amount: 25 });
  });

  it('a second run is idempotent: same objects, versions unchanged', async () => {
    const trig = await api(host.url, 'POST', `/api/workflows/${workflowId}/runs`, { input: { minAmount: 10, to: 'finance@example.com' } });
    const run = await finished(trig.body.id);
    expect(run.status).toBe('SUCCEEDED');
    const { rows } = await platform.db.query<{ n: number; maxv: number }>(
      'SELECT count(*)::int AS n, max(version) AS maxv FROM business_objects',
    );
    expect(rows[0]).toEqual({ n: ROWS - 3, maxv: 1 });
    expect(smtp.messages).toHaveLength(2);
  });

  it('a failing chunk fails the run with the schema path in the error', async () => {
    const wf = await api(host.url, 'POST', '/api/workflows', {
      name: 'bad-import',
      tasks: [
        {
          key: 'fanout',
          type: 'chunked',
          generator: {
            connector: 'orders-db',
            operation: 'query',
            input: { sql: `SELECT id AS "orderId", customer, -1 AS amount FROM "${sourceSchema}".orders WHERE id <= 2` },
          },
          each: { connector: 'platform', operation: 'upsertBusinessObject', input: { type: 'Order', record: '{{ record }}' } },
        },
      ],
    });
    expect(wf.status).toBe(201);
    const run = await finished((await api(host.url, 'POST', `/api/workflows/${wf.body.id}/runs`, { input: {} })).body.id);
    expect(run.status).toBe('FAILED');
    const { rows } = await platform.db.query<{ error: { code: string; message: string } }>(
      `SELECT error FROM chunk_runs WHERE error IS NOT NULL LIMIT 1`,
    );
    expect(rows[0]!.error).toMatchObject({
      code: 'invalid_business_object',
      retryable: false,
      message: expect.stringContaining('record.amount: must be >= 0'),
    });
  });

  it('kept the SMTP password out of the logs', () => {
    expect(logText).not.toContain(SMTP_PASSWORD);
  });
});

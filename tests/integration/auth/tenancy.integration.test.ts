/**
 * Tenancy: two organisations (two Entra tenants). Every resource type the API has is created in
 * organisation A; organisation B's owner can neither read, list, change nor delete any of it
 * (404, never A's data), and A's API key cannot reach B. A queue message that names the wrong
 * organisation for a run is dropped by the worker, which re-checks the org against the run row.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Worker } from '../../../shared/engine/worker';
import { randomId, waitFor } from '../../helpers/test-platform';
import { startEntraEnv, type EntraEnv } from './entra-env';

let env: EntraEnv;
let ownerA: string;
let ownerB: string;
let orgA: string;
let orgB: string;
const wfDef = (name = `wf-${randomId()}`) => ({
  name,
  tasks: [{ key: 'e', type: 'atomic', connector: 'platform', operation: 'echo', input: { n: 1 } }],
});

beforeAll(async () => {
  env = await startEntraEnv({ tenants: 2, env: { CONNECTOR_ALLOWED_CIDRS: '127.0.0.1/32' } });
  ownerA = await env.tokenFor('owner', { tenant: env.tenants[0] });
  ownerB = await env.tokenFor('owner', { tenant: env.tenants[1] });
  orgA = await env.orgOf(env.tenants[0]!);
  orgB = await env.orgOf(env.tenants[1]!);
});
afterAll(async () => {
  await env?.close();
});

const a = (m: string, p: string, b?: unknown) => env.call(m, p, ownerA, b);
const b = (m: string, p: string, b?: unknown) => env.call(m, p, ownerB, b);

async function created(r: Awaited<ReturnType<typeof a>>): Promise<any> {
  expect(r.status, JSON.stringify(r.body)).toBeGreaterThanOrEqual(200);
  expect(r.status, JSON.stringify(r.body)).toBeLessThan(300);
  return r.body;
}

interface Resource {
  /** Creates it in org A; returns the calls B will try. */
  make(): Promise<{ id: string; read: string[]; list?: string | string[]; writes: Array<[method: string, path: string, body?: unknown]> }>;
}

const RESOURCES: Record<string, Resource> = {
  workflow: {
    async make() {
      const w = await created(await a('POST', '/api/workflows', wfDef()));
      return {
        id: w.id,
        read: [`/api/workflows/${w.id}`, `/api/workflows/${w.id}/versions`],
        list: '/api/workflows',
        writes: [
          ['PUT', `/api/workflows/${w.id}`, wfDef()],
          ['POST', `/api/workflows/${w.id}/runs`, { input: {} }],
        ],
      };
    },
  },
  run: {
    async make() {
      const w = await created(await a('POST', '/api/workflows', wfDef()));
      const r = await created(await a('POST', `/api/workflows/${w.id}/runs`, { input: {} }));
      return {
        id: r.id,
        read: [`/api/runs/${r.id}`],
        list: '/api/runs',
        writes: [
          ['POST', `/api/runs/${r.id}/cancel`, {}],
          ['POST', `/api/runs/${r.id}/retry`, {}],
        ],
      };
    },
  },
  project: {
    async make() {
      const p = await created(await a('POST', '/api/projects', { name: `p-${randomId()}` }));
      return {
        id: p.id,
        read: [`/api/projects/${p.id}`],
        list: '/api/projects',
        writes: [['POST', '/api/workflows', { ...wfDef(), projectId: p.id }]],
      };
    },
  },
  worker: {
    async make() {
      const w = await created(await a('POST', '/api/workers', { name: `w-${randomId()}`, owner: 'ops' }));
      return {
        id: w.id,
        read: [`/api/workers/${w.id}`, `/api/workers/${w.id}/stats`],
        list: '/api/workers',
        writes: [['PATCH', `/api/workers/${w.id}`, { status: 'paused' }]],
      };
    },
  },
  schedule: {
    async make() {
      const w = await created(await a('POST', '/api/workflows', wfDef()));
      const s = await created(await a('POST', `/api/workflows/${w.id}/schedules`, { cron: '0 3 * * *' }));
      return {
        id: s.id,
        read: [`/api/workflows/${w.id}/schedules/${s.id}`, `/api/workflows/${w.id}/schedules`],
        writes: [
          ['PUT', `/api/workflows/${w.id}/schedules/${s.id}`, { cron: '0 4 * * *' }],
          ['DELETE', `/api/workflows/${w.id}/schedules/${s.id}`],
        ],
      };
    },
  },
  connector: {
    async make() {
      const c = await created(
        await a('POST', '/api/connectors', {
          name: `c${randomId()}`,
          systemType: 'postgres',
          settings: { host: '127.0.0.1', port: 5432, database: 'test', user: 'postgres', ssl: 'disable' },
        }),
      );
      return {
        id: c.id,
        read: [`/api/connectors/${c.id}`],
        list: '/api/connectors',
        writes: [
          ['DELETE', `/api/connectors/${c.id}`],
          ['POST', `/api/connectors/${c.id}/test`, {}],
        ],
      };
    },
  },
  businessObject: {
    async make() {
      const t = `T${randomId()}`;
      await created(
        await a('POST', '/api/business-object-types', {
          name: t,
          keyField: 'id',
          schema: { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] },
        }),
      );
      await created(await a('POST', `/api/business-objects/${t}`, { id: 'secret-record' }));
      return {
        id: t,
        read: [`/api/business-object-types/${t}`, `/api/business-objects/${t}/secret-record`, `/api/business-objects/${t}`],
        list: '/api/business-object-types',
        writes: [
          ['DELETE', `/api/business-objects/${t}/secret-record`],
          ['PUT', `/api/business-objects/${t}/secret-record`, { id: 'secret-record' }],
        ],
      };
    },
  },
  studioConversation: {
    async make() {
      const c = await created(await a('POST', '/api/studio/conversations', {}));
      return { id: c.id, read: [`/api/studio/conversations/${c.id}`], list: '/api/studio/conversations', writes: [] };
    },
  },
  studioDocument: {
    async make() {
      const r = await env.call(
        'POST',
        `/api/studio/documents?name=a-${randomId()}.txt`,
        ownerA,
        'Only organisation A may read this sentence about invoices.',
        { 'content-type': 'text/plain' },
      );
      const d = await created(r);
      return {
        id: d.id,
        read: [`/api/studio/documents/${d.id}`],
        list: ['/api/studio/documents', '/api/studio/documents/search?q=invoices'],
        writes: [],
      };
    },
  },
  apiKey: {
    async make() {
      const k = await created(await a('POST', '/api/hq/api-keys', { name: `k-${randomId()}`, role: 'viewer' }));
      return { id: k.id, read: [], list: '/api/hq/api-keys', writes: [['DELETE', `/api/hq/api-keys/${k.id}`]] };
    },
  },
  roleMapping: {
    async make() {
      const g = randomUUID();
      await created(await a('PUT', `/api/hq/role-mappings/${g}`, { role: 'viewer' }));
      return { id: g, read: [], list: '/api/hq/role-mappings', writes: [['DELETE', `/api/hq/role-mappings/${g}`]] };
    },
  },
  auditEntry: {
    async make() {
      const w = await created(await a('POST', '/api/workflows', wfDef()));
      return { id: w.id, read: [], list: `/api/hq/audit?targetId=${w.id}`, writes: [] };
    },
  },
};

describe('organisations are isolated', () => {
  it('has two organisations, one per tenant', () => {
    expect(orgA).toBeTruthy();
    expect(orgB).toBeTruthy();
    expect(orgA).not.toBe(orgB);
  });

  it.each(Object.entries(RESOURCES))("B cannot read, list, change or delete A's %s", async (_kind, r) => {
    const made = await r.make();
    for (const path of made.read) {
      const got = await b('GET', path);
      expect(got.status, `B GET ${path}`).toBe(404);
      expect(JSON.stringify(got.body)).not.toContain('"definition"');
      // A still sees it.
      expect((await a('GET', path)).status, `A GET ${path}`).toBe(200);
    }
    for (const list of [made.list ?? []].flat()) {
      const got = await b('GET', list);
      expect(got.status).toBe(200);
      expect(JSON.stringify(got.body), `B's list ${list}`).not.toContain(made.id);
      expect(JSON.stringify((await a('GET', list)).body), `A's list ${list}`).toContain(made.id);
    }
    for (const [method, path, body] of made.writes) {
      const got = await b(method, path, body);
      expect([404, 422], `B ${method} ${path} -> ${got.status} ${JSON.stringify(got.body)}`).toContain(got.status);
    }
    // And after B's attempts, A's reads still succeed (nothing was changed or deleted).
    for (const path of made.read) expect((await a('GET', path)).status, `A GET ${path} after B`).toBe(200);
  });

  it("A cannot pull B's resources into its own by id", async () => {
    const wfB = await created(await b('POST', '/api/workflows', wfDef()));
    const workerA = await created(await a('POST', '/api/workers', { name: `w-${randomId()}`, owner: 'ops' }));
    const assign = await a('POST', `/api/workers/${workerA.id}/workflows`, { workflowId: wfB.id });
    expect([404, 422], JSON.stringify(assign.body)).toContain(assign.status);
    const key = await a('POST', '/api/hq/api-keys', { name: `k-${randomId()}`, role: 'operator', workflowIds: [wfB.id] });
    expect(key.status).toBe(422);
    const projectB = await created(await b('POST', '/api/projects', { name: `p-${randomId()}` }));
    const inB = await a('POST', '/api/workflows', { ...wfDef(), projectId: projectB.id });
    expect(inB.status).toBe(404);
  });

  it("A's API key cannot reach B's resources", async () => {
    const key = (await a('POST', '/api/hq/api-keys', { name: `k-${randomId()}`, role: 'admin' })).body.key;
    const wfB = await created(await b('POST', '/api/workflows', wfDef()));
    const got = await env.call('GET', `/api/workflows/${wfB.id}`, null, undefined, { 'x-api-key': key });
    expect(got.status).toBe(404);
    expect((await env.call('POST', `/api/workflows/${wfB.id}/runs`, null, { input: {} }, { 'x-api-key': key })).status).toBe(404);
    expect((await env.call('GET', '/api/me', null, undefined, { 'x-api-key': key })).body.orgId).toBe(orgA);
  });

  it('the worker re-checks the organisation of a queue message against the run row', async () => {
    const wfA = await created(await a('POST', '/api/workflows', wfDef()));
    const runA = await created(await a('POST', `/api/workflows/${wfA.id}/runs`, { input: {} }));
    // Take every waiting message (A's genuine one last) off the queue, and put a forged one (B's org) in its place.
    const probe = `probe-${randomId()}`;
    let last: { runId: string; orgId: string } | undefined;
    for (let r = await env.platform.queue.reserve(probe, 100); r; r = await env.platform.queue.reserve(probe, 100)) {
      last = r.message;
      await env.platform.queue.ack(probe, r);
    }
    expect(last).toMatchObject({ runId: runA.id, orgId: orgA });
    await env.platform.queue.enqueue({ runId: runA.id, orgId: orgB, enqueuedAt: Date.now() });
    // Then a genuine run of B: once it has finished, the forged message ahead of it was handled.
    const wfB = await created(await b('POST', '/api/workflows', wfDef()));
    const runB = await created(await b('POST', `/api/workflows/${wfB.id}/runs`, { input: {} }));
    const worker = new Worker(env.platform, { concurrency: 1, pollMs: 100 });
    worker.start();
    try {
      await waitFor(async () => (await b('GET', `/api/runs/${runB.id}`)).body.status === 'SUCCEEDED');
    } finally {
      await worker.stop();
    }
    const still = await a('GET', `/api/runs/${runA.id}`);
    expect(still.body.status).toBe('PENDING');
    expect(still.body.startedAt).toBeNull();
    expect(await env.platform.queue.depth()).toBe(0);
  });
});

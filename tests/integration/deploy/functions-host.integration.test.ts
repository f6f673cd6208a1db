/**
 * `func start` cannot run here (Core Tools download a binary), so this loads the app's entry
 * point under the real `@azure/functions` library with a recording stand-in for the host's
 * registration module, and checks what the host would be given: every route, timer and Service
 * Bus trigger, the start/terminate hooks, and host.json / package.json / local settings that
 * agree with them. The hooks are then run for real: the worker starts against PostgreSQL and
 * Redis and stops on terminate.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { envSchema, loadConfig } from '../../../shared/config';
import { createTestPlatform, type TestPlatform } from '../../helpers/test-platform';
import { installFakeFunctionsCore, type FakeCore } from './fake-functions-core';

const ROOT = resolve(__dirname, '..', '..', '..');
const TRIGGERS = [
  {
    name: 'ordersQueue',
    queue: 'orders',
    orgId: '33333333-3333-4333-8333-333333333333',
    workflowId: '44444444-4444-4444-8444-444444444444',
  },
  {
    name: 'invoicesTopic',
    topic: 'invoices',
    subscription: 'demiton',
    orgId: '33333333-3333-4333-8333-333333333333',
    workflowId: '44444444-4444-4444-8444-444444444444',
  },
];

let core: FakeCore;
let routes: typeof import('../../../functions/routes.js').routes;
let timers: typeof import('../../../functions/timers.js').timers;
let tp: TestPlatform;
const saved = { ...process.env };

beforeAll(async () => {
  // The schema and Redis prefix the hooks' platform will use (migrated by the test platform).
  tp = await createTestPlatform();
  Object.assign(process.env, tp.env, { SERVICE_BUS_TRIGGERS: JSON.stringify(TRIGGERS), WORKER_CONCURRENCY: '2' });
  core = installFakeFunctionsCore();
  await import('../../../functions/index.js');
  ({ routes } = await import('../../../functions/routes.js'));
  ({ timers } = await import('../../../functions/timers.js'));
});

afterAll(async () => {
  process.env = saved;
  await tp?.close();
});

const trigger = (name: string) => {
  const f = core.functions.find((x) => x.metadata.name === name);
  if (!f) throw new Error(`function ${name} was not registered`);
  return Object.values(f.metadata.bindings).find((b) => /Trigger$/.test(b.type))!;
};

describe('Azure Functions registrations (real @azure/functions, recorded host API)', () => {
  it('registers the programming model and nothing twice', () => {
    expect(core.programmingModel).not.toBeNull();
    const names = core.functions.map((f) => f.metadata.name);
    expect(new Set(names.map((n) => n.toLowerCase())).size).toBe(names.length);
    for (const n of names) expect(n).toMatch(/^[A-Za-z][A-Za-z0-9_-]{0,127}$/);
  });

  it('registers every route of the route table as an anonymous HTTP trigger', () => {
    expect(routes.length).toBeGreaterThan(3);
    for (const r of routes) {
      const b = trigger(r.name);
      expect(b.type).toBe('httpTrigger');
      expect(b['route']).toBe(r.route);
      expect(b['methods']).toEqual([r.method]);
      expect(b['authLevel']).toBe('anonymous');
    }
    // One function per method + route pair, as the host requires.
    const keys = routes.map((r) => `${r.method} ${r.route.replace(/\{[^}]+\}/g, '{}')}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('registers every timer with a six-field NCRONTAB schedule', () => {
    for (const t of timers) {
      const b = trigger(t.name);
      expect(b.type).toBe('timerTrigger');
      expect(String(b['schedule']).split(/\s+/)).toHaveLength(6);
    }
  });

  it('registers Service Bus queue and topic triggers from SERVICE_BUS_TRIGGERS', () => {
    const q = trigger('ordersQueue');
    expect(q).toMatchObject({ type: 'serviceBusTrigger', direction: 'in', queueName: 'orders', connection: 'ServiceBusConnection' });
    const t = trigger('invoicesTopic');
    expect(t).toMatchObject({
      type: 'serviceBusTrigger',
      topicName: 'invoices',
      subscriptionName: 'demiton',
      connection: 'ServiceBusConnection',
    });
    expect(core.functions).toHaveLength(routes.length + timers.length + TRIGGERS.length);
  });

  it('appStart starts the worker (it heartbeats in Redis) and appTerminate stops it', async () => {
    expect(core.hooks['appStart']).toHaveLength(1);
    expect(core.hooks['appTerminate']).toHaveLength(1);
    await core.hooks['appStart']![0]!({ hookData: {}, appHookData: {}, functionAppDirectory: ROOT });
    const { Redis } = await import('ioredis');
    const r = new Redis(tp.env['REDIS_URL']!);
    try {
      const { waitFor } = await import('../../helpers/test-platform.js');
      const keys = await waitFor(async () => {
        const k = await r.keys(`{${tp.redisPrefix}}:*`);
        return k.length ? k : null;
      });
      expect(keys.length).toBeGreaterThan(0);
    } finally {
      r.disconnect();
    }
    await core.hooks['appTerminate']![0]!({ hookData: {}, appHookData: {} });
    const { getPlatform } = await import('../../../functions/platform-instance.js');
    await (await getPlatform()).close();
  });
});

describe('host files', () => {
  const host = JSON.parse(readFileSync(join(ROOT, 'host.json'), 'utf8'));
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));

  it('host.json: v2 schema, extension bundle [4.*, 5.0.0), no timeout on Premium, routes under /api', () => {
    expect(host.version).toBe('2.0');
    expect(host.extensionBundle).toEqual({ id: 'Microsoft.Azure.Functions.ExtensionBundle', version: '[4.*, 5.0.0)' });
    expect(host.functionTimeout).toBe('-1');
    expect(host.extensions?.http?.routePrefix ?? 'api').toBe('api');
    expect(host.logging?.logLevel?.default).toBeDefined();
  });

  it('package.json main is the compiled form of functions/index.ts', () => {
    const build = JSON.parse(readFileSync(join(ROOT, 'tsconfig.build.json'), 'utf8'));
    expect(build.compilerOptions.rootDir).toBe('.');
    expect(pkg.main).toBe(`${build.compilerOptions.outDir}/functions/index.js`);
    expect(existsSync(join(ROOT, 'functions', 'index.ts'))).toBe(true);
    expect(pkg.dependencies['@azure/functions']).toMatch(/^\^?4\./);
  });

  it('local.settings.example.json lists every setting the app reads and loads as a configuration', () => {
    const local = JSON.parse(readFileSync(join(ROOT, 'local.settings.example.json'), 'utf8'));
    const values = local.Values as Record<string, string>;
    expect(Object.keys(envSchema.shape).filter((k) => !(k in values))).toEqual([]);
    expect(values['FUNCTIONS_WORKER_RUNTIME']).toBe('node');
    expect(values['AzureWebJobsStorage']).toBe('UseDevelopmentStorage=true');
    const config = loadConfig(values);
    expect(config.database.kind).toBe('postgres');
    expect(config.queue.kind).toBe('redis');
  });
});

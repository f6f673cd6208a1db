/** The OpenAPI document is generated from the route table and the same schemas that validate requests. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routes } from '../../functions/routes';
import { api, createTestPlatform, startTestHost, type TestPlatform } from '../helpers/test-platform';

let platform: TestPlatform;
let host: { url: string; close(): Promise<void> };
beforeAll(async () => {
  platform = await createTestPlatform({ queue: 'embedded' });
  host = await startTestHost(platform);
});
afterAll(async () => {
  await host.close();
  await platform.close();
});

describe('GET /api/openapi.json', () => {
  it('describes every route in the table, and only those', async () => {
    const doc = (await api(host.url, 'GET', '/api/openapi.json')).body;
    expect(doc.openapi).toBe('3.1.0');
    const ops = Object.entries(doc.paths as Record<string, Record<string, { operationId: string }>>).flatMap(([path, methods]) =>
      Object.entries(methods).map(([m, op]) => `${m.toUpperCase()} ${path} ${op.operationId}`),
    );
    expect(ops.sort()).toEqual(routes.map((r) => `${r.method} /api/${r.route} ${r.name}`).sort());
  });

  it('resolves every $ref and documents problems and security', async () => {
    const doc = (await api(host.url, 'GET', '/api/openapi.json')).body;
    const refs = JSON.stringify(doc).match(/"#\/components\/schemas\/[^"]+"/g) ?? [];
    for (const ref of refs) expect(doc.components.schemas).toHaveProperty(ref.slice(22, -1));
    const trigger = doc.paths['/api/workflows/{id}/runs'].post;
    expect(trigger.requestBody.content['application/json'].schema).toEqual({ $ref: '#/components/schemas/TriggerRunBody' });
    expect(trigger.responses['202'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/RunAccepted' });
    expect(trigger.parameters.map((p: { name: string; in: string }) => `${p.in}:${p.name}`)).toEqual(['path:id', 'header:Idempotency-Key']);
    expect(trigger.responses.default.content['application/problem+json'].schema.$ref).toBe('#/components/schemas/Problem');
    expect(doc.paths['/api/health'].get.security).toBeUndefined();
    const def = doc.components.schemas.WorkflowDefinition;
    // atomic, workflow, chunked, wait, approval
    expect(def.properties.tasks.items.oneOf ?? def.properties.tasks.items.anyOf).toHaveLength(5);
  });
});

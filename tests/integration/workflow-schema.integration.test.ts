/**
 * The JSON Schema of workflow files has one source: the file shipped in the package
 * (schemas/workflow.json, written by build:server), the document the server serves and a fresh
 * generation from the definition schema are the same text, and it accepts and refuses what the
 * server does.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workflowJsonSchema, workflowJsonSchemaText, WORKFLOW_SCHEMA_ID } from '../../shared/domain/workflow-json-schema';
import { WorkflowDefinition } from '../../shared/domain/workflow-definition';
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

const good = {
  $schema: 'https://demiton.dev/schemas/workflow.json',
  name: 'orders',
  tasks: [
    { key: 'fetch', type: 'atomic', connector: 'platform', operation: 'echo', input: { q: '{{ input.q }}' }, retry: { maxAttempts: 3 } },
    {
      key: 'each',
      type: 'chunked',
      generator: { connector: 'platform', operation: 'range', input: { count: 2 } },
      each: { workflow: 'child' },
    },
  ],
};

describe('GET /api/schemas/workflow.json', () => {
  it('serves, without credentials, the same text as the shipped file and a fresh generation', async () => {
    const res = await fetch(`${host.url}/api/schemas/workflow.json`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/schema+json');
    const served = await res.text();
    const shipped = readFileSync(join(__dirname, '..', '..', 'schemas', 'workflow.json'), 'utf8');
    expect(served).toBe(workflowJsonSchemaText());
    expect(shipped).toBe(served);
    expect(JSON.parse(served).$id).toBe(WORKFLOW_SCHEMA_ID);
    const doc = (await api(host.url, 'GET', '/api/openapi.json')).body;
    expect(doc.paths['/api/schemas/workflow.json'].get.security).toBeUndefined();
  });

  it('accepts and refuses what the server validates definitions with', async () => {
    const validate = new Ajv2020({ strict: false, allErrors: true, validateFormats: false }).compile(workflowJsonSchema());
    const { $schema: _hint, ...definition } = good;
    expect(validate(good)).toBe(true);
    expect(WorkflowDefinition.safeParse(definition).success).toBe(true);
    const bad = [
      { ...definition, tasks: [] },
      { ...definition, unknownField: 1 },
      { ...definition, name: '-starts-with-dash' },
      { ...definition, tasks: [{ key: 'x', type: 'atomic', connector: 'platform' }] },
      { ...definition, tasks: [{ key: 'x', type: 'teleport', connector: 'platform', operation: 'echo' }] },
      { ...definition, tasks: [{ ...good.tasks[0], retry: { maxAttempts: 0 } }] },
    ];
    for (const b of bad) {
      expect(validate(b), JSON.stringify(b)).toBe(false);
      expect(WorkflowDefinition.safeParse(b).success).toBe(false);
    }
    // The server refuses the same invalid definition (422), so the editor and the API agree.
    const refused = await api(host.url, 'POST', '/api/workflows', bad[1]);
    expect(refused.status).toBe(422);
  });
});

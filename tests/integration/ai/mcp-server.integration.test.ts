/**
 * The read-only MCP server through the real MCP SDK client over streamable HTTP, served by the
 * same route table and auth as the API: only read tools, each answering from the caller's
 * organisation.
 */
import { randomUUID } from 'node:crypto';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MCP_TOOLS } from '../../../shared/ai/mcp/read-only-mcp-server';
import * as studio from '../../../shared/ai/studio-service';
import { createWorkflow } from '../../../shared/engine/workflows-service';
import { DEV_ORG_ID, ensureOrganisation } from '../../../shared/store/organisations';
import { api, createTestPlatform, startTestHost, waitFor, type TestPlatform } from '../../helpers/test-platform';
import { Worker } from '../../../shared/engine/worker';

let platform: TestPlatform;
let host: { url: string; close(): Promise<void> };
let client: Client;
let wf: { id: string };
let runId: string;
let otherWf: { id: string };

const json = (r: unknown) => JSON.parse((r as { content: Array<{ text: string }> }).content[0]!.text);

beforeAll(async () => {
  platform = await createTestPlatform();
  host = await startTestHost(platform);
  const owner = { orgId: DEV_ORG_ID, actor: { type: 'user' as const, id: 'dev-admin' }, role: 'owner' as const };
  wf = await createWorkflow(platform, owner, {
    name: 'greeter',
    tasks: [{ key: 'e', type: 'atomic', connector: 'platform', operation: 'echo', input: { hi: '{{ input.name }}' } }],
  });
  runId = (await api(host.url, 'POST', `/api/workflows/${wf.id}/runs`, { input: { name: 'Ada' } })).body.id;
  const worker = new Worker(platform, { concurrency: 2, pollMs: 50 });
  worker.start();
  await waitFor(async () => (await api(host.url, 'GET', `/api/runs/${runId}`)).body.status === 'SUCCEEDED');
  await worker.stop();
  await studio.uploadDocument(platform, owner, {
    name: 'faq.txt',
    contentType: 'text/plain',
    bytes: new TextEncoder().encode('The greeter workflow says hello to whoever is named in its input.'),
  });
  const orgB = randomUUID();
  await ensureOrganisation(platform.db, { id: orgB, name: 'B', defaultProjectId: randomUUID() });
  otherWf = await createWorkflow(
    platform,
    { orgId: orgB, actor: { type: 'user', id: 'b' }, role: 'owner' },
    { name: 'b-only', tasks: [{ key: 'e', type: 'atomic', connector: 'platform', operation: 'echo', input: {} }] },
  );

  client = new Client({ name: 'test-client', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(`${host.url}/api/mcp`)));
});

afterAll(async () => {
  await client?.close();
  await host?.close();
  await platform?.close();
});

describe('read-only MCP server', () => {
  it('lists only read tools', async () => {
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual([...MCP_TOOLS].sort());
    for (const t of tools) expect(t.annotations).toMatchObject({ readOnlyHint: true, destructiveHint: false });
  });

  it('reads projects, workflows, runs and documents of the caller’s organisation', async () => {
    const projects = json(await client.callTool({ name: 'list_projects', arguments: {} }));
    expect(projects.items.length).toBeGreaterThan(0);
    const flows = json(await client.callTool({ name: 'list_workflows', arguments: {} }));
    expect(flows.items.map((w: { name: string }) => w.name)).toEqual(['greeter']);
    const got = json(await client.callTool({ name: 'get_workflow', arguments: { id: wf.id } }));
    expect(got.definition.tasks[0].operation).toBe('echo');
    const runs = json(await client.callTool({ name: 'list_runs', arguments: { workflowId: wf.id } }));
    expect(runs.items.map((r: { id: string }) => r.id)).toEqual([runId]);
    const run = json(await client.callTool({ name: 'get_run', arguments: { id: runId } }));
    expect(run.status).toBe('SUCCEEDED');
    const docs = json(await client.callTool({ name: 'search_documents', arguments: { query: 'what does the greeter say', limit: 2 } }));
    expect(docs.items[0].content).toContain('says hello');
  });

  it('reports another organisation’s workflow as not found, and bad arguments as errors', async () => {
    const other = await client.callTool({ name: 'get_workflow', arguments: { id: otherWf.id } });
    expect(other.isError).toBe(true);
    expect((other.content as Array<{ text: string }>)[0]!.text).toMatch(/^workflow_not_found/);
    const bad = await client.callTool({ name: 'get_run', arguments: { id: 'not-a-uuid' } });
    expect(bad.isError).toBe(true);
    await expect(client.callTool({ name: 'trigger_run', arguments: { id: wf.id } })).resolves.toMatchObject({ isError: true });
  });
});

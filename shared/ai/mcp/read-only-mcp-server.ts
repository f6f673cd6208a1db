/**
 * A read-only MCP server over the control plane: projects, workflows, runs and document search,
 * for MCP clients (IDEs, agents). It is built per request for the authenticated caller, so every
 * tool reads through the same domain operations, organisation filter and workflow scope as the
 * HTTP API. There is no tool that triggers a run, calls a connector or changes anything.
 */
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import { z } from 'zod';
import type { Principal } from '../../domain/principal';
import { DemitonError, NotFoundError } from '../../domain/errors';
import { RunStatus } from '../../domain/api';
import { listProjects } from '../../engine/projects-service';
import { getRun, listRuns } from '../../engine/runs-service';
import { getWorkflow, listWorkflows } from '../../engine/workflows-service';
import type { Platform } from '../../platform';

/** What this module uses of the platform (not the whole of it). */
export type ReadOnlyMcpServerDeps = Pick<Platform, 'ai' | 'connectors' | 'db' | 'queue' | 'registry'>;

const READ_ONLY = { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false } as const;

/** The names of the tools this server exposes (all read-only). */
export const MCP_TOOLS = ['list_projects', 'list_workflows', 'get_workflow', 'list_runs', 'get_run', 'search_documents'] as const;

type ToolResult = { content: Array<{ type: 'text'; text: string }>; isError?: boolean };

async function result(fn: () => Promise<unknown>): Promise<ToolResult> {
  try {
    return { content: [{ type: 'text', text: JSON.stringify(await fn(), null, 1) }] };
  } catch (err) {
    // Typed errors (not found, validation) go back to the client as tool errors; anything else is a server fault.
    if (err instanceof DemitonError) return { content: [{ type: 'text', text: `${err.code}: ${err.message}` }], isError: true };
    throw err;
  }
}

/** The MCP server for one caller. */
export function createReadOnlyMcpServer(p: ReadOnlyMcpServerDeps, who: Principal): McpServer {
  const server = new McpServer({ name: 'demiton', version: '0.1.0' }, { capabilities: { tools: {} } });
  const scoped = <T extends { id?: string; workflowId?: string }>(items: T[]) =>
    who.workflowScope ? items.filter((i) => who.workflowScope!.includes((i.workflowId ?? i.id)!)) : items;

  server.registerTool(
    'list_projects',
    { title: 'List projects', description: "The caller's organisation's projects.", annotations: READ_ONLY },
    () => result(() => listProjects(p, who)),
  );
  server.registerTool(
    'list_workflows',
    {
      title: 'List workflows',
      description: 'Workflows (optionally of one project) with their last run.',
      inputSchema: { projectId: z.uuid().optional() },
      annotations: READ_ONLY,
    },
    ({ projectId }) => result(async () => ({ items: scoped((await listWorkflows(p, who, projectId)).items) })),
  );
  server.registerTool(
    'get_workflow',
    {
      title: 'Get a workflow',
      description: "A workflow's definition (latest version, or the given one).",
      inputSchema: { id: z.uuid(), version: z.number().int().min(1).optional() },
      annotations: READ_ONLY,
    },
    ({ id, version }) =>
      result(async () => (scoped([{ id }]).length ? getWorkflow(p, who, id, version) : Promise.reject(new NotFoundError('workflow', id)))),
  );
  server.registerTool(
    'list_runs',
    {
      title: 'List runs',
      description: 'Runs, newest first, optionally of one workflow or status (e.g. FAILED).',
      inputSchema: { workflowId: z.uuid().optional(), status: RunStatus.optional(), limit: z.number().int().min(1).max(200).default(20) },
      annotations: READ_ONLY,
    },
    ({ workflowId, status, limit }) =>
      result(async () => ({ items: scoped((await listRuns(p, who, { workflowId, status, limit })).items) })),
  );
  server.registerTool(
    'get_run',
    {
      title: 'Get a run',
      description: 'One run with its tasks, outputs and errors.',
      inputSchema: { id: z.uuid() },
      annotations: READ_ONLY,
    },
    ({ id }) =>
      result(async () => {
        const run = await getRun(p, who, id);
        if (!scoped([{ workflowId: run.workflowId }]).length) throw new NotFoundError('run', id);
        return run;
      }),
  );
  server.registerTool(
    'search_documents',
    {
      title: 'Search documents',
      description: "Passages of the organisation's uploaded documents nearest to a query.",
      inputSchema: { query: z.string().min(1).max(2000), limit: z.number().int().min(1).max(50).default(5) },
      annotations: READ_ONLY,
    },
    ({ query, limit }) => result(async () => ({ items: await p.ai.documents.search(who.orgId, query, limit) })),
  );
  return server;
}

/**
 * Serves one MCP request over the streamable HTTP transport in stateless mode (no session: each
 * POST carries its own JSON-RPC messages, which suits Functions' stateless instances) with JSON
 * responses. Returns the web Response for the host to send.
 */
export async function handleMcpRequest(p: ReadOnlyMcpServerDeps, who: Principal, request: Request): Promise<Response> {
  const server = createReadOnlyMcpServer(p, who);
  const transport = new WebStandardStreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
  await server.connect(transport);
  try {
    const res = await transport.handleRequest(request);
    // JSON mode: the whole body is ready; read it before closing the transport.
    const body = res.body ? await res.text() : null;
    return new Response(body, { status: res.status, headers: res.headers });
  } finally {
    await server.close();
  }
}

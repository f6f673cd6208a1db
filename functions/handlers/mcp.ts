/**
 * The read-only MCP endpoint (`POST /api/mcp`, streamable HTTP transport, stateless). The caller
 * is authenticated like every API route (viewer and above); the tools only read.
 */
import { handleMcpRequest } from '../../shared/ai/mcp/read-only-mcp-server';
import { BodyTooLargeError } from '../../shared/domain/errors';
import { defineRoute, readBytesWithin } from '../http-kit';

export const mcp = defineRoute({
  name: 'mcp',
  method: 'POST',
  route: 'mcp',
  summary: 'Model Context Protocol (streamable HTTP, JSON-RPC): read-only tools over projects, workflows, runs and documents',
  tags: ['studio'],
  role: 'viewer',
  responses: { 200: { description: 'A JSON-RPC response' }, 202: { description: 'A notification was accepted' } },
  async handle({ platform, principal, request }) {
    const max = platform.config.http.maxBodyBytes;
    const body = new TextDecoder().decode(await readBytesWithin(request, max, () => new BodyTooLargeError(max)));
    const headers = new Headers();
    request.headers.forEach((v, k) => headers.set(k, v));
    const res = await handleMcpRequest(platform, principal, new Request(request.url, { method: 'POST', headers, body }));
    const out: Record<string, string> = {};
    res.headers.forEach((v, k) => (out[k] = v));
    return { status: res.status, headers: out, body: await res.text() };
  },
});

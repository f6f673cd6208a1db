/** Health and the OpenAPI document. */
import { Health } from '../../shared/domain/api';
import { sourceFromHeaders } from '../../shared/auth/request-source';
import { publicHealth } from '../../shared/engine/health';
import { buildOpenApi } from '../../shared/http/openapi';
import { defineRoute, type Route } from '../http-kit';

export const health = defineRoute({
  name: 'health',
  method: 'GET',
  route: 'health',
  summary: 'Health of the database and the queue (no error text; rate limited per client address)',
  tags: ['system'],
  role: 'public',
  responses: {
    200: { description: 'Healthy', schema: Health },
    503: { description: 'A dependency is down', schema: Health },
    429: { description: 'Too many health requests from this address' },
  },
  async handle({ platform, request }) {
    const h = await publicHealth(platform, sourceFromHeaders(request.headers));
    return { status: h.status === 'ok' ? 200 : 503, body: h };
  },
});

/** The OpenAPI route needs the whole table; `routes.ts` passes it in. */
export function openApiRoute(all: () => readonly Route[]) {
  let doc: Record<string, unknown> | null = null;
  return defineRoute({
    name: 'openapi',
    method: 'GET',
    route: 'openapi.json',
    summary: 'This API as an OpenAPI 3.1 document',
    tags: ['system'],
    role: 'public',
    responses: { 200: { description: 'The OpenAPI document' } },
    async handle() {
      doc ??= openApiDocument(all());
      return { status: 200, body: doc };
    },
  });
}

/** Builds the document for a route table. */
export function openApiDocument(routes: readonly Route[]): Record<string, unknown> {
  return buildOpenApi(routes, { title: 'Demiton control plane', version: '0.1.0' });
}

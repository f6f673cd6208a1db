/**
 * OpenAPI 3.1, generated from the route table and the same zod schemas that validate requests.
 * Named schemas become components; everything else is inlined.
 */
import { z } from 'zod';
import * as api from '../domain/api';
import { WorkflowDefinition } from '../domain/workflow-definition';
import { NAMED_SCHEMAS, registerSchema, schemaName } from '../domain/schema-registry';

export interface RouteDoc {
  name: string;
  method: string;
  /** Azure Functions route template under /api, e.g. `workflows/{id}/runs`. */
  route: string;
  summary: string;
  tags: readonly string[];
  role: string;
  params?: z.ZodObject | undefined;
  query?: z.ZodObject | undefined;
  body?: z.ZodType | undefined;
  headers?: ReadonlyArray<{ name: string; description: string; required?: boolean }> | undefined;
  responses: Readonly<
    Record<
      number,
      {
        description: string;
        schema?: z.ZodType | undefined;
        contentType?: string | undefined;
        headers?: Record<string, string> | undefined;
      }
    >
  >;
}

// The core schemas; other modules register theirs where they declare them.
const CORE_SCHEMAS: Record<string, z.ZodType> = {
  WorkflowDefinition,
  WorkflowView: api.WorkflowView,
  WorkflowList: api.WorkflowList,
  WorkflowVersionList: api.WorkflowVersionList,
  TriggerRunBody: api.TriggerRunBody,
  RunAccepted: api.RunAccepted,
  RunView: api.RunView,
  RunList: api.RunList,
  Health: api.Health,
  Problem: api.Problem,
};
for (const [k, v] of Object.entries(CORE_SCHEMAS)) registerSchema(k, v);
export { NAMED_SCHEMAS, registerSchema };

function json(schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  const named = schemaName(schema);
  if (named) return { $ref: `#/components/schemas/${named}` };
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Record<string, unknown>;
  return rest;
}

function parameters(where: 'path' | 'query', schema: z.ZodObject | undefined) {
  if (!schema) return [];
  return Object.entries(schema.shape).map(([name, s]) => {
    const t = s as z.ZodType;
    return { name, in: where, required: where === 'path' || !t.safeParse(undefined).success, schema: json(t, 'input') };
  });
}

/** Builds the OpenAPI document for a route table. */
export function buildOpenApi(routes: readonly RouteDoc[], info: { title: string; version: string }): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const path = `/api/${r.route}`;
    const op: Record<string, unknown> = {
      operationId: r.name,
      summary: r.summary,
      tags: r.tags,
      'x-demiton-role': r.role,
      parameters: [
        ...parameters('path', r.params),
        ...parameters('query', r.query),
        ...(r.headers ?? []).map((h) => ({
          name: h.name,
          in: 'header',
          required: !!h.required,
          description: h.description,
          schema: { type: 'string' },
        })),
      ],
      responses: Object.fromEntries([
        ...Object.entries(r.responses).map(([status, resp]) => [
          status,
          {
            description: resp.description,
            ...(resp.headers
              ? {
                  headers: Object.fromEntries(
                    Object.entries(resp.headers).map(([h, d]) => [h, { description: d, schema: { type: 'string' } }]),
                  ),
                }
              : {}),
            ...(resp.schema ? { content: { [resp.contentType ?? 'application/json']: { schema: json(resp.schema, 'output') } } } : {}),
          },
        ]),
        [
          'default',
          { description: 'An error', content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } },
        ],
      ]),
    };
    if (r.body) op['requestBody'] = { required: true, content: { 'application/json': { schema: json(r.body, 'input') } } };
    if (r.role !== 'public') op['security'] = [{ bearer: [] }, { apiKey: [] }];
    (paths[path] ??= {})[r.method.toLowerCase()] = op;
  }
  const schemas = Object.fromEntries(
    Object.entries(NAMED_SCHEMAS).map(([name, s]) => {
      const { $schema: _drop, ...rest } = z.toJSONSchema(s, {
        io: name === 'WorkflowDefinition' || name === 'TriggerRunBody' ? 'input' : 'output',
        unrepresentable: 'any',
      }) as Record<string, unknown>;
      return [name, rest];
    }),
  );
  const hoisted = hoistLocalDefs({ paths, schemas });
  return {
    openapi: '3.1.0',
    info,
    servers: [{ url: '/' }],
    paths: hoisted.paths,
    components: {
      schemas: hoisted.schemas,
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'Microsoft Entra ID access token.' },
        apiKey: { type: 'apiKey', in: 'header', name: 'X-Api-Key' },
      },
    },
  };
}

/**
 * zod writes recursive schemas (z.json()) as a local `$defs` entry referenced by `#/$defs/…`;
 * inside an OpenAPI document that pointer means the document root, where nothing is, so
 * generators (openapi-typescript) fail. Move each such definition into components/schemas
 * (one component per distinct shape, e.g. `JsonValue`) and point the refs there.
 */
function hoistLocalDefs(doc: { paths: Record<string, unknown>; schemas: Record<string, unknown> }): {
  paths: Record<string, unknown>;
  schemas: Record<string, unknown>;
} {
  const extra: Record<string, unknown> = {};
  const byShape = new Map<string, string>();
  const JSON_VALUE =
    '{"anyOf":[{"type":"string"},{"type":"number"},{"type":"boolean"},{"type":"null"},{"type":"array","items":{"$ref":"#self"}},{"type":"object","propertyNames":{"type":"string"},"additionalProperties":{"$ref":"#self"}}]}';
  const visit = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(visit);
    if (!node || typeof node !== 'object') return node;
    let obj = node as Record<string, unknown>;
    const defs = obj['$defs'] as Record<string, unknown> | undefined;
    if (defs) {
      const { $defs: _drop, ...rest } = obj;
      let text = JSON.stringify(rest);
      for (const [local, def] of Object.entries(defs)) {
        const selfRef = `"#/$defs/${local}"`;
        const shape = JSON.stringify(def).split(selfRef).join('"#self"');
        let name = byShape.get(shape);
        if (!name) {
          name = shape === JSON_VALUE && !byShape.size ? 'JsonValue' : `LocalSchema${byShape.size + 1}`;
          byShape.set(shape, name);
          extra[name] = JSON.parse(shape.split('"#self"').join(`"#/components/schemas/${name}"`));
        }
        text = text.split(selfRef).join(`"#/components/schemas/${name}"`);
      }
      obj = JSON.parse(text) as Record<string, unknown>;
    }
    return Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, visit(v)]));
  };
  const paths = visit(doc.paths) as Record<string, unknown>;
  const schemas = visit(doc.schemas) as Record<string, unknown>;
  return { paths, schemas: { ...schemas, ...extra } };
}

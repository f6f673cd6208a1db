/** Connector routes (create, list, read, update, delete, connection test) and the adapter catalog. */
import { IdParams } from '../../shared/domain/api';
import {
  AdapterCatalog,
  ConnectorBody,
  ConnectorList,
  ConnectorTestResult,
  ConnectorUpdateBody,
  ConnectorView,
  ListConnectorsQuery,
} from '../../shared/domain/connectors-api';
import * as connectors from '../../shared/connectors/connectors-service';
import { registerSchema } from '../../shared/http/openapi';
import type { Platform } from '../../shared/platform';
import { defineRoute } from '../http-kit';

registerSchema('ConnectorBody', ConnectorBody);
registerSchema('ConnectorUpdateBody', ConnectorUpdateBody);
registerSchema('ConnectorView', ConnectorView);
registerSchema('ConnectorList', ConnectorList);
registerSchema('ConnectorTestResult', ConnectorTestResult);
registerSchema('AdapterCatalog', AdapterCatalog);

const deps = (p: Platform): connectors.ConnectorsDeps => ({
  db: p.db,
  registry: p.registry,
  secretBox: p.secretBox,
  network: p.network,
  logger: p.logger,
});

export const createConnector = defineRoute({
  name: 'createConnector',
  method: 'POST',
  route: 'connectors',
  summary: 'Create a connector; secrets are encrypted and never returned',
  tags: ['connectors'],
  role: 'admin',
  body: ConnectorBody,
  responses: { 201: { description: 'Created', schema: ConnectorView, headers: { Location: 'URL of the connector' } } },
  async handle({ platform, principal, body }) {
    const c = await connectors.createConnector(deps(platform), principal, body);
    return { status: 201, body: c, headers: { Location: `/api/connectors/${c.id}` } };
  },
});

export const listConnectors = defineRoute({
  name: 'listConnectors',
  method: 'GET',
  route: 'connectors',
  summary: 'List connectors (without secrets), optionally only those of one adapter type',
  tags: ['connectors'],
  role: 'viewer',
  query: ListConnectorsQuery,
  responses: { 200: { description: 'Connectors', schema: ConnectorList } },
  async handle({ platform, principal, query }) {
    return { status: 200, body: await connectors.listConnectors(deps(platform), principal, query.projectId, query.type) };
  },
});

export const getConnector = defineRoute({
  name: 'getConnector',
  method: 'GET',
  route: 'connectors/{id}',
  summary: 'Read a connector (secret names only)',
  tags: ['connectors'],
  role: 'viewer',
  params: IdParams,
  responses: { 200: { description: 'The connector', schema: ConnectorView } },
  async handle({ platform, principal, params }) {
    return { status: 200, body: await connectors.getConnector(deps(platform), principal, params.id) };
  },
});

export const updateConnector = defineRoute({
  name: 'updateConnector',
  method: 'PUT',
  route: 'connectors/{id}',
  summary: 'Replace a connector’s settings; secrets merge (null removes one, absent keeps it)',
  tags: ['connectors'],
  role: 'admin',
  params: IdParams,
  body: ConnectorUpdateBody,
  responses: { 200: { description: 'The connector', schema: ConnectorView } },
  async handle({ platform, principal, params, body }) {
    return { status: 200, body: await connectors.updateConnector(deps(platform), principal, params.id, body) };
  },
});

export const deleteConnector = defineRoute({
  name: 'deleteConnector',
  method: 'DELETE',
  route: 'connectors/{id}',
  summary: 'Delete a connector',
  tags: ['connectors'],
  role: 'admin',
  params: IdParams,
  responses: { 204: { description: 'Deleted' } },
  async handle({ platform, principal, params }) {
    await connectors.deleteConnector(deps(platform), principal, params.id);
    return { status: 204 };
  },
});

export const testConnector = defineRoute({
  name: 'testConnector',
  method: 'POST',
  route: 'connectors/{id}/test',
  summary: 'Connect for real and report the server’s answer or error',
  tags: ['connectors'],
  role: 'editor',
  params: IdParams,
  responses: { 200: { description: 'The outcome (ok false carries the server’s error)', schema: ConnectorTestResult } },
  async handle({ platform, principal, params }) {
    return { status: 200, body: await connectors.testConnector(deps(platform), principal, params.id) };
  },
});

export const listAdapters = defineRoute({
  name: 'listAdapters',
  method: 'GET',
  route: 'adapters',
  summary: 'Adapter catalog: system types, categories, operations with input and output schemas, connection schemas',
  tags: ['connectors'],
  role: 'viewer',
  responses: { 200: { description: 'Adapters', schema: AdapterCatalog } },
  async handle({ platform }) {
    return { status: 200, body: connectors.adapterCatalog(platform.registry) };
  },
});

/** /hq model provider routes: the organisation's language model for the studio assistant. */
import { ModelProviderView, PutModelProviderBody } from '../../shared/hq/model-provider-api';
import * as modelProvider from '../../shared/hq/model-provider';
import { defineRoute } from '../http-kit';

export const getModelProvider = defineRoute({
  name: 'getModelProvider',
  method: 'GET',
  route: 'hq/model-provider',
  summary: "The organisation's model provider for the assistant, and the deployment default it falls back to (never a key)",
  tags: ['hq'],
  role: 'admin',
  responses: { 200: { description: 'Model provider settings', schema: ModelProviderView } },
  async handle({ platform, principal }) {
    return { status: 200, body: await modelProvider.getModelProvider(platform, principal), headers: { 'Cache-Control': 'no-store' } };
  },
});

export const putModelProvider = defineRoute({
  name: 'putModelProvider',
  method: 'PUT',
  route: 'hq/model-provider',
  summary: "Choose the organisation's model provider; the API key is write-only (omitted: kept, null: removed)",
  tags: ['hq'],
  role: 'admin',
  body: PutModelProviderBody,
  // Parsed by the service, so shape and semantic problems share one code (invalid_model_provider).
  validateBody: false,
  responses: { 200: { description: 'Model provider settings', schema: ModelProviderView } },
  async handle({ platform, principal, body }) {
    return { status: 200, body: await modelProvider.putModelProvider(platform, principal, body), headers: { 'Cache-Control': 'no-store' } };
  },
});

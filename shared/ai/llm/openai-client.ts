/**
 * Builds the `openai` SDK client for an OpenAI-protocol endpoint: `AzureOpenAI` (API key, or a
 * Microsoft Entra token from the credential — `DefaultAzureCredential` in production, which is
 * managed identity on Azure) or the plain client pointed at any OpenAI-compatible base URL.
 */
import type { TokenCredential } from '@azure/identity';
import OpenAI, { AzureOpenAI } from 'openai';
import type { OpenAiEndpoint } from '../../ai-config';

/** The Entra scope of Azure OpenAI (Cognitive Services). */
export const COGNITIVE_SERVICES_SCOPE = 'https://cognitiveservices.azure.com/.default';

/**
 * A client for `endpoint`; `credential` is used for Azure OpenAI when no API key is configured.
 * `fetch` replaces the transport (the outbound-policy fetch for endpoints an organisation chose).
 */
export async function createOpenAiClient(
  endpoint: OpenAiEndpoint,
  credential: () => Promise<TokenCredential>,
  opts: { fetch?: typeof fetch | undefined } = {},
): Promise<OpenAI> {
  // The pipeline owns retries (a 429 becomes an `error` event the studio shows); the SDK's own
  // retries would hold a streaming slot for up to a minute without telling the user.
  const common = { maxRetries: 0, timeout: 120_000, ...(opts.fetch ? { fetch: opts.fetch } : {}) };
  if (endpoint.kind === 'azure-openai') {
    if (endpoint.apiKey) {
      return new AzureOpenAI({
        ...common,
        endpoint: endpoint.endpoint,
        deployment: endpoint.deployment,
        apiVersion: endpoint.apiVersion,
        apiKey: endpoint.apiKey,
      });
    }
    const { getBearerTokenProvider } = await import('@azure/identity');
    return new AzureOpenAI({
      ...common,
      endpoint: endpoint.endpoint,
      deployment: endpoint.deployment,
      apiVersion: endpoint.apiVersion,
      azureADTokenProvider: getBearerTokenProvider(await credential(), COGNITIVE_SERVICES_SCOPE),
    });
  }
  // Local OpenAI-compatible servers (Ollama, vLLM, llama.cpp) usually need no key; the SDK insists on one.
  return new OpenAI({ ...common, baseURL: endpoint.baseUrl, apiKey: endpoint.apiKey ?? 'not-needed' });
}

/** The model name to send: Azure routes by deployment, other servers by model. */
export function modelName(endpoint: OpenAiEndpoint): string {
  return endpoint.kind === 'azure-openai' ? endpoint.deployment : endpoint.model;
}

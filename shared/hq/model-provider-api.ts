/**
 * Public shapes of the organisation's model provider settings (`/api/hq/model-provider`): which
 * language model the studio assistant uses for this organisation. Declared once; the service
 * validates with them, types and the OpenAPI document come from them.
 */
import { z } from 'zod';
import { registerSchema } from '../http/openapi';

export const MODEL_PROVIDERS = ['platform-default', 'none', 'azure-openai', 'anthropic', 'openai-compatible'] as const;
export const ModelProviderKind = z.enum(MODEL_PROVIDERS);

/** Bounds of LLM_MAX_OUTPUT_TOKENS, shared with the deployment setting (shared/ai-config.ts). */
export const MAX_OUTPUT_TOKENS_RANGE = { min: 16, max: 32_768 } as const;

/**
 * An http(s) base URL without user name, password or fragment. The host is also checked against
 * the outbound network policy by the service (on save and on every connection).
 */
export const ProviderUrl = z
  .string()
  .trim()
  .max(2048)
  .superRefine((v, ctx) => {
    let u: URL;
    try {
      u = new URL(v);
    } catch {
      ctx.addIssue({ code: 'custom', message: 'expected a URL starting with http:// or https://' });
      return;
    }
    if (u.protocol !== 'http:' && u.protocol !== 'https:')
      ctx.addIssue({ code: 'custom', message: 'expected a URL starting with http:// or https://' });
    else if (u.username || u.password)
      ctx.addIssue({ code: 'custom', message: 'must not contain a user name or password; put the key in apiKey' });
    else if (u.hash) ctx.addIssue({ code: 'custom', message: 'must not contain a fragment (#…)' });
  });

const ApiKeyField = z
  .string()
  .trim()
  .min(1)
  .max(4096)
  .nullable()
  .optional()
  .describe('Write-only. Omitted: keep the stored key. null: remove it. A string: replace it. Never returned.');
const MaxOutputTokens = z
  .number()
  .int()
  .min(MAX_OUTPUT_TOKENS_RANGE.min)
  .max(MAX_OUTPUT_TOKENS_RANGE.max)
  .nullable()
  .optional()
  .describe("Longest answer in tokens; null or omitted: the deployment's LLM_MAX_OUTPUT_TOKENS.");
const ModelName = z.string().trim().min(1).max(200);

/** PUT body: one shape per provider (strict: fields of another provider are refused). */
export const PutModelProviderBody = z
  .discriminatedUnion('provider', [
    z.strictObject({
      provider: z
        .literal('platform-default')
        .describe("Use the deployment's configuration (LLM_PROVIDER and friends). Removes any stored key."),
    }),
    z.strictObject({
      provider: z
        .literal('none')
        .describe('No language model for this organisation: answers quote the retrieved passages. Removes any stored key.'),
    }),
    z.strictObject({
      provider: z.literal('azure-openai'),
      endpoint: ProviderUrl.describe('The Azure OpenAI resource, e.g. https://contoso.openai.azure.com'),
      deployment: z.string().trim().min(1).max(64),
      apiVersion: z
        .string()
        .regex(/^\d{4}-\d{2}-\d{2}(-preview)?$/, 'expected an API version such as 2024-10-21')
        .default('2024-10-21'),
      maxOutputTokens: MaxOutputTokens,
      apiKey: ApiKeyField,
    }),
    z.strictObject({
      provider: z.literal('anthropic'),
      model: ModelName,
      baseUrl: ProviderUrl.nullable().optional().describe('Omitted or null: the Anthropic API.'),
      maxOutputTokens: MaxOutputTokens,
      apiKey: ApiKeyField,
    }),
    z.strictObject({
      provider: z.literal('openai-compatible'),
      baseUrl: ProviderUrl.describe('Base URL of the OpenAI-compatible API, e.g. https://llm.example.com/v1'),
      model: ModelName,
      maxOutputTokens: MaxOutputTokens,
      apiKey: ApiKeyField,
    }),
  ])
  .describe("The organisation's model provider. The key is write-only; a key stays bound to the provider and origin it was entered for.");

/** What the deployment configures (LLM_* / AZURE_OPENAI_*), as far as it may be shown: never the key. */
export const PlatformModelDefault = z.object({
  provider: z.enum(['none', 'azure-openai', 'anthropic', 'openai-compatible']),
  model: z.string().nullable().describe('The model, or the Azure OpenAI deployment.'),
  baseUrlHost: z.string().nullable().describe('Host of the base URL or endpoint; null for the provider default.'),
  maxOutputTokens: z
    .number()
    .int()
    .describe("LLM_MAX_OUTPUT_TOKENS: the limit of the default model, and of an organisation's own model that sets none."),
});

export const ModelProviderView = z.object({
  provider: ModelProviderKind,
  endpoint: z.string().nullable().describe('azure-openai: the resource endpoint.'),
  deployment: z.string().nullable(),
  apiVersion: z.string().nullable(),
  baseUrl: z.string().nullable().describe('anthropic / openai-compatible: the base URL.'),
  model: z.string().nullable(),
  maxOutputTokens: z.number().int().nullable(),
  apiKeySet: z.boolean().describe('Whether a key is stored. The key itself is never returned.'),
  platformDefault: PlatformModelDefault,
  updatedBy: z.string().nullable(),
  updatedAt: z.iso.datetime().nullable(),
});

registerSchema('ModelProviderView', ModelProviderView);
registerSchema('PutModelProviderBody', PutModelProviderBody);

/**
 * The AI studio's part of the configuration: which language model and embedding model to call,
 * where conversations, documents and the vector index live, and the streaming gate's limits.
 * `shared/config.ts` spreads `aiEnvShape` into its environment schema and calls `compileAiConfig`;
 * nothing here reads the environment itself.
 */
import { z } from 'zod';
import { ConfigError, type FieldIssue } from './domain/errors';

const httpUrl = z
  .string()
  .refine((v) => {
    try {
      return ['http:', 'https:'].includes(new URL(v).protocol);
    } catch {
      return false;
    }
  }, 'expected a URL starting with http:// or https://')
  .optional();

const count = (def: number, min: number, max: number) =>
  z.coerce
    .number({ message: 'expected a whole number' })
    .int('expected a whole number')
    .min(min, `must be at least ${min}`)
    .max(max, `must be at most ${max}`)
    .default(def);

/** The environment variables of the AI studio (merged into `envSchema`). */
export const aiEnvShape = {
  LLM_PROVIDER: z
    .enum(['azure-openai', 'anthropic', 'openai-compatible', 'none'], {
      message: "expected 'azure-openai', 'anthropic', 'openai-compatible' or 'none'",
    })
    .default('none'),
  LLM_BASE_URL: httpUrl,
  LLM_MODEL: z.string().min(1).max(200).optional(),
  LLM_API_KEY: z.string().min(1).optional(),
  LLM_MAX_OUTPUT_TOKENS: count(1024, 16, 32_768),
  /** Tokens (≈ 4 characters each) of history and context sent with each question. */
  LLM_CONTEXT_BUDGET_TOKENS: count(6000, 500, 200_000),
  EMBEDDING_PROVIDER: z
    .enum(['azure-openai', 'openai-compatible', 'local'], { message: "expected 'azure-openai', 'openai-compatible' or 'local'" })
    .optional(),
  EMBEDDING_MODEL: z.string().min(1).max(200).optional(),
  EMBEDDING_BASE_URL: httpUrl,
  EMBEDDING_DIMENSIONS: count(256, 16, 4096),
  AZURE_OPENAI_ENDPOINT: httpUrl,
  AZURE_OPENAI_API_KEY: z.string().min(1).optional(),
  AZURE_OPENAI_API_VERSION: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}(-preview)?$/, 'expected an API version such as 2024-10-21')
    .default('2024-10-21'),
  AZURE_OPENAI_DEPLOYMENT: z.string().min(1).max(64).optional(),
  AZURE_OPENAI_EMBEDDING_DEPLOYMENT: z.string().min(1).max(64).optional(),
  AZURE_STORAGE_CONNECTION_STRING: z
    .string()
    .min(1)
    .refine((v) => /AccountName=|UseDevelopmentStorage=true|BlobEndpoint=/i.test(v), 'expected an Azure Storage connection string')
    .optional(),
  AZURE_STORAGE_ACCOUNT_NAME: z
    .string()
    .regex(/^[a-z0-9]{3,24}$/, 'expected a storage account name (3-24 lower-case letters and digits)')
    .optional(),
  AZURE_STORAGE_TABLE_NAME: z
    .string()
    .regex(/^[A-Za-z][A-Za-z0-9]{2,62}$/, 'expected a table name (letters and digits, 3-63)')
    .default('demitonconversations'),
  AZURE_STORAGE_DOCUMENTS_CONTAINER: z
    .string()
    .regex(/^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$/, 'expected a container name (lower-case letters, digits, -)')
    .default('demiton-documents'),
  AZURE_SEARCH_ENDPOINT: httpUrl.refine(
    (v) => !v || v.startsWith('https://') || /^http:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?(\/|$)/.test(v),
    'expected https:// (plain http only to a loopback address)',
  ),
  AZURE_SEARCH_API_KEY: z.string().min(1).optional(),
  AZURE_SEARCH_INDEX: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{1,126}$/, 'expected an index name (lower-case letters, digits, -)')
    .default('demiton-chunks'),
  STUDIO_STREAMS_PER_USER: count(2, 1, 100),
  STUDIO_STREAMS_PER_ORG: count(20, 1, 10_000),
  STUDIO_STREAM_LEASE_SECONDS: count(30, 1, 3600),
  DOCUMENT_MAX_BYTES: count(10 * 1_048_576, 1024, 256 * 1_048_576),
};

type AiEnv = z.output<z.ZodObject<typeof aiEnvShape>>;

/** How to reach an OpenAI-protocol endpoint (Azure OpenAI or any compatible server). */
export type OpenAiEndpoint =
  | { kind: 'azure-openai'; endpoint: string; deployment: string; apiVersion: string; apiKey: string | undefined }
  | { kind: 'openai-compatible'; baseUrl: string; model: string; apiKey: string | undefined };

/** The compiled AI configuration. */
export interface AiConfig {
  /** The chat model; `none` answers with retrieved passages only. */
  llm:
    | { kind: 'none' }
    | (OpenAiEndpoint & { maxOutputTokens: number })
    | { kind: 'anthropic'; baseUrl: string | undefined; model: string; apiKey: string | undefined; maxOutputTokens: number };
  /** The embedding model; `local` is the hashed n-gram embedding that needs no model at all. */
  embedding: { kind: 'local'; dimensions: number } | (OpenAiEndpoint & { dimensions: number });
  contextBudgetTokens: number;
  /** LLM_MAX_OUTPUT_TOKENS, also for organisations with their own model and no limit of their own. */
  maxOutputTokens: number;
  /** Conversations: Azure Table Storage, or the PostgreSQL fallback when no storage account is configured. */
  conversations: { kind: 'table'; storage: StorageAccount; table: string } | { kind: 'postgres' };
  /** Uploaded files: Azure Blob Storage, or files under the data directory. */
  documents: { kind: 'blob'; storage: StorageAccount; container: string } | { kind: 'files'; dir: string };
  /** Vector search: Azure AI Search, or the local index in PostgreSQL. */
  search: { kind: 'azure-search'; endpoint: string; apiKey: string | undefined; index: string } | { kind: 'postgres' };
  gate: { perUser: number; perOrg: number; leaseSeconds: number };
  documentMaxBytes: number;
}

/** A storage account reached by connection string (key or azurite) or by account name with managed identity. */
export type StorageAccount = { kind: 'connection-string'; connectionString: string } | { kind: 'identity'; accountName: string };

/** Compiles the AI settings; throws `ConfigError` naming every missing or conflicting variable. */
export function compileAiConfig(e: AiEnv, dataDir: string): AiConfig {
  const issues: FieldIssue[] = [];
  const need = (name: keyof AiEnv, why: string): string => {
    const v = e[name];
    if (typeof v !== 'string' || v === '') {
      if (!issues.some((i) => i.path === name)) issues.push({ path: name, message: `is required ${why}` });
      return '';
    }
    return v;
  };

  const azureEndpoint = (deploymentVar: 'AZURE_OPENAI_DEPLOYMENT' | 'AZURE_OPENAI_EMBEDDING_DEPLOYMENT', why: string): OpenAiEndpoint => ({
    kind: 'azure-openai',
    endpoint: need('AZURE_OPENAI_ENDPOINT', why),
    deployment: need(deploymentVar, why),
    apiVersion: e.AZURE_OPENAI_API_VERSION,
    apiKey: e.AZURE_OPENAI_API_KEY,
  });

  let llm: AiConfig['llm'];
  switch (e.LLM_PROVIDER) {
    case 'none':
      llm = { kind: 'none' };
      break;
    case 'azure-openai':
      llm = {
        ...azureEndpoint('AZURE_OPENAI_DEPLOYMENT', "when LLM_PROVIDER is 'azure-openai'"),
        maxOutputTokens: e.LLM_MAX_OUTPUT_TOKENS,
      };
      break;
    case 'openai-compatible':
      llm = {
        kind: 'openai-compatible',
        baseUrl: need('LLM_BASE_URL', "when LLM_PROVIDER is 'openai-compatible'"),
        model: need('LLM_MODEL', "when LLM_PROVIDER is 'openai-compatible'"),
        apiKey: e.LLM_API_KEY,
        maxOutputTokens: e.LLM_MAX_OUTPUT_TOKENS,
      };
      break;
    case 'anthropic':
      llm = {
        kind: 'anthropic',
        baseUrl: e.LLM_BASE_URL,
        model: need('LLM_MODEL', "when LLM_PROVIDER is 'anthropic'"),
        apiKey: e.LLM_API_KEY ?? (need('LLM_API_KEY', "when LLM_PROVIDER is 'anthropic'") || undefined),
        maxOutputTokens: e.LLM_MAX_OUTPUT_TOKENS,
      };
      break;
  }

  // Embeddings follow the chat provider when it speaks the OpenAI protocol; Anthropic has no
  // embedding API, so it (and 'none') falls back to the local hashed embedding unless told otherwise.
  const embeddingKind =
    e.EMBEDDING_PROVIDER ?? (e.LLM_PROVIDER === 'azure-openai' || e.LLM_PROVIDER === 'openai-compatible' ? e.LLM_PROVIDER : 'local');
  let embedding: AiConfig['embedding'];
  if (embeddingKind === 'local') embedding = { kind: 'local', dimensions: e.EMBEDDING_DIMENSIONS };
  else if (embeddingKind === 'azure-openai')
    embedding = {
      ...azureEndpoint('AZURE_OPENAI_EMBEDDING_DEPLOYMENT', "when embeddings use 'azure-openai'"),
      dimensions: e.EMBEDDING_DIMENSIONS,
    };
  else
    embedding = {
      kind: 'openai-compatible',
      baseUrl: e.EMBEDDING_BASE_URL ?? need('LLM_BASE_URL', "when embeddings use 'openai-compatible' and EMBEDDING_BASE_URL is unset"),
      model: need('EMBEDDING_MODEL', "when embeddings use 'openai-compatible'"),
      apiKey: e.LLM_API_KEY,
      dimensions: e.EMBEDDING_DIMENSIONS,
    };

  if (e.AZURE_STORAGE_CONNECTION_STRING && e.AZURE_STORAGE_ACCOUNT_NAME) {
    issues.push({
      path: 'AZURE_STORAGE_ACCOUNT_NAME',
      message: 'set either AZURE_STORAGE_CONNECTION_STRING or AZURE_STORAGE_ACCOUNT_NAME, not both',
    });
  }
  const storage: StorageAccount | null = e.AZURE_STORAGE_CONNECTION_STRING
    ? { kind: 'connection-string', connectionString: e.AZURE_STORAGE_CONNECTION_STRING }
    : e.AZURE_STORAGE_ACCOUNT_NAME
      ? { kind: 'identity', accountName: e.AZURE_STORAGE_ACCOUNT_NAME }
      : null;

  if (issues.length) throw new ConfigError(issues);
  return {
    llm,
    embedding,
    contextBudgetTokens: e.LLM_CONTEXT_BUDGET_TOKENS,
    maxOutputTokens: e.LLM_MAX_OUTPUT_TOKENS,
    conversations: storage ? { kind: 'table', storage, table: e.AZURE_STORAGE_TABLE_NAME } : { kind: 'postgres' },
    documents: storage
      ? { kind: 'blob', storage, container: e.AZURE_STORAGE_DOCUMENTS_CONTAINER }
      : { kind: 'files', dir: `${dataDir}/documents` },
    search: e.AZURE_SEARCH_ENDPOINT
      ? { kind: 'azure-search', endpoint: e.AZURE_SEARCH_ENDPOINT, apiKey: e.AZURE_SEARCH_API_KEY, index: e.AZURE_SEARCH_INDEX }
      : { kind: 'postgres' },
    gate: { perUser: e.STUDIO_STREAMS_PER_USER, perOrg: e.STUDIO_STREAMS_PER_ORG, leaseSeconds: e.STUDIO_STREAM_LEASE_SECONDS },
    documentMaxBytes: e.DOCUMENT_MAX_BYTES,
  };
}

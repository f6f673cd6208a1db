/**
 * The AI studio's services, built once per platform from the configuration: the chat model, the
 * embedder, the vector index, blob storage, the conversation store and the streaming gate.
 * Clients are created eagerly but connect lazily, so a process that never chats opens nothing.
 */
import { DefaultAzureCredential, type TokenCredential } from '@azure/identity';
import { createRedisConnection, redisTargetFor, type RedisClient } from '../redis/redis-connection';
import type { Config } from '../config';
import type { OutboundPolicy } from '../adapters/network-policy';
import type { SecretBox } from '../store/secret-box';
import type { Db } from '../db/db';
import type { Logger } from '../logger';
import { createAnthropicChatModel } from './llm/anthropic-chat-model';
import type { ChatModel } from './llm/chat-model';
import { createOpenAiClient } from './llm/openai-client';
import { createOpenAiChatModel } from './llm/openai-chat-model';
import { createOrgChatModels } from './llm/org-chat-models';
import { createHashedEmbedder } from './embeddings/hashed-embedder';
import type { Embedder } from './embeddings/embedder';
import { createOpenAiEmbedder } from './embeddings/openai-embedder';
import { createPgVectorIndex } from './search/pg-vector-index';
import { AzureKeyCredential, createAzureSearchIndex } from './search/azure-search-index';
import type { VectorIndex } from './search/vector-index';
import { blobServiceClient, createAzureBlobStore, createFileBlobStore, type BlobStore } from './documents/blob-store';
import { createDocumentSearch, type DocumentSearch } from './documents/search-documents';
import type { ConversationStore } from './conversations/conversation-store';
import { createPgConversationStore } from './conversations/pg-conversation-store';
import { createTableConversationStore, tableClient } from './conversations/table-conversation-store';
import { createMemoryStreamGate, createRedisStreamGate, type StreamGate } from './gate/stream-gate';
import { documentsContext } from './context/documents-context';
import { projectContext } from './context/project-context';
import { runsContext } from './context/runs-context';
import { workerContext } from './context/worker-context';
import { workflowContext } from './context/workflow-context';
import type { ContextProvider } from './context/context-provider';

export interface AiServices {
  /** The deployment's model. Null when no model is configured: answers quote the retrieved passages instead. */
  chat: ChatModel | null;
  /**
   * The model for an organisation's next question: its own model provider settings when it chose
   * one (HQ → Model provider), otherwise `chat`. Needs the secret box and network policy; without
   * them (a bare AI service for tests) it is always `chat`.
   */
  chatFor(orgId: string): Promise<ChatModel | null>;
  embedder: Embedder;
  index: VectorIndex;
  blobs: BlobStore;
  documents: DocumentSearch;
  conversations: ConversationStore;
  gate: StreamGate;
  providers: readonly ContextProvider[];
  close(): Promise<void>;
}

/** Replacements for tests and special hosts. */
export interface AiOverrides {
  /** The Entra credential for Azure OpenAI / Storage / AI Search without keys; default DefaultAzureCredential. */
  credential?: TokenCredential;
  chat?: ChatModel | null;
  providers?: readonly ContextProvider[];
}

/** The built-in context providers, in the order their snippets are considered. */
export const DEFAULT_PROVIDERS: readonly ContextProvider[] = [
  workflowContext,
  runsContext,
  workerContext,
  projectContext,
  documentsContext,
];

/** What per-organisation model settings need from the platform. */
export interface AiPlatformDeps {
  secretBox: SecretBox;
  network: OutboundPolicy;
}

/** Builds the AI services for a platform. */
export async function createAiServices(
  config: Config,
  db: Db,
  logger: Logger,
  overrides: AiOverrides = {},
  deps?: AiPlatformDeps,
): Promise<AiServices> {
  const ai = config.ai;
  let credential: TokenCredential | undefined = overrides.credential;
  const getCredential = (): TokenCredential => {
    // Built on first use only: a deployment that uses keys everywhere never creates it.
    credential ??= new DefaultAzureCredential();
    return credential;
  };
  const asyncCredential = async () => getCredential();

  let chat: ChatModel | null = null;
  if (overrides.chat !== undefined) chat = overrides.chat;
  else if (ai.llm.kind === 'anthropic') chat = createAnthropicChatModel(ai.llm);
  else if (ai.llm.kind !== 'none')
    chat = createOpenAiChatModel(await createOpenAiClient(ai.llm, asyncCredential), ai.llm, ai.llm.maxOutputTokens);

  const orgModels = deps
    ? createOrgChatModels({
        db,
        secretBox: deps.secretBox,
        network: deps.network,
        logger,
        defaultChat: chat,
        defaultMaxOutputTokens: ai.maxOutputTokens,
      })
    : null;

  const embedder =
    ai.embedding.kind === 'local'
      ? createHashedEmbedder(ai.embedding.dimensions)
      : createOpenAiEmbedder(await createOpenAiClient(ai.embedding, asyncCredential), ai.embedding, ai.embedding.dimensions);

  const index =
    ai.search.kind === 'azure-search'
      ? createAzureSearchIndex({
          endpoint: ai.search.endpoint,
          index: ai.search.index,
          dimensions: embedder.dimensions,
          credential: ai.search.apiKey ? new AzureKeyCredential(ai.search.apiKey) : getCredential(),
        })
      : createPgVectorIndex(db);

  const blobs =
    ai.documents.kind === 'blob'
      ? createAzureBlobStore(blobServiceClient(ai.documents.storage, getCredential), ai.documents.container)
      : createFileBlobStore(ai.documents.dir);
  const conversations =
    ai.conversations.kind === 'table'
      ? createTableConversationStore(tableClient(ai.conversations.storage, ai.conversations.table, getCredential))
      : createPgConversationStore(db);

  let redis: RedisClient | null = null;
  let gate: StreamGate;
  if (config.queue.kind === 'redis') {
    redis = createRedisConnection(redisTargetFor(config.queue), { lazyConnect: true, maxRetriesPerRequest: 2 });
    redis.on('error', (err) => logger.debug({ err }, 'studio gate redis connection error'));
    gate = createRedisStreamGate(redis, config.queue.prefix, ai.gate);
  } else gate = createMemoryStreamGate(ai.gate);

  return {
    chat,
    chatFor: async (orgId) => (orgModels ? orgModels.forOrg(orgId) : chat),
    embedder,
    index,
    blobs,
    documents: createDocumentSearch(db, embedder, index),
    conversations,
    gate,
    providers: overrides.providers ?? DEFAULT_PROVIDERS,
    async close() {
      redis?.disconnect();
      await orgModels?.close();
    },
  };
}

/** One line naming the AI backends, printed at start. */
export function describeAi(config: Config): string {
  const ai = config.ai;
  const llm =
    ai.llm.kind === 'none'
      ? 'no language model (answers quote passages)'
      : ai.llm.kind === 'anthropic'
        ? `anthropic ${ai.llm.model}`
        : ai.llm.kind === 'azure-openai'
          ? `azure-openai ${ai.llm.deployment}`
          : `openai-compatible ${ai.llm.model}`;
  return `ai: ${llm}; embeddings: ${ai.embedding.kind}; conversations: ${ai.conversations.kind}; documents: ${ai.documents.kind}; search: ${ai.search.kind}`;
}

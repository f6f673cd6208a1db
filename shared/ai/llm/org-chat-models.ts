/**
 * Which chat model answers an organisation's question: its own model provider settings
 * (`/api/hq/model-provider`) when it chose one, otherwise the deployment's default model.
 *
 * The settings row is read on every question (one primary-key lookup), so a change made through
 * any instance takes effect on the next question without a restart. Clients are built lazily
 * and cached per organisation, keyed on the row's `updated_at` (microseconds): a question with
 * unchanged settings reuses the client and its connections; a changed row builds a new client
 * and closes the old one's connections once their requests finish.
 *
 * Endpoints an organisation chose go through the outbound network policy (guarded-fetch.ts);
 * Azure OpenAI endpoints of an organisation are called with its key only, never with the
 * platform's managed identity, which must not be lent to an endpoint someone else picked.
 */
import type { TokenCredential } from '@azure/identity';
import type { OutboundPolicy } from '../../adapters/network-policy';
import type { SecretBox } from '../../store/secret-box';
import type { Queryable } from '../../db/db';
import { BoundedCache } from '../../domain/bounded-cache';
import type { Logger } from '../../logger';
import { getModelProvider, type ModelProviderRow } from '../../store/model-providers';
import { createAnthropicChatModel } from './anthropic-chat-model';
import type { ChatModel } from './chat-model';
import { createGuardedFetch, type GuardedFetch } from './guarded-fetch';
import { openModelKey } from './model-provider-key';
import { createOpenAiChatModel } from './openai-chat-model';
import { createOpenAiClient } from './openai-client';

export interface OrgChatModels {
  /** The model for the organisation's next question; null answers with retrieved passages only. */
  forOrg(orgId: string): Promise<ChatModel | null>;
  /** Closes every cached client's connections. */
  close(): Promise<void>;
}

export interface OrgChatModelsDeps {
  db: Queryable;
  secretBox: SecretBox;
  network: OutboundPolicy;
  logger: Logger;
  /** The deployment's model (LLM_PROVIDER …); null for `none`. */
  defaultChat: ChatModel | null;
  /** LLM_MAX_OUTPUT_TOKENS, for organisations that set no limit of their own. */
  defaultMaxOutputTokens: number;
}

interface Entry {
  stamp: string;
  model: Promise<ChatModel | null>;
  transport: GuardedFetch | null;
}

/** Organisations whose model client is kept at once. */
const MAX_CACHED_ORGS = 1_000;

const noPlatformIdentity = async (): Promise<TokenCredential> => {
  // Unreachable: the settings service refuses an organisation's Azure OpenAI endpoint without a key.
  throw new Error("an organisation's Azure OpenAI endpoint needs its own API key");
};

/** The per-organisation model resolver. */
export function createOrgChatModels(deps: OrgChatModelsDeps): OrgChatModels {
  const retire = (e: Entry | undefined) => {
    void e?.transport?.close().catch((err: unknown) => deps.logger.debug({ err }, 'closing a replaced model client failed'));
  };
  // The organisations asking lately; one pushed out at the bound has its client closed and is built again when it asks.
  const cache = new BoundedCache<string, Entry>(MAX_CACHED_ORGS, Number.POSITIVE_INFINITY, retire);

  async function build(orgId: string, row: ModelProviderRow, transport: GuardedFetch): Promise<ChatModel | null> {
    const apiKey = row.sealedApiKey ? await openModelKey(deps.secretBox, orgId, row.sealedApiKey) : undefined;
    const maxOutputTokens = row.maxOutputTokens ?? deps.defaultMaxOutputTokens;
    switch (row.provider) {
      case 'anthropic':
        return createAnthropicChatModel({
          apiKey,
          baseUrl: row.baseUrl ?? undefined,
          model: row.model!,
          maxOutputTokens,
          fetch: transport.fetch,
        });
      case 'azure-openai': {
        const endpoint = {
          kind: 'azure-openai' as const,
          endpoint: row.baseUrl!,
          deployment: row.deployment!,
          apiVersion: row.apiVersion!,
          apiKey,
        };
        return createOpenAiChatModel(
          await createOpenAiClient(endpoint, noPlatformIdentity, { fetch: transport.fetch }),
          endpoint,
          maxOutputTokens,
        );
      }
      case 'openai-compatible': {
        const endpoint = { kind: 'openai-compatible' as const, baseUrl: row.baseUrl!, model: row.model!, apiKey };
        return createOpenAiChatModel(
          await createOpenAiClient(endpoint, noPlatformIdentity, { fetch: transport.fetch }),
          endpoint,
          maxOutputTokens,
        );
      }
      default:
        return null;
    }
  }

  return {
    async forOrg(orgId) {
      const row = await getModelProvider(deps.db, orgId);
      if (!row || row.provider === 'platform-default' || row.provider === 'none') {
        retire(cache.get(orgId));
        cache.delete(orgId);
        return row?.provider === 'none' ? null : deps.defaultChat;
      }
      const hit = cache.get(orgId);
      if (hit && hit.stamp === row.stamp) return hit.model;
      retire(hit);
      const transport = createGuardedFetch(deps.network);
      const entry: Entry = { stamp: row.stamp, model: build(orgId, row, transport), transport };
      cache.set(orgId, entry);
      // A failed build (a key that no longer decrypts) is not cached: the next question tries again.
      entry.model.catch(() => {
        if (cache.get(orgId) === entry) cache.delete(orgId);
        retire(entry);
      });
      return entry.model;
    },
    async close() {
      const entries = cache.values();
      cache.clear();
      await Promise.all(entries.map((e) => e.transport?.close().catch(() => undefined)));
    },
  };
}

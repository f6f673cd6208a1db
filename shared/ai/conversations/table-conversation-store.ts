/**
 * Conversations in Azure Table Storage. Each conversation is a partition (its id): one
 * `conversation` entity and one entity per message, whose row keys sort by time. Listing a user's
 * conversations reads a per-user index partition instead of scanning every conversation.
 */
import { createHash, randomUUID } from 'node:crypto';
import { odata, TableClient, type TableEntityResult } from '@azure/data-tables';
import type { TokenCredential } from '@azure/identity';
import type { StorageAccount } from '../../ai-config';
import { toAiServiceError } from '../ai-errors';
import type { ConversationRecord, ConversationStore, StoredMessage } from './conversation-store';

// A string property holds at most 64 KiB (32 Ki UTF-16 characters); answers are capped below that.
const MAX_CONTENT_CHARS = 30_000;

const userPartition = (orgId: string, userId: string) => `u-${orgId}-${createHash('sha256').update(userId).digest('hex').slice(0, 40)}`;

// Time-ordered row keys: milliseconds zero-padded, then a counter and random suffix against ties.
let counter = 0;
const messageKey = () =>
  `m-${Date.now().toString().padStart(15, '0')}-${(counter++ % 1e6).toString().padStart(6, '0')}-${randomUUID().slice(0, 8)}`;

type Entity = TableEntityResult<Record<string, unknown>>;

function toRecord(e: Entity): ConversationRecord {
  return {
    id: String(e['conversationId']),
    orgId: String(e['orgId']),
    userId: String(e['userId']),
    title: String(e['title']),
    focus: JSON.parse(String(e['focus'] ?? '{}')),
    createdAt: new Date(String(e['createdAt'])),
    updatedAt: new Date(String(e['updatedAt'])),
  };
}

/** A table client from a connection string (azurite, account key) or an account name with a token credential. */
export function tableClient(account: StorageAccount, table: string, credential: () => TokenCredential): TableClient {
  return account.kind === 'connection-string'
    ? TableClient.fromConnectionString(account.connectionString, table, {
        allowInsecureConnection: /UseDevelopmentStorage=true|http:\/\//i.test(account.connectionString),
      })
    : new TableClient(`https://${account.accountName}.table.core.windows.net`, table, credential());
}

/** A conversation store in one table, created on first use. */
export function createTableConversationStore(client: TableClient): ConversationStore {
  let ready: Promise<void> | null = null;
  const ensure = () =>
    (ready ??= client.createTable().catch((err) => {
      ready = null;
      throw err;
    }));
  const run = async <T>(fn: () => Promise<T>): Promise<T> => {
    try {
      await ensure();
      return await fn();
    } catch (err) {
      throw toAiServiceError(err, 'azure-table-storage', 'storage');
    }
  };
  const getMeta = async (id: string): Promise<Entity | null> => {
    try {
      return await client.getEntity<Record<string, unknown>>(id, 'conversation');
    } catch (err) {
      if ((err as { statusCode?: number }).statusCode === 404) return null;
      throw err;
    }
  };

  return {
    kind: 'table',
    create: (c) =>
      run(async () => {
        const id = randomUUID();
        const now = new Date().toISOString();
        const meta = {
          conversationId: id,
          orgId: c.orgId,
          userId: c.userId,
          title: c.title,
          focus: JSON.stringify(c.focus),
          createdAt: now,
          updatedAt: now,
        };
        await client.createEntity({ partitionKey: id, rowKey: 'conversation', ...meta });
        await client.upsertEntity({ partitionKey: userPartition(c.orgId, c.userId), rowKey: id, ...meta }, 'Replace');
        return { id, orgId: c.orgId, userId: c.userId, title: c.title, focus: c.focus, createdAt: new Date(now), updatedAt: new Date(now) };
      }),
    list: (orgId, userId, limit) =>
      run(async () => {
        const out: ConversationRecord[] = [];
        for await (const e of client.listEntities<Record<string, unknown>>({
          queryOptions: { filter: odata`PartitionKey eq ${userPartition(orgId, userId)}` },
        })) {
          // The hash names the user; the stored ids are checked too, so a collision cannot leak.
          if (e['orgId'] === orgId && e['userId'] === userId) out.push(toRecord(e));
        }
        return out.sort((a, b) => b.updatedAt.getTime() - a.updatedAt.getTime() || b.id.localeCompare(a.id)).slice(0, limit);
      }),
    get: (orgId, userId, id) =>
      run(async () => {
        const e = await getMeta(id);
        return e && e['orgId'] === orgId && e['userId'] === userId ? toRecord(e) : null;
      }),
    messages: (orgId, conversationId) =>
      run(async () => {
        const out: StoredMessage[] = [];
        const filter = odata`PartitionKey eq ${conversationId} and RowKey ge ${'m-'} and RowKey lt ${'m.'} and orgId eq ${orgId}`;
        for await (const e of client.listEntities<Record<string, unknown>>({ queryOptions: { filter } })) {
          out.push({
            id: String(e['messageId']),
            role: e['role'] as 'user' | 'assistant',
            content: String(e['content']),
            citations: JSON.parse(String(e['citations'] ?? '[]')),
            suggestions: JSON.parse(String(e['suggestions'] ?? '[]')),
            createdAt: new Date(String(e['createdAt'])),
          });
        }
        return out;
      }),
    append: (orgId, userId, conversationId, m, focus) =>
      run(async () => {
        const meta = await getMeta(conversationId);
        if (!meta || meta['orgId'] !== orgId || meta['userId'] !== userId)
          throw new Error(`conversation ${conversationId} is not this caller's`);
        const now = new Date();
        const message: StoredMessage = {
          id: randomUUID(),
          role: m.role,
          content: m.content.slice(0, MAX_CONTENT_CHARS),
          citations: m.citations,
          suggestions: m.suggestions,
          createdAt: now,
        };
        await client.createEntity({
          partitionKey: conversationId,
          rowKey: messageKey(),
          messageId: message.id,
          orgId,
          role: message.role,
          content: message.content,
          citations: JSON.stringify(message.citations),
          suggestions: JSON.stringify(message.suggestions),
          createdAt: now.toISOString(),
        });
        const update = { updatedAt: now.toISOString(), ...(focus ? { focus: JSON.stringify(focus) } : {}) };
        await client.updateEntity({ partitionKey: conversationId, rowKey: 'conversation', ...update }, 'Merge');
        await client.updateEntity({ partitionKey: userPartition(orgId, userId), rowKey: conversationId, ...update }, 'Merge');
        return message;
      }),
  };
}

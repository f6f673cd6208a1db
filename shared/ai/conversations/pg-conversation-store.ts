/** Conversations in PostgreSQL: the fallback when no Azure Storage account is configured. */
import { randomUUID } from 'node:crypto';
import type { Db } from '../../db/db';
import type { ConversationRecord, ConversationStore, StoredMessage } from './conversation-store';

const CONV = `id, org_id AS "orgId", user_id AS "userId", title, focus, created_at AS "createdAt", updated_at AS "updatedAt"`;

/** A conversation store over the `ai_conversations` and `ai_messages` tables. */
export function createPgConversationStore(db: Db): ConversationStore {
  return {
    kind: 'postgres',
    async create(c) {
      const { rows } = await db.query<ConversationRecord>(
        `INSERT INTO ai_conversations (id, org_id, user_id, title, focus) VALUES ($1::uuid, $2::uuid, $3::text, $4::text, $5::jsonb) RETURNING ${CONV}`,
        [randomUUID(), c.orgId, c.userId, c.title, JSON.stringify(c.focus)],
      );
      return rows[0]!;
    },
    async list(orgId, userId, limit) {
      const { rows } = await db.query<ConversationRecord>(
        `SELECT ${CONV} FROM ai_conversations WHERE org_id = $1::uuid AND user_id = $2::text ORDER BY updated_at DESC, id DESC LIMIT $3::int`,
        [orgId, userId, limit],
      );
      return rows;
    },
    async get(orgId, userId, id) {
      const { rows } = await db.query<ConversationRecord>(
        `SELECT ${CONV} FROM ai_conversations WHERE org_id = $1::uuid AND user_id = $2::text AND id = $3::uuid`,
        [orgId, userId, id],
      );
      return rows[0] ?? null;
    },
    async messages(orgId, conversationId) {
      const { rows } = await db.query<StoredMessage>(
        `SELECT id, role, content, citations, suggestions, created_at AS "createdAt" FROM ai_messages
          WHERE org_id = $1::uuid AND conversation_id = $2::uuid ORDER BY seq`,
        [orgId, conversationId],
      );
      return rows;
    },
    async append(orgId, userId, conversationId, m, focus) {
      return db.tx(async (q) => {
        const { rows } = await q.query<StoredMessage>(
          `INSERT INTO ai_messages (id, org_id, conversation_id, role, content, citations, suggestions)
           VALUES ($1::uuid, $2::uuid, $3::uuid, $4::text, $5::text, $6::jsonb, $7::jsonb)
           RETURNING id, role, content, citations, suggestions, created_at AS "createdAt"`,
          [randomUUID(), orgId, conversationId, m.role, m.content, JSON.stringify(m.citations), JSON.stringify(m.suggestions)],
        );
        await q.query(
          `UPDATE ai_conversations SET updated_at = clock_timestamp(), focus = coalesce($4::jsonb, focus)
            WHERE org_id = $1::uuid AND user_id = $2::text AND id = $3::uuid`,
          [orgId, userId, conversationId, focus ? JSON.stringify(focus) : null],
        );
        return rows[0]!;
      });
    },
  };
}

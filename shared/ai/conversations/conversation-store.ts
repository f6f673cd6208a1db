/**
 * Conversation history: one interface, two backends — Azure Table Storage (production, azurite
 * locally) and a PostgreSQL fallback for development without any storage account. Conversations
 * belong to one user in one organisation; a lookup by anyone else finds nothing.
 */
import type { Citation, StudioFocus, Suggestion } from '../../domain/studio-api';

export interface ConversationRecord {
  id: string;
  orgId: string;
  userId: string;
  title: string;
  focus: StudioFocus;
  createdAt: Date;
  updatedAt: Date;
}

export interface StoredMessage {
  id: string;
  role: 'user' | 'assistant';
  content: string;
  citations: Citation[];
  suggestions: Suggestion[];
  createdAt: Date;
}

export interface ConversationStore {
  readonly kind: 'table' | 'postgres';
  create(c: { orgId: string; userId: string; title: string; focus: StudioFocus }): Promise<ConversationRecord>;
  /** The user's conversations, most recently updated first. */
  list(orgId: string, userId: string, limit: number): Promise<ConversationRecord[]>;
  /** The conversation, or null when it does not exist or is not this user's in this organisation. */
  get(orgId: string, userId: string, id: string): Promise<ConversationRecord | null>;
  /** Messages oldest first. */
  messages(orgId: string, conversationId: string): Promise<StoredMessage[]>;
  /** Appends a message and marks the conversation updated (with a new focus when given). */
  append(
    orgId: string,
    userId: string,
    conversationId: string,
    m: Omit<StoredMessage, 'id' | 'createdAt'>,
    focus?: StudioFocus,
  ): Promise<StoredMessage>;
}

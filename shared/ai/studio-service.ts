/**
 * The studio's domain operations behind /api/studio/*: conversations, answers and documents.
 * Every operation takes the caller's principal; conversations are the caller's own, documents
 * the organisation's.
 */
import { appendAudit } from '../store/audit';
import type { Principal } from '../domain/principal';
import { NotFoundError } from '../domain/errors';
import type { ConversationView, DocumentHit, DocumentView, MessageView, StudioFocus } from '../domain/studio-api';
import type { Platform } from '../platform';
import type { ConversationRecord, StoredMessage } from './conversations/conversation-store';
import {
  deleteDocument as deleteDocumentRow,
  getDocument,
  listDocuments as listDocumentRows,
  type DocumentRow,
} from './documents/document-rows';
import { ingestDocument } from './documents/ingest-document';

/** What this module uses of the platform (not the whole of it). */
export type StudioServiceDeps = Pick<Platform, 'ai' | 'config' | 'db' | 'logger'>;

export { startAnswer } from './chat/answer-question';

const conversationView = (c: ConversationRecord): ConversationView => ({
  id: c.id,
  title: c.title,
  focus: c.focus,
  createdAt: c.createdAt.toISOString(),
  updatedAt: c.updatedAt.toISOString(),
});

const messageView = (m: StoredMessage): MessageView => ({ ...m, createdAt: m.createdAt.toISOString() });

const documentView = (d: DocumentRow): DocumentView => ({
  id: d.id,
  name: d.name,
  contentType: d.contentType,
  sizeBytes: Number(d.sizeBytes),
  chunkCount: d.chunkCount,
  embedder: d.embedder,
  createdAt: d.createdAt.toISOString(),
});

/** Starts a conversation for the caller. */
export async function createConversation(
  p: StudioServiceDeps,
  principal: Principal,
  body: { title?: string | undefined; focus: StudioFocus },
): Promise<ConversationView> {
  const c = await p.ai.conversations.create({
    orgId: principal.orgId,
    userId: principal.actor.id,
    title: body.title ?? 'New conversation',
    focus: body.focus,
  });
  return conversationView(c);
}

/** The caller's conversations, most recent first. */
export async function listConversations(p: StudioServiceDeps, principal: Principal): Promise<{ items: ConversationView[] }> {
  return { items: (await p.ai.conversations.list(principal.orgId, principal.actor.id, 100)).map(conversationView) };
}

/** One of the caller's conversations with its messages. */
export async function getConversation(
  p: StudioServiceDeps,
  principal: Principal,
  id: string,
): Promise<ConversationView & { messages: MessageView[] }> {
  const c = await p.ai.conversations.get(principal.orgId, principal.actor.id, id);
  if (!c) throw new NotFoundError('conversation', id);
  const messages = await p.ai.conversations.messages(principal.orgId, id);
  return { ...conversationView(c), messages: messages.map(messageView) };
}

/** Stores, extracts, chunks, embeds and indexes an uploaded file. */
export async function uploadDocument(
  p: StudioServiceDeps,
  principal: Principal,
  file: { name: string; contentType: string | null; bytes: Uint8Array },
): Promise<DocumentView> {
  const d = await ingestDocument(
    { db: p.db, blobs: p.ai.blobs, embedder: p.ai.embedder, index: p.ai.index, logger: p.logger, maxBytes: p.config.ai.documentMaxBytes },
    principal,
    file,
  );
  return documentView(d);
}

/** The organisation's documents. */
export async function listDocuments(p: StudioServiceDeps, principal: Principal): Promise<{ items: DocumentView[] }> {
  return { items: (await listDocumentRows(p.db, principal.orgId)).map(documentView) };
}

/** One document's metadata. */
export async function getDocumentView(p: StudioServiceDeps, principal: Principal, id: string): Promise<DocumentView> {
  const d = await getDocument(p.db, principal.orgId, id);
  if (!d) throw new NotFoundError('document', id);
  return documentView(d);
}

/** The chunks of the organisation's documents nearest to a query. */
export async function searchDocuments(
  p: StudioServiceDeps,
  principal: Principal,
  q: string,
  limit: number,
): Promise<{ items: DocumentHit[] }> {
  return { items: await p.ai.documents.search(principal.orgId, q, limit) };
}

/**
 * Deletes a document: index entries first (so search stops finding it), then the rows, then the
 * file. A failure part-way leaves the document listed, so the delete can simply be retried.
 */
export async function deleteDocument(p: StudioServiceDeps, principal: Principal, id: string): Promise<void> {
  const d = await getDocument(p.db, principal.orgId, id);
  if (!d) throw new NotFoundError('document', id);
  await p.ai.index.removeDocument(principal.orgId, id);
  await p.db.tx(async (q) => {
    await deleteDocumentRow(q, principal.orgId, id);
    await appendAudit(q, {
      orgId: principal.orgId,
      actor: principal.actor,
      source: principal.source ?? null,
      action: 'document.delete',
      targetType: 'document',
      targetId: id,
      diff: { before: { name: d.name } },
    });
  });
  await p.ai.blobs.delete(d.blobKey);
  p.logger.info({ documentId: id, orgId: principal.orgId, by: principal.actor.id }, 'document deleted');
}

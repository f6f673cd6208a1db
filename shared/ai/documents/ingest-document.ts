/**
 * Document ingestion: check type and size, extract text, chunk, embed, then store the file in
 * blob storage and the document with its chunks in PostgreSQL (one transaction), then index the
 * chunks. Extraction and embedding come first so a bad file stores nothing; a failure after the
 * blob upload removes what was written, so a document is either fully searchable or absent.
 */
import { randomUUID } from 'node:crypto';
import type { Principal } from '../../domain/principal';
import type { Db } from '../../db/db';
import type { Logger } from '../../logger';
import { DocumentTooLargeError } from '../ai-errors';
import type { Embedder } from '../embeddings/embedder';
import type { VectorIndex } from '../search/vector-index';
import type { BlobStore } from './blob-store';
import { chunkText } from './chunk-text';
import { appendAudit } from '../../store/audit';
import { deleteDocument, getDocument, insertDocument, type DocumentRow } from './document-rows';
import { documentKind, extractText } from './extract-text';

export interface IngestDeps {
  db: Db;
  blobs: BlobStore;
  embedder: Embedder;
  index: VectorIndex;
  logger: Logger;
  maxBytes: number;
}

/** A file name safe as the last segment of a blob key. */
export function safeFileName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? 'document';
  return (
    base
      .replace(/[^A-Za-z0-9._ -]/g, '_')
      .replace(/^\.+/, '_')
      .slice(0, 200) || 'document'
  );
}

/** Ingests one uploaded file for the caller's organisation; returns the stored document. */
export async function ingestDocument(
  deps: IngestDeps,
  principal: Principal,
  file: { name: string; contentType: string | null; bytes: Uint8Array },
): Promise<DocumentRow> {
  if (file.bytes.length > deps.maxBytes) throw new DocumentTooLargeError(deps.maxBytes);
  const { kind, contentType } = documentKind(file.contentType, file.name);
  const text = await extractText(file.bytes, kind, file.name);
  const pieces = chunkText(text);
  const vectors = await deps.embedder.embed(pieces);
  const id = randomUUID();
  const blobKey = `${principal.orgId}/${id}/${safeFileName(file.name)}`;
  const chunks = pieces.map((content, position) => ({ id: randomUUID(), position, content, embedding: vectors[position]! }));

  await deps.blobs.put(blobKey, file.bytes, contentType);
  try {
    await deps.db.tx(async (q) => {
      await insertDocument(
        q,
        {
          id,
          orgId: principal.orgId,
          name: file.name,
          contentType,
          sizeBytes: file.bytes.length,
          blobKey,
          embedder: deps.embedder.id,
          createdBy: principal.actor.id,
        },
        chunks,
      );
      // Recorded with the rows it describes, in the same transaction.
      await appendAudit(q, {
        orgId: principal.orgId,
        actor: principal.actor,
        source: principal.source ?? null,
        action: 'document.upload',
        targetType: 'document',
        targetId: id,
        diff: { after: { name: file.name, contentType, sizeBytes: file.bytes.length, chunks: chunks.length } },
      });
    });
  } catch (err) {
    await deps.blobs.delete(blobKey).catch((e) => deps.logger.warn({ err: e, blobKey }, 'could not remove the blob of a failed upload'));
    throw err;
  }
  try {
    await deps.index.upsert(
      chunks.map((c) => ({
        id: c.id,
        orgId: principal.orgId,
        documentId: id,
        content: c.content,
        embedder: deps.embedder.id,
        vector: c.embedding,
      })),
    );
  } catch (err) {
    // The audit log is append-only: the removal of the half-ingested document is recorded too.
    await deps.db
      .tx(async (q) => {
        await deleteDocument(q, principal.orgId, id);
        await appendAudit(q, {
          orgId: principal.orgId,
          actor: principal.actor,
          source: principal.source ?? null,
          action: 'document.upload_rolled_back',
          targetType: 'document',
          targetId: id,
          diff: { reason: 'indexing failed' },
        });
      })
      .catch((e) => deps.logger.warn({ err: e, documentId: id }, 'could not remove a document whose indexing failed'));
    await deps.blobs.delete(blobKey).catch((e) => deps.logger.warn({ err: e, blobKey }, 'could not remove the blob of a failed upload'));
    throw err;
  }
  deps.logger.info({ documentId: id, orgId: principal.orgId, chunks: chunks.length, kind }, 'document ingested');
  return (await getDocument(deps.db, principal.orgId, id))!;
}

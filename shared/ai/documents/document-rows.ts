/** Uploaded documents and their chunks (with embeddings) in PostgreSQL; every query filters on org_id. */
import type { Queryable } from '../../db/db';

export interface DocumentRow {
  id: string;
  orgId: string;
  name: string;
  contentType: string;
  sizeBytes: number;
  blobKey: string;
  chunkCount: number;
  embedder: string;
  createdBy: string;
  createdAt: Date;
}

export interface ChunkInput {
  id: string;
  position: number;
  content: string;
  embedding: number[];
}

const COLUMNS = `id, org_id AS "orgId", name, content_type AS "contentType", size_bytes::float8 AS "sizeBytes", blob_key AS "blobKey",
  chunk_count AS "chunkCount", embedder, created_by AS "createdBy", created_at AS "createdAt"`;

/** Inserts a document with all its chunks in one statement batch (call inside a transaction). */
export async function insertDocument(
  q: Queryable,
  d: Omit<DocumentRow, 'createdAt' | 'chunkCount'>,
  chunks: readonly ChunkInput[],
): Promise<void> {
  await q.query(
    `INSERT INTO ai_documents (id, org_id, name, content_type, size_bytes, blob_key, chunk_count, embedder, created_by)
     VALUES ($1::uuid, $2::uuid, $3::text, $4::text, $5::bigint, $6::text, $7::int, $8::text, $9::text)`,
    [d.id, d.orgId, d.name, d.contentType, d.sizeBytes, d.blobKey, chunks.length, d.embedder, d.createdBy],
  );
  if (!chunks.length) return;
  // One round trip for every chunk: rows travel as JSON, embeddings as JSON arrays cast to real[].
  await q.query(
    `INSERT INTO ai_document_chunks (id, org_id, document_id, position, content, embedder, embedding)
     SELECT c.id, $1::uuid, $2::uuid, c.position, c.content, $3::text,
            ARRAY(SELECT jsonb_array_elements_text(c.embedding)::real)
       FROM jsonb_to_recordset($4::jsonb) AS c(id uuid, position int, content text, embedding jsonb)`,
    [d.orgId, d.id, d.embedder, JSON.stringify(chunks)],
  );
}

/** One document of an organisation, or null. */
export async function getDocument(q: Queryable, orgId: string, id: string): Promise<DocumentRow | null> {
  const { rows } = await q.query<DocumentRow>(`SELECT ${COLUMNS} FROM ai_documents WHERE org_id = $1::uuid AND id = $2::uuid`, [orgId, id]);
  return rows[0] ?? null;
}

/** Documents of an organisation, newest first. */
export async function listDocuments(q: Queryable, orgId: string, limit = 200): Promise<DocumentRow[]> {
  const { rows } = await q.query<DocumentRow>(
    `SELECT ${COLUMNS} FROM ai_documents WHERE org_id = $1::uuid ORDER BY created_at DESC, id DESC LIMIT $2::int`,
    [orgId, limit],
  );
  return rows;
}

/** Deletes a document and (by cascade) its chunks; true when it existed. */
export async function deleteDocument(q: Queryable, orgId: string, id: string): Promise<boolean> {
  const { rowCount } = await q.query('DELETE FROM ai_documents WHERE org_id = $1::uuid AND id = $2::uuid', [orgId, id]);
  return (rowCount ?? 0) > 0;
}

export interface ChunkRow {
  chunkId: string;
  documentId: string;
  documentName: string;
  position: number;
  content: string;
}

/** Chunks by id, restricted to one organisation (ids from another organisation are silently absent). */
export async function getChunks(q: Queryable, orgId: string, ids: readonly string[]): Promise<ChunkRow[]> {
  if (!ids.length) return [];
  const { rows } = await q.query<ChunkRow>(
    `SELECT c.id AS "chunkId", c.document_id AS "documentId", d.name AS "documentName", c.position, c.content
       FROM ai_document_chunks c JOIN ai_documents d ON d.org_id = c.org_id AND d.id = c.document_id
      WHERE c.org_id = $1::uuid AND c.id = ANY($2::uuid[])`,
    [orgId, ids],
  );
  return rows;
}

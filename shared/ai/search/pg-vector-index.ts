/**
 * The local vector index: chunks' real[] embeddings in PostgreSQL, scored by dot product (vectors
 * are unit length, so this is cosine similarity). Exact search over one organisation's chunks of
 * one embedder: no extension needed, the same SQL on PostgreSQL and PGlite. It scans every chunk of
 * the organisation on each search (no approximate index), so large corpora belong in Azure AI Search.
 */
import type { Queryable } from '../../db/db';
import type { VectorIndex } from './vector-index';

/** The PostgreSQL vector index over `ai_document_chunks`. */
export function createPgVectorIndex(db: Queryable): VectorIndex {
  return {
    kind: 'postgres',
    async upsert() {
      // Rows are the index: insertDocument already wrote the embeddings.
    },
    async search(orgId, embedder, vector, k) {
      const { rows } = await db.query<{ chunkId: string; score: number }>(
        `SELECT c.id AS "chunkId",
                (SELECT sum(a * b) FROM unnest(c.embedding, $3::real[]) AS t(a, b))::float8 AS score
           FROM ai_document_chunks c
          WHERE c.org_id = $1::uuid AND c.embedder = $2::text
          ORDER BY score DESC NULLS LAST, c.id
          LIMIT $4::int`,
        [orgId, embedder, vector, k],
      );
      return rows;
    },
    async removeDocument() {
      // Deleting the document row cascades to its chunks.
    },
  };
}

/** Document search: embed the query, ask the vector index, resolve hits to chunks of the caller's organisation. */
import type { Db } from '../../db/db';
import type { DocumentHit } from '../../domain/studio-api';
import type { Embedder } from '../embeddings/embedder';
import type { VectorIndex } from '../search/vector-index';
import { getChunks } from './document-rows';

export interface DocumentSearch {
  search(orgId: string, query: string, limit: number, signal?: AbortSignal): Promise<DocumentHit[]>;
}

/** Searches over `index` with `embedder`; hits are re-read from PostgreSQL under the same org filter. */
export function createDocumentSearch(db: Db, embedder: Embedder, index: VectorIndex): DocumentSearch {
  return {
    async search(orgId, query, limit, signal) {
      const [vector] = await embedder.embed([query], signal);
      const hits = await index.search(orgId, embedder.id, vector!, limit);
      const chunks = new Map(
        (
          await getChunks(
            db,
            orgId,
            hits.map((h) => h.chunkId),
          )
        ).map((c) => [c.chunkId, c]),
      );
      // A hit whose chunk is not in this organisation's rows is dropped (e.g. a stale index entry).
      return hits.flatMap((h) => {
        const c = chunks.get(h.chunkId);
        return c ? [{ ...c, score: h.score }] : [];
      });
    },
  };
}

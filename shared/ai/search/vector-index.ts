/**
 * Vector search over document chunks, one interface with two backends: the local index in
 * PostgreSQL (default) and Azure AI Search. Chunk text and metadata always live in PostgreSQL;
 * a backend returns chunk ids and scores, always filtered to one organisation and one embedder.
 */

/** A chunk as a search backend indexes it. */
export interface IndexedChunk {
  id: string;
  orgId: string;
  documentId: string;
  content: string;
  embedder: string;
  vector: number[];
}

export interface VectorHit {
  chunkId: string;
  /** Cosine similarity in [-1, 1]. */
  score: number;
}

export interface VectorIndex {
  readonly kind: 'postgres' | 'azure-search';
  /** Adds or replaces chunks (the PostgreSQL backend indexes them as they are inserted). */
  upsert(chunks: readonly IndexedChunk[]): Promise<void>;
  /** The `k` nearest chunks of `orgId` written by `embedder`. */
  search(orgId: string, embedder: string, vector: readonly number[], k: number): Promise<VectorHit[]>;
  /** Removes a document's chunks. */
  removeDocument(orgId: string, documentId: string): Promise<void>;
}

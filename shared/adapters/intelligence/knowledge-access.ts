/**
 * What the engine lends the `knowledge` operations: the organisation's document index — the one
 * the assistant searches (shared/ai/documents, shared/ai/search) — scoped to the run's
 * organisation. Implemented in shared/engine/task-services.ts.
 */

export interface KnowledgeHit {
  chunkId: string;
  documentId: string;
  documentName: string;
  position: number;
  content: string;
  score: number;
}

export interface KnowledgeAccess {
  /** The `top` chunks nearest to `query`, optionally only from some documents. */
  search(
    query: string,
    top: number,
    filter: { documentIds?: readonly string[] | undefined; documentKeys?: readonly string[] | undefined },
    signal: AbortSignal,
  ): Promise<KnowledgeHit[]>;
  /**
   * Ingests a document under `key`: created when new, replaced when its content changed,
   * `unchanged` (nothing written) when the same bytes are ingested again.
   */
  ingest(
    doc: { key: string; name: string; contentType: string | null; bytes: Buffer },
    signal: AbortSignal,
  ): Promise<{ documentId: string; status: 'created' | 'replaced' | 'unchanged'; chunks: number }>;
  /** Removes the document with `key` (its chunks, index entries and file); false when there was none. */
  delete(key: string): Promise<boolean>;
}

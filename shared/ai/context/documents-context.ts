/** Passages from the organisation's uploaded documents nearest to the question. */
import type { ContextProvider } from './context-provider';

/** Provides the top document chunks for the question, scored by similarity. */
export const documentsContext: ContextProvider = {
  name: 'documents',
  async provide({ principal, question, documents, signal }) {
    const hits = await documents.search(principal.orgId, question, 5, signal);
    return hits.map((h) => ({
      source: { type: 'document' as const, id: h.documentId, label: `${h.documentName} (part ${h.position + 1})` },
      text: h.content,
      // Similarity is in [-1, 1]; unrelated hashed vectors sit near 0.
      score: Math.max(0, Math.min(1, h.score)),
      chunk: { id: h.chunkId, documentId: h.documentId, position: h.position },
    }));
  },
};

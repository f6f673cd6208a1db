/**
 * Azure AI Search as the vector index: one index of chunks with an HNSW vector profile (cosine).
 * The organisation and embedder filter is applied as a pre-filter, so the k nearest neighbours are
 * chosen among the caller's organisation's chunks only, never among everyone's and then trimmed.
 */
import type { TokenCredential } from '@azure/identity';
import { AzureKeyCredential, SearchClient, SearchIndexClient, type SearchIndex } from '@azure/search-documents';
import { toAiServiceError } from '../ai-errors';
import type { IndexedChunk, VectorIndex } from './vector-index';

/** The stored shape of one chunk in the search index. */
interface ChunkDocument {
  id: string;
  orgId: string;
  documentId: string;
  embedder: string;
  content: string;
  vector: number[];
}

const PROFILE = 'demiton-hnsw';

/** The index definition: filterable org/document/embedder, searchable content, an HNSW vector field. */
export function chunkIndexDefinition(name: string, dimensions: number): SearchIndex {
  return {
    name,
    fields: [
      { name: 'id', type: 'Edm.String', key: true, filterable: true },
      { name: 'orgId', type: 'Edm.String', filterable: true },
      { name: 'documentId', type: 'Edm.String', filterable: true },
      { name: 'embedder', type: 'Edm.String', filterable: true },
      { name: 'content', type: 'Edm.String', searchable: true },
      {
        name: 'vector',
        type: 'Collection(Edm.Single)',
        searchable: true,
        vectorSearchDimensions: dimensions,
        vectorSearchProfileName: PROFILE,
      },
    ],
    vectorSearch: {
      algorithms: [
        { name: 'demiton-hnsw-cosine', kind: 'hnsw', parameters: { metric: 'cosine', m: 4, efConstruction: 400, efSearch: 500 } },
      ],
      profiles: [{ name: PROFILE, algorithmConfigurationName: 'demiton-hnsw-cosine' }],
    },
  };
}

// OData string literals double their single quotes; ids here are uuids and model names, but be exact.
const lit = (v: string) => `'${v.replace(/'/g, "''")}'`;

/** An Azure AI Search index named `index`, created (or updated) on first use. */
export function createAzureSearchIndex(opts: {
  endpoint: string;
  index: string;
  dimensions: number;
  credential: AzureKeyCredential | TokenCredential;
}): VectorIndex {
  // Plain http only to a loopback address (a local emulator or test server); keys never cross a network in clear.
  const host = new URL(opts.endpoint).hostname;
  const clientOptions = { allowInsecureConnection: ['127.0.0.1', 'localhost', '[::1]', '::1'].includes(host) };
  const indexClient = new SearchIndexClient(opts.endpoint, opts.credential, clientOptions);
  const client = new SearchClient<ChunkDocument>(opts.endpoint, opts.index, opts.credential, clientOptions);
  let ready: Promise<void> | null = null;
  const ensureIndex = () =>
    (ready ??= indexClient
      .createOrUpdateIndex(chunkIndexDefinition(opts.index, opts.dimensions))
      .then(() => undefined)
      .catch((err) => {
        ready = null;
        throw toAiServiceError(err, 'azure-ai-search', 'search');
      }));

  return {
    kind: 'azure-search',
    async upsert(chunks: readonly IndexedChunk[]) {
      if (!chunks.length) return;
      await ensureIndex();
      try {
        const res = await client.mergeOrUploadDocuments(
          chunks.map((c) => ({
            id: c.id,
            orgId: c.orgId,
            documentId: c.documentId,
            embedder: c.embedder,
            content: c.content,
            vector: c.vector,
          })),
          {
            throwOnAnyFailure: true,
          },
        );
        const failed = res.results.filter((r) => !r.succeeded);
        if (failed.length) throw new Error(`${failed.length} chunks were not indexed: ${failed[0]!.errorMessage ?? 'unknown error'}`);
      } catch (err) {
        throw toAiServiceError(err, 'azure-ai-search', 'search');
      }
    },
    async search(orgId, embedder, vector, k) {
      await ensureIndex();
      try {
        const res = await client.search('*', {
          top: k,
          select: ['id'],
          filter: `orgId eq ${lit(orgId)} and embedder eq ${lit(embedder)}`,
          vectorSearchOptions: {
            queries: [{ kind: 'vector', vector: [...vector], kNearestNeighborsCount: k, fields: ['vector'] }],
            filterMode: 'preFilter',
          },
        });
        const hits = [];
        for await (const r of res.results) hits.push({ chunkId: r.document.id, score: r.score });
        return hits;
      } catch (err) {
        throw toAiServiceError(err, 'azure-ai-search', 'search');
      }
    },
    async removeDocument(orgId, documentId) {
      await ensureIndex();
      try {
        const ids: string[] = [];
        const res = await client.search('*', {
          filter: `orgId eq ${lit(orgId)} and documentId eq ${lit(documentId)}`,
          select: ['id'],
          top: 1000,
        });
        for await (const r of res.results) ids.push(r.document.id);
        if (ids.length) await client.deleteDocuments('id', ids);
      } catch (err) {
        throw toAiServiceError(err, 'azure-ai-search', 'search');
      }
    },
  };
}

export { AzureKeyCredential };

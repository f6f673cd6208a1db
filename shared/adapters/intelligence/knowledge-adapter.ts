/**
 * The `knowledge` connector (intelligence): workflows search and maintain the organisation's
 * document index — the one the assistant answers from (shared/ai/documents, shared/ai/search).
 * `ingest` is idempotent per document key: the same bytes again change nothing, new bytes replace
 * the document (the new version is searchable before the old one is removed). The index is always
 * the run's organisation's; the connector has no settings.
 */
import { z } from 'zod';
import { TaskFailedError } from '../../domain/errors';
import type { AdapterEnvironment, AdapterRegistration, OperationContext } from '../adapter';
import { bindOperations, call, declareOperations } from '../bind-operations';
import { DocumentRef, loadDocument } from '../document-source';
import type { KnowledgeAccess } from './knowledge-access';

const SYSTEM = 'knowledge';

interface KnowledgeBound {
  env: AdapterEnvironment;
}

function knowledgeOf(ctx: OperationContext): KnowledgeAccess {
  const k = ctx.services?.knowledge;
  if (!k)
    throw new TaskFailedError(
      'knowledge_unavailable',
      `Task '${ctx.taskKey}': knowledge operations run inside a workflow (they use the organisation's document index).`,
      { retryable: false },
    );
  return k;
}

const DocumentKey = z.string().min(1).max(500).describe('Names the document across ingests, e.g. the SharePoint item id or the SFTP path.');

const searchInput = z.object({
  query: z.string().min(1).max(10_000),
  top: z.number().int().min(1).max(50).default(5),
  filter: z
    .object({ documentIds: z.array(z.uuid()).max(100).optional(), documentKeys: z.array(DocumentKey).max(100).optional() })
    .default({})
    .describe('Only chunks of these documents.'),
});
const ingestInput = z.object({
  key: DocumentKey,
  document: DocumentRef,
  name: z.string().min(1).max(300).optional().describe('Shown in the assistant’s citations; default the file name.'),
  contentType: z
    .string()
    .max(200)
    .optional()
    .describe('text/plain, text/markdown, text/html or application/pdf; default from the source or the name.'),
});
const deleteInput = z.object({ key: DocumentKey });

const operations = {
  search: call<KnowledgeBound, typeof searchInput>({
    description:
      "Searches the organisation's document index (the assistant's): the chunks nearest to the query, with scores and document ids.",
    input: searchInput,
    output: z.object({
      hits: z.array(
        z.object({
          chunkId: z.string(),
          documentId: z.string(),
          documentName: z.string(),
          position: z.number(),
          content: z.string(),
          score: z.number(),
        }),
      ),
    }),
    run: async (input, ctx) => ({ hits: await knowledgeOf(ctx).search(input.query, input.top, input.filter, ctx.signal) }),
  }),
  ingest: call<KnowledgeBound, typeof ingestInput>({
    description:
      'Adds a document (URL, another connector’s file, or inline content) to the index: extracted, chunked, embedded, indexed. Idempotent per key: unchanged content writes nothing; new content replaces the document.',
    input: ingestInput,
    output: z.object({ documentId: z.string(), status: z.enum(['created', 'replaced', 'unchanged']), chunks: z.number() }),
    async run(input, ctx, b) {
      const knowledge = knowledgeOf(ctx);
      const doc = await loadDocument(input.document, {
        network: b.env.network,
        files: ctx.services?.files,
        signal: ctx.signal,
        systemType: SYSTEM,
      });
      return knowledge.ingest(
        { key: input.key, name: input.name ?? doc.name, contentType: input.contentType ?? doc.contentType, bytes: doc.bytes },
        ctx.signal,
      );
    },
  }),
  delete: call<KnowledgeBound, typeof deleteInput>({
    description: 'Removes the document with this key from the index (chunks, search entries, file); deleted: false when there was none.',
    input: deleteInput,
    output: z.object({ deleted: z.boolean() }),
    run: async (input, ctx) => ({ deleted: await knowledgeOf(ctx).delete(input.key) }),
  }),
};

/** Registration of the `knowledge` connector type. */
export const knowledgeAdapter: AdapterRegistration = {
  systemType: SYSTEM,
  category: 'intelligence',
  connectionTypes: ['knowledge'],
  operations: declareOperations(operations),
  connectionSchema: z.object({ settings: z.object({}).strict(), secrets: z.object({}).strict() }),
  create(_c, env) {
    return { systemType: SYSTEM, category: 'intelligence', operations: bindOperations(operations, { env } satisfies KnowledgeBound) };
  },
};

/**
 * AI studio routes (/api/studio/*): conversations, streamed answers (Server-Sent Events) and
 * documents. Viewers may chat, read and search; uploading and deleting documents needs the editor role.
 */
import { z } from 'zod';
import { IdParams } from '../../shared/domain/api';
import { MalformedBodyError } from '../../shared/domain/errors';
import {
  ConversationDetail,
  ConversationList,
  ConversationView,
  CreateConversationBody,
  DocumentHitList,
  DocumentList,
  DocumentView,
  PostMessageBody,
  SearchDocumentsQuery,
  STUDIO_SCHEMAS,
  UploadDocumentQuery,
} from '../../shared/domain/studio-api';
import { registerSchema } from '../../shared/http/openapi';
import * as studio from '../../shared/ai/studio-service';
import { DocumentTooLargeError } from '../../shared/ai/ai-errors';
import { defineRoute, readBytesWithin } from '../http-kit';

for (const [name, schema] of Object.entries(STUDIO_SCHEMAS)) registerSchema(name, schema);

export const createConversation = defineRoute({
  name: 'createStudioConversation',
  method: 'POST',
  route: 'studio/conversations',
  summary: 'Start a conversation with the studio assistant',
  tags: ['studio'],
  role: 'viewer',
  body: CreateConversationBody,
  optionalBody: true,
  responses: { 201: { description: 'Created', schema: ConversationView, headers: { Location: 'URL of the conversation' } } },
  async handle({ platform, principal, body }) {
    const c = await studio.createConversation(platform, principal, body);
    return { status: 201, body: c, headers: { Location: `/api/studio/conversations/${c.id}` } };
  },
});

export const listConversations = defineRoute({
  name: 'listStudioConversations',
  method: 'GET',
  route: 'studio/conversations',
  summary: "List the caller's conversations, most recent first",
  tags: ['studio'],
  role: 'viewer',
  responses: { 200: { description: 'Conversations', schema: ConversationList } },
  async handle({ platform, principal }) {
    return { status: 200, body: await studio.listConversations(platform, principal) };
  },
});

export const getConversation = defineRoute({
  name: 'getStudioConversation',
  method: 'GET',
  route: 'studio/conversations/{id}',
  summary: 'Read a conversation with its messages',
  tags: ['studio'],
  role: 'viewer',
  params: IdParams,
  responses: { 200: { description: 'The conversation', schema: ConversationDetail } },
  async handle({ platform, principal, params }) {
    return { status: 200, body: await studio.getConversation(platform, principal, params.id) };
  },
});

export const postMessage = defineRoute({
  name: 'postStudioMessage',
  method: 'POST',
  route: 'studio/conversations/{id}/messages',
  summary:
    'Ask a question; the answer streams as Server-Sent Events: delta (StudioDeltaEvent), citation (Citation), suggestion (Suggestion), done (StudioDoneEvent), error (StudioErrorEvent)',
  tags: ['studio'],
  role: 'viewer',
  params: IdParams,
  body: PostMessageBody,
  responses: {
    200: {
      description: 'The answer as an event stream',
      contentType: 'text/event-stream',
      schema: z
        .string()
        .describe(
          'Events `delta` (StudioDeltaEvent), `citation` (Citation), `suggestion` (Suggestion), `done` (StudioDoneEvent), `error` (StudioErrorEvent); each `data:` line is JSON.',
        ),
    },
    429: {
      description: 'Too many answers streaming for this user or organisation',
      headers: { 'Retry-After': 'Seconds until a slot frees' },
    },
  },
  async handle({ platform, principal, params, body }) {
    const stream = await studio.startAnswer(platform, principal, params.id, body);
    return {
      status: 200,
      body: stream,
      // no-transform and X-Accel-Buffering stop proxies from buffering the stream into one late blob.
      headers: { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-cache, no-transform', 'X-Accel-Buffering': 'no' },
    };
  },
});

export const uploadDocument = defineRoute({
  name: 'uploadStudioDocument',
  method: 'POST',
  route: 'studio/documents',
  summary:
    'Upload a document (raw body: text/plain, text/markdown, text/html or application/pdf; ?name= the file name); it is extracted, chunked, embedded and indexed',
  tags: ['studio'],
  role: 'editor',
  query: UploadDocumentQuery,
  responses: {
    201: { description: 'Ingested', schema: DocumentView, headers: { Location: 'URL of the document' } },
    413: { description: 'Larger than DOCUMENT_MAX_BYTES' },
    415: { description: 'Not a supported document type' },
    422: { description: 'No text could be extracted' },
  },
  async handle({ platform, principal, query, request }) {
    const max = platform.config.ai.documentMaxBytes;
    const bytes = await readBytesWithin(request, max, () => new DocumentTooLargeError(max));
    if (!bytes.length) throw new MalformedBodyError('The request body is empty; send the file as the body.');
    const d = await studio.uploadDocument(platform, principal, {
      name: query.name,
      contentType: request.headers.get('content-type'),
      bytes,
    });
    return { status: 201, body: d, headers: { Location: `/api/studio/documents/${d.id}` } };
  },
});

export const listDocuments = defineRoute({
  name: 'listStudioDocuments',
  method: 'GET',
  route: 'studio/documents',
  summary: "List the organisation's documents",
  tags: ['studio'],
  role: 'viewer',
  responses: { 200: { description: 'Documents', schema: DocumentList } },
  async handle({ platform, principal }) {
    return { status: 200, body: await studio.listDocuments(platform, principal) };
  },
});

export const searchDocuments = defineRoute({
  name: 'searchStudioDocuments',
  method: 'GET',
  route: 'studio/documents/search',
  summary: "Search the organisation's documents by meaning; returns the nearest chunks",
  tags: ['studio'],
  role: 'viewer',
  query: SearchDocumentsQuery,
  responses: { 200: { description: 'Nearest chunks', schema: DocumentHitList } },
  async handle({ platform, principal, query }) {
    return { status: 200, body: await studio.searchDocuments(platform, principal, query.q, query.limit) };
  },
});

export const getDocument = defineRoute({
  name: 'getStudioDocument',
  method: 'GET',
  route: 'studio/documents/{id}',
  summary: "Read a document's metadata",
  tags: ['studio'],
  role: 'viewer',
  params: IdParams,
  responses: { 200: { description: 'The document', schema: DocumentView } },
  async handle({ platform, principal, params }) {
    return { status: 200, body: await studio.getDocumentView(platform, principal, params.id) };
  },
});

export const deleteDocument = defineRoute({
  name: 'deleteStudioDocument',
  method: 'DELETE',
  route: 'studio/documents/{id}',
  summary: 'Delete a document: its search entries, chunks and file',
  tags: ['studio'],
  role: 'editor',
  params: IdParams,
  responses: { 204: { description: 'Deleted' } },
  async handle({ platform, principal, params }) {
    await studio.deleteDocument(platform, principal, params.id);
    return { status: 204 };
  },
});

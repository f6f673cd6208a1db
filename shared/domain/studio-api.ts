/**
 * AI studio API shapes, declared once: the handlers validate with them, the pipeline's types come
 * from them, and `STUDIO_SCHEMAS` lists the named OpenAPI schemas (including the payload of each
 * Server-Sent Event of an answer).
 */
import { z } from 'zod';

/** What the user is looking at; context providers use it to pick what to include. */
export const StudioFocus = z
  .strictObject({
    projectId: z.uuid().optional(),
    workflowId: z.uuid().optional(),
    runId: z.uuid().optional(),
    workerId: z.uuid().optional(),
  })
  .describe('What the conversation is about: a project, workflow, run or digital worker.');
export type StudioFocus = z.infer<typeof StudioFocus>;

export const CreateConversationBody = z.strictObject({
  title: z.string().trim().min(1).max(200).optional(),
  focus: StudioFocus.default({}),
});

export const ConversationView = z.object({
  id: z.uuid(),
  title: z.string(),
  focus: StudioFocus,
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type ConversationView = z.infer<typeof ConversationView>;

export const ConversationList = z.object({ items: z.array(ConversationView) });

export const SourceType = z.enum(['document', 'project', 'workflow', 'run', 'worker', 'connector']);
export type SourceType = z.infer<typeof SourceType>;

/** One source an answer used; `marker` is the `[n]` the answer text refers to. */
export const Citation = z.object({
  marker: z.number().int().min(1),
  source: z.object({ type: SourceType, id: z.string(), label: z.string() }),
  /** For documents: the chunk quoted (it can be fetched through the document search). */
  chunk: z.object({ id: z.uuid(), documentId: z.uuid(), position: z.number().int() }).optional(),
  excerpt: z.string(),
});
export type Citation = z.infer<typeof Citation>;

/** A workflow run the assistant proposes; the user triggers it with POST /api/workflows/{id}/runs. */
export const Suggestion = z.object({
  workflowId: z.uuid(),
  workflowName: z.string(),
  input: z.record(z.string(), z.json()),
  rationale: z.string(),
});
export type Suggestion = z.infer<typeof Suggestion>;

export const MessageView = z.object({
  id: z.string(),
  role: z.enum(['user', 'assistant']),
  content: z.string(),
  citations: z.array(Citation),
  suggestions: z.array(Suggestion),
  createdAt: z.iso.datetime(),
});
export type MessageView = z.infer<typeof MessageView>;

export const ConversationDetail = ConversationView.extend({ messages: z.array(MessageView) });

export const PostMessageBody = z.strictObject({
  content: z.string().trim().min(1).max(8000),
  /** Replaces the conversation's focus for this question (e.g. the user opened another run). */
  focus: StudioFocus.optional(),
});

/**
 * `event: notice` — before the answer: something the user should know about it, with a stable
 * code. `model_not_configured`: no language model is set, so the answer only quotes passages; the
 * message says where an admin sets one (HQ → Model provider).
 */
export const NoticeEvent = z.object({ code: z.string(), message: z.string() });
/** `event: delta` — the next piece of the answer text. */
export const DeltaEvent = z.object({ text: z.string() });
/** `event: done` — the answer is complete and stored. */
export const DoneEvent = z.object({
  messageId: z.string(),
  model: z.string(),
  finishReason: z.string().describe("The model's reason for stopping; `model_not_configured` (and model `none`) when no model is set."),
});
/** `event: error` — the answer failed; what was streamed so far is not stored. */
export const StreamErrorEvent = z.object({ code: z.string(), message: z.string(), retryable: z.boolean() });

export const DocumentView = z.object({
  id: z.uuid(),
  name: z.string(),
  contentType: z.string(),
  sizeBytes: z.number().int(),
  chunkCount: z.number().int(),
  embedder: z.string(),
  createdAt: z.iso.datetime(),
});
export type DocumentView = z.infer<typeof DocumentView>;
export const DocumentList = z.object({ items: z.array(DocumentView) });

export const UploadDocumentQuery = z.strictObject({
  name: z.string().trim().min(1).max(255).describe('The file name; its extension picks the extractor when Content-Type is generic.'),
});

export const SearchDocumentsQuery = z.strictObject({
  q: z.string().trim().min(1).max(2000),
  limit: z.coerce.number().int().min(1).max(50).default(5),
});

export const DocumentHit = z.object({
  chunkId: z.uuid(),
  documentId: z.uuid(),
  documentName: z.string(),
  position: z.number().int(),
  content: z.string(),
  score: z.number(),
});
export type DocumentHit = z.infer<typeof DocumentHit>;
export const DocumentHitList = z.object({ items: z.array(DocumentHit) });

/** The named schemas of the studio API, for the OpenAPI document (registered by the studio handlers). */
export const STUDIO_SCHEMAS: Record<string, z.ZodType> = {
  StudioFocus,
  CreateConversationBody,
  ConversationView,
  ConversationList,
  ConversationDetail,
  Citation,
  Suggestion,
  MessageView,
  PostMessageBody,
  StudioNoticeEvent: NoticeEvent,
  StudioDeltaEvent: DeltaEvent,
  StudioDoneEvent: DoneEvent,
  StudioErrorEvent: StreamErrorEvent,
  DocumentView,
  DocumentList,
  DocumentHit,
  DocumentHitList,
};

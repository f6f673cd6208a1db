-- 0005: the AI studio: uploaded documents, their chunks with embeddings (the local vector index),
-- and the PostgreSQL fallback for conversations when no Azure Storage account is configured.
--
-- Embeddings are plain real[] rather than pgvector's `vector`: the extension is not installed on
-- every PostgreSQL (nor in PGlite without a separate package), and `CREATE EXTENSION` is
-- database-wide while Demiton lives in one schema. Vectors are stored L2-normalised, so cosine
-- similarity is a dot product computed over one organisation's chunks (see pg-vector-index.ts).
-- Deployments with large corpora use Azure AI Search (AZURE_SEARCH_ENDPOINT) instead.

CREATE TABLE ai_documents (
  id            uuid PRIMARY KEY,
  org_id        uuid NOT NULL REFERENCES organisations (id),
  name          text NOT NULL,
  content_type  text NOT NULL,
  size_bytes    bigint NOT NULL,
  blob_key      text NOT NULL,
  chunk_count   integer NOT NULL,
  embedder      text NOT NULL,
  created_by    text NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  UNIQUE (org_id, id)
);
CREATE INDEX ai_documents_newest ON ai_documents (org_id, created_at DESC, id DESC);

CREATE TABLE ai_document_chunks (
  id           uuid PRIMARY KEY,
  org_id       uuid NOT NULL,
  document_id  uuid NOT NULL,
  position     integer NOT NULL,
  content      text NOT NULL,
  -- Which embedding model wrote `embedding`: a search only compares vectors of the same model.
  embedder     text NOT NULL,
  embedding    real[] NOT NULL,
  FOREIGN KEY (org_id, document_id) REFERENCES ai_documents (org_id, id) ON DELETE CASCADE,
  UNIQUE (document_id, position)
);
CREATE INDEX ai_document_chunks_by_org ON ai_document_chunks (org_id, embedder);

CREATE TABLE ai_conversations (
  id          uuid PRIMARY KEY,
  org_id      uuid NOT NULL REFERENCES organisations (id),
  user_id     text NOT NULL,
  title       text NOT NULL,
  focus       jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
  updated_at  timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX ai_conversations_by_user ON ai_conversations (org_id, user_id, updated_at DESC);

CREATE TABLE ai_messages (
  id               uuid PRIMARY KEY,
  org_id           uuid NOT NULL,
  conversation_id  uuid NOT NULL REFERENCES ai_conversations (id) ON DELETE CASCADE,
  seq              bigint GENERATED ALWAYS AS IDENTITY,
  role             text NOT NULL CHECK (role IN ('user', 'assistant')),
  content          text NOT NULL,
  citations        jsonb NOT NULL DEFAULT '[]'::jsonb,
  suggestions      jsonb NOT NULL DEFAULT '[]'::jsonb,
  created_at       timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX ai_messages_by_conversation ON ai_messages (org_id, conversation_id, seq);

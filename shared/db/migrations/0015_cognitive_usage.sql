-- 0015: language-model token usage of workflow tasks (the `model` connector, shared/adapters/cognitive)
-- and idempotent knowledge ingestion by document key (the `knowledge` connector).
--
-- Usage lives beside task_runs, not in it: task_runs is the engine's hottest table (one update per
-- transition, laid out for HOT updates in 0009), and most tasks never call a model. One row per
-- task of a run (task keys are unique in a definition), added to by every model call of the task,
-- retries and chunks included: tokens spent on a failed attempt were spent.
CREATE TABLE task_model_usage (
  org_id         uuid NOT NULL,
  run_id         uuid NOT NULL REFERENCES workflow_runs (id) ON DELETE CASCADE,
  task_key       text NOT NULL,
  input_tokens   bigint NOT NULL DEFAULT 0,
  output_tokens  bigint NOT NULL DEFAULT 0,
  calls          integer NOT NULL DEFAULT 0,
  PRIMARY KEY (run_id, task_key)
);

-- The organisation's spend per calendar month (UTC), checked against the monthly token budget in
-- org_settings (`modelTokenBudgetMonthly`) before every model call: one primary-key read.
CREATE TABLE org_model_usage (
  org_id         uuid NOT NULL REFERENCES organisations (id),
  month          date NOT NULL,
  input_tokens   bigint NOT NULL DEFAULT 0,
  output_tokens  bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (org_id, month)
);

-- A workflow ingests "the document with key K" again and again (a nightly sync): the key names the
-- document, the hash tells whether its content changed.
ALTER TABLE ai_documents ADD COLUMN source_key text, ADD COLUMN content_sha256 text;
CREATE UNIQUE INDEX ai_documents_by_source_key ON ai_documents (org_id, source_key) WHERE source_key IS NOT NULL;

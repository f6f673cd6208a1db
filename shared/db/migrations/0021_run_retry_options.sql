-- 0021: replay after a fix (issue #18). Each rerun of a run is recorded as one row: the version it
-- runs, whether its input was edited, the task it starts from, the tasks whose idempotency keys
-- changed, and who asked (alone or as part of a bulk retry). The first attempt has no row: it is
-- the run itself.
CREATE TABLE run_attempts (
  run_id            uuid NOT NULL REFERENCES workflow_runs (id) ON DELETE CASCADE,
  org_id            uuid NOT NULL,
  attempt           integer NOT NULL CHECK (attempt >= 2),
  workflow_version  integer NOT NULL,
  previous_version  integer NOT NULL,
  input_edited      boolean NOT NULL DEFAULT false,
  from_task         text,
  -- Task keys that run again under a new TaskRun id, so adapters see a new idempotency key.
  renewed_tasks     text[] NOT NULL DEFAULT '{}',
  requested_by      text NOT NULL,
  requested_at      timestamptz NOT NULL DEFAULT clock_timestamp(),
  bulk_action_id    uuid,
  PRIMARY KEY (run_id, attempt)
);

-- A bulk retry: the filter it was previewed with, the runs it selected (bounded, so the list is
-- kept on the row and the work can resume where it stopped), and its progress. One audit entry
-- names it; each run it retries gets a run_attempts row pointing here.
CREATE TABLE bulk_run_actions (
  id            uuid PRIMARY KEY,
  org_id        uuid NOT NULL,
  kind          text NOT NULL CHECK (kind IN ('retry')),
  filter        jsonb NOT NULL,
  options       jsonb NOT NULL,
  status        text NOT NULL CHECK (status IN ('RUNNING', 'SUCCEEDED', 'FAILED')),
  run_ids       uuid[] NOT NULL,
  total         integer NOT NULL,
  -- Runs handled so far (retried or skipped), in run_ids order.
  done          integer NOT NULL DEFAULT 0,
  skipped       integer NOT NULL DEFAULT 0,
  error         jsonb,
  created_by    text NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT clock_timestamp(),
  -- Moved by each batch: a RUNNING action not moved for a while lost its process and is resumed.
  updated_at    timestamptz NOT NULL DEFAULT clock_timestamp(),
  finished_at   timestamptz
);
CREATE INDEX bulk_run_actions_running ON bulk_run_actions (updated_at) WHERE status = 'RUNNING';
CREATE INDEX bulk_run_actions_by_org ON bulk_run_actions (org_id, created_at DESC);

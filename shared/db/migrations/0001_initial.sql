-- 0001: organisations, projects, versioned workflows, runs (workflow/task/chunk), schedules, audit log.
-- Every row that belongs to an organisation carries org_id; every query filters on it.

CREATE TABLE organisations (
  id          uuid PRIMARY KEY,
  name        text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE projects (
  id          uuid PRIMARY KEY,
  org_id      uuid NOT NULL REFERENCES organisations (id),
  name        text NOT NULL,
  description text,
  is_default  boolean NOT NULL DEFAULT false,
  created_at  timestamptz NOT NULL DEFAULT now(),
  UNIQUE (org_id, name),
  UNIQUE (org_id, id)
);
CREATE UNIQUE INDEX projects_one_default_per_org ON projects (org_id) WHERE is_default;

CREATE TABLE workflows (
  id              uuid PRIMARY KEY,
  org_id          uuid NOT NULL REFERENCES organisations (id),
  project_id      uuid NOT NULL,
  name            text NOT NULL,
  latest_version  integer NOT NULL CHECK (latest_version >= 1),
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (org_id, project_id) REFERENCES projects (org_id, id),
  UNIQUE (org_id, project_id, name),
  UNIQUE (org_id, id)
);

-- Versions are immutable: a PUT adds a row; runs point at the version they started with.
CREATE TABLE workflow_versions (
  org_id       uuid NOT NULL,
  workflow_id  uuid NOT NULL,
  version      integer NOT NULL CHECK (version >= 1),
  definition   jsonb NOT NULL,
  created_by   text NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workflow_id, version),
  FOREIGN KEY (org_id, workflow_id) REFERENCES workflows (org_id, id)
);

CREATE TABLE workflow_runs (
  id                uuid PRIMARY KEY,
  org_id            uuid NOT NULL,
  workflow_id       uuid NOT NULL,
  workflow_version  integer NOT NULL,
  status            text NOT NULL CHECK (status IN ('PENDING', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED')),
  trigger           text NOT NULL CHECK (trigger IN ('http', 'schedule', 'workflow', 'chunk', 'event')),
  input             jsonb NOT NULL,
  output            jsonb,
  error             jsonb,
  parent_run_id     uuid REFERENCES workflow_runs (id),
  parent_task_key   text,
  parent_chunk_index bigint,
  idempotency_key   text,
  input_hash        text,
  lease_owner       text,
  lease_expires_at  timestamptz,
  created_at        timestamptz NOT NULL DEFAULT clock_timestamp(),
  started_at        timestamptz,
  finished_at       timestamptz,
  FOREIGN KEY (workflow_id, workflow_version) REFERENCES workflow_versions (workflow_id, version)
);
CREATE UNIQUE INDEX workflow_runs_idempotency ON workflow_runs (org_id, workflow_id, idempotency_key)
  WHERE idempotency_key IS NOT NULL;
CREATE INDEX workflow_runs_newest ON workflow_runs (org_id, created_at DESC, id DESC);
CREATE INDEX workflow_runs_by_workflow ON workflow_runs (org_id, workflow_id, created_at DESC, id DESC);
CREATE INDEX workflow_runs_by_status ON workflow_runs (org_id, status, created_at DESC, id DESC);
CREATE INDEX workflow_runs_children ON workflow_runs (parent_run_id) WHERE parent_run_id IS NOT NULL;
CREATE INDEX workflow_runs_unfinished ON workflow_runs (status, created_at) WHERE status IN ('PENDING', 'RUNNING');

CREATE TABLE task_runs (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id           uuid NOT NULL,
  run_id           uuid NOT NULL REFERENCES workflow_runs (id),
  position         integer NOT NULL,
  key              text NOT NULL,
  type             text NOT NULL CHECK (type IN ('atomic', 'workflow', 'chunked')),
  status           text NOT NULL CHECK (status IN ('PENDING', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED')),
  attempts         integer NOT NULL DEFAULT 0,
  output           jsonb,
  error            jsonb,
  child_run_id     uuid,
  chunks_total     bigint,
  chunks_succeeded bigint,
  chunks_failed    bigint,
  chunks_running   bigint,
  started_at       timestamptz,
  finished_at      timestamptz,
  UNIQUE (run_id, position),
  UNIQUE (run_id, key)
);

CREATE TABLE chunk_runs (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id        uuid NOT NULL,
  run_id        uuid NOT NULL,
  task_run_id   uuid NOT NULL REFERENCES task_runs (id),
  index         bigint NOT NULL,
  status        text NOT NULL CHECK (status IN ('PENDING', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED')),
  attempts      integer NOT NULL DEFAULT 0,
  record        jsonb NOT NULL,
  output        jsonb,
  error         jsonb,
  child_run_id  uuid,
  started_at    timestamptz,
  finished_at   timestamptz,
  UNIQUE (task_run_id, index)
);

CREATE TABLE schedules (
  id            uuid PRIMARY KEY,
  org_id        uuid NOT NULL,
  workflow_id   uuid NOT NULL,
  cron          text NOT NULL,
  timezone      text NOT NULL DEFAULT 'UTC',
  input         jsonb NOT NULL DEFAULT '{}'::jsonb,
  enabled       boolean NOT NULL DEFAULT true,
  catch_up      text NOT NULL DEFAULT 'skip' CHECK (catch_up IN ('skip', 'all')),
  next_fire_at  timestamptz,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (org_id, workflow_id) REFERENCES workflows (org_id, id)
);
CREATE INDEX schedules_due ON schedules (next_fire_at) WHERE enabled;

-- Append-only: a trigger rejects UPDATE and DELETE whatever the role.
CREATE TABLE audit_log (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  org_id       uuid NOT NULL,
  at           timestamptz NOT NULL DEFAULT now(),
  actor_type   text NOT NULL,
  actor_id     text NOT NULL,
  action       text NOT NULL,
  target_type  text NOT NULL,
  target_id    text,
  source       text,
  diff         jsonb
);
CREATE INDEX audit_log_by_org ON audit_log (org_id, id DESC);

CREATE FUNCTION audit_log_reject_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only' USING ERRCODE = '42501';
END
$$;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_reject_change();

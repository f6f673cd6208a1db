-- 0002: reliability. Run attempts (rerun from failure on the same run), the failed attempts of
-- every task, the lease index the heartbeat uses, and the schedule fire ledger that makes a
-- schedule start exactly one run per fire time however many timer instances race.

-- A rerun (POST /api/runs/{id}/retry) is a new attempt of the same run: the counter goes up,
-- tasks that succeeded keep their outputs.
ALTER TABLE workflow_runs ADD COLUMN attempt integer NOT NULL DEFAULT 1;

-- Every failed attempt of a task, oldest first: {attempt, error, startedAt, finishedAt}.
-- Appended in the same UPDATE that records the failure, so recording costs no extra round trip.
ALTER TABLE task_runs ADD COLUMN attempt_log jsonb NOT NULL DEFAULT '[]'::jsonb;

-- The heartbeat extends the leases a worker holds, and the sweep looks for expired ones.
CREATE INDEX workflow_runs_leases ON workflow_runs (lease_expires_at) WHERE status = 'RUNNING';

-- Cancellation and rerun walk a run's chunks by task.
CREATE INDEX chunk_runs_by_run ON chunk_runs (run_id);

ALTER TABLE schedules ADD COLUMN last_fire_at timestamptz;
ALTER TABLE schedules ADD COLUMN created_by text NOT NULL DEFAULT 'system';

-- One row per (schedule, fire time): the unique key is what makes a fire happen once.
CREATE TABLE schedule_fires (
  schedule_id  uuid NOT NULL REFERENCES schedules (id) ON DELETE CASCADE,
  fire_time    timestamptz NOT NULL,
  org_id       uuid NOT NULL,
  run_id       uuid REFERENCES workflow_runs (id),
  -- Why no run started for this fire (workflow input no longer valid, workflow paused…).
  error        jsonb,
  fired_at     timestamptz NOT NULL DEFAULT clock_timestamp(),
  PRIMARY KEY (schedule_id, fire_time)
);
CREATE INDEX schedules_by_workflow ON schedules (org_id, workflow_id, created_at);

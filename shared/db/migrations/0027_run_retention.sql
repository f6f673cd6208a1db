-- 0027: run retention (issue #18). An organisation may keep finished runs for `runRetentionDays`
-- (org_settings); the `purgeRuns` timer deletes older ones in bounded batches
-- (shared/engine/retention.ts, shared/store/retention.ts).
--
-- The purge picks old finished top-level runs of one organisation, oldest first: a partial index
-- holds exactly those, so the pick reads at most a batch of index entries however many runs are live.
CREATE INDEX workflow_runs_purgeable ON workflow_runs (org_id, finished_at, id)
  WHERE status IN ('SUCCEEDED', 'FAILED', 'CANCELLED') AND parent_run_id IS NULL;

-- Deleting a batch looks rows up by run (the tables below had no index on it), and PostgreSQL
-- checks each foreign key that points at a deleted row through an index on the referring column:
-- without these, every deleted wait or run scans run_signals or schedule_fires. (task_model_usage,
-- run_attempts, task_runs, chunk_runs and run_waits lead an index with their run or task already.)
CREATE INDEX run_signals_by_run ON run_signals (run_id);
CREATE INDEX run_signals_taken_by ON run_signals (taken_by) WHERE taken_by IS NOT NULL;
CREATE INDEX schedule_fires_by_run ON schedule_fires (run_id) WHERE run_id IS NOT NULL;

-- One purge per organisation at a time across instances: a lease row, taken with a conditional
-- upsert and renewed by every batch (a purger that stops loses it after `lease_until`). It also
-- keeps the running totals the purge reports.
CREATE TABLE retention_purges (
  org_id          uuid PRIMARY KEY REFERENCES organisations (id),
  holder          text,
  lease_until     timestamptz,
  last_started_at timestamptz,
  last_ended_at   timestamptz,
  runs_deleted    bigint NOT NULL DEFAULT 0,
  tasks_deleted   bigint NOT NULL DEFAULT 0,
  chunks_deleted  bigint NOT NULL DEFAULT 0
);

-- 0008: fewer indexes to maintain on every run transition (benchmarks, docs/benchmarks.md).
--
-- A run's claim (PENDING -> RUNNING) and end change `status`, so PostgreSQL writes a new entry
-- into every index of workflow_runs whose columns or predicate mention it. Three indexes did:
-- `workflow_runs_by_status` (org_id, status, ...), `workflow_runs_unfinished` (partial on status)
-- and `workflow_runs_leases` (lease_expires_at, partial on status), and the last also made every
-- lease heartbeat a non-HOT update. One index led by status serves all of their queries: the run
-- list filtered by status (status = $ AND org_id = $ ORDER BY created_at DESC, id DESC), the
-- recovery sweep (RUNNING with an expired lease; PENDING older than a threshold: the index is
-- read for the one status, and only runs in flight or waiting are RUNNING or PENDING), and the
-- oldest pending run of an organisation.
DROP INDEX workflow_runs_unfinished;
DROP INDEX workflow_runs_leases;
DROP INDEX workflow_runs_by_status;
CREATE INDEX workflow_runs_by_status ON workflow_runs (status, org_id, created_at DESC, id DESC);

-- Free space on each page lets updates that change no indexed column (task starts and ends, lease
-- heartbeats) stay on the same page as heap-only tuples, with no index writes at all.
ALTER TABLE workflow_runs SET (fillfactor = 85);
ALTER TABLE task_runs SET (fillfactor = 80);
ALTER TABLE chunk_runs SET (fillfactor = 80);

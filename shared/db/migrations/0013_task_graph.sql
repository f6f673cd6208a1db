-- 0013: the workflow language (issue #15): tasks may be SKIPPED, and a run may be started by the
-- failure of another (a workflow's `onFailure`).
--
-- SKIPPED is a task state (shared/store/task-transitions.ts holds the state machine); runs and
-- chunks never take it. `on_failure_of` links an alert run to the run whose failure started it;
-- nullable without a default, so adding it rewrites no row.
ALTER TABLE task_runs DROP CONSTRAINT task_runs_status_check;
ALTER TABLE task_runs ADD CONSTRAINT task_runs_status_check
  CHECK (status IN ('PENDING', 'RUNNING', 'SUCCEEDED', 'FAILED', 'SKIPPED', 'CANCELLED'));
ALTER TABLE workflow_runs ADD COLUMN on_failure_of uuid;

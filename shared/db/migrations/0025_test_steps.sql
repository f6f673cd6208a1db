-- 0025: testing one step from the editor (issue #20). A test run is an ordinary run row with
-- trigger 'test' whose `test_step` holds what the worker executes instead of the version's
-- definition: a one-task definition, the steps its input mapping may read, and optionally the
-- operation input as given (then the mapping is skipped). Pins are per-task test inputs kept with
-- the draft they were made for.
ALTER TABLE workflow_runs DROP CONSTRAINT workflow_runs_trigger_check;
ALTER TABLE workflow_runs ADD CONSTRAINT workflow_runs_trigger_check
  CHECK (trigger IN ('http', 'schedule', 'workflow', 'chunk', 'event', 'test'));
ALTER TABLE workflow_runs ADD COLUMN test_step jsonb;
ALTER TABLE workflow_runs ADD CONSTRAINT workflow_runs_test_step_only_on_test
  CHECK ((trigger = 'test') = (test_step IS NOT NULL));

ALTER TABLE workflow_drafts ADD COLUMN pins jsonb NOT NULL DEFAULT '{}'::jsonb;

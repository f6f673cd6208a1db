-- 0022: archived workflows (issue #18). An archived workflow keeps its versions and runs, starts
-- no new run (the pre-flight insert checks archived_at in its statement), and is left out of
-- lists unless asked for; restoring clears it.
ALTER TABLE workflows ADD COLUMN archived_at timestamptz;
ALTER TABLE workflows ADD COLUMN archived_by text;

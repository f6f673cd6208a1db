-- 0011: what a new user reads back (issue #25): a workflow definition in the author's key order,
-- and the start of a rerun run's current attempt next to its first.

-- jsonb stores object keys sorted (shorter keys first), so a definition read back from
-- `definition` lists its keys, and its input schema's `properties` (the order of the fields in the
-- Run form), in an order the author never wrote. `json` keeps the text as written. The API shows
-- this column; the engine keeps reading `definition`. Versions saved before this migration have
-- none and are shown from `definition`.
ALTER TABLE workflow_versions ADD COLUMN definition_as_written json;

-- A rerun sets `started_at` afresh when its attempt is claimed, after moving the first attempt's
-- start here (null while a run has had one attempt): the API shows the total from this column and
-- the current attempt's duration from `started_at`.
ALTER TABLE workflow_runs ADD COLUMN first_started_at timestamptz;

-- A schedule fire is claimed in one transaction and its run started after that commit; a tick
-- starts the fires an instance claimed but never recorded (it stopped in between). This index
-- holds only those, so finding them never scans the ledger, which gains a row per fire.
CREATE INDEX schedule_fires_unfinished ON schedule_fires (fired_at) WHERE run_id IS NULL AND error IS NULL;

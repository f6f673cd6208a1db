-- 0026: `holdSlotWhileWaiting` (issue #16). A WAITING run of a workflow that asks for it keeps its
-- concurrency slot in the queue's slot set (holder: the run id, leased until WAIT_MAX_MS plus a day
-- rather than a worker's lease, since no worker renews it while the run waits). `held_slot` is the
-- durable record of that slot, { key, limit }, written by the park: a cancel releases it at once,
-- and the recovery sweep releases and clears it for every run that ended (so a cancel whose
-- release failed, or a run that ended on another path, never keeps a slot to the lease's end).
-- A resumed run takes the same slot again as its own holder (re-entrant), so it is never held twice.
ALTER TABLE workflow_runs ADD COLUMN held_slot jsonb;
CREATE INDEX workflow_runs_held_slot ON workflow_runs (id) WHERE held_slot IS NOT NULL;

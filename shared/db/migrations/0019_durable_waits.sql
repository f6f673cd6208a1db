-- 0019: durable waits (issue #16). A run parked on a `wait` or `approval` task is WAITING: no
-- worker, lease or concurrency slot holds it; rows do. One row per wait of a task run and run
-- attempt (a rerun waits again); its `status` leaves 'waiting' exactly once, by one conditional
-- UPDATE (shared/store/waits.ts), whichever of signal, event, timer, decision or cancel comes first.
ALTER TABLE workflow_runs DROP CONSTRAINT workflow_runs_status_check;
ALTER TABLE workflow_runs ADD CONSTRAINT workflow_runs_status_check
  CHECK (status IN ('PENDING', 'RUNNING', 'WAITING', 'SUCCEEDED', 'FAILED', 'CANCELLED'));
ALTER TABLE task_runs DROP CONSTRAINT task_runs_status_check;
ALTER TABLE task_runs ADD CONSTRAINT task_runs_status_check
  CHECK (status IN ('PENDING', 'RUNNING', 'WAITING', 'SUCCEEDED', 'FAILED', 'SKIPPED', 'CANCELLED'));
ALTER TABLE task_runs DROP CONSTRAINT task_runs_type_check;
ALTER TABLE task_runs ADD CONSTRAINT task_runs_type_check
  CHECK (type IN ('atomic', 'workflow', 'chunked', 'wait', 'approval'));

CREATE TABLE run_waits (
  id           uuid PRIMARY KEY,
  org_id       uuid NOT NULL,
  run_id       uuid NOT NULL REFERENCES workflow_runs (id),
  task_run_id  uuid NOT NULL REFERENCES task_runs (id),
  run_attempt  integer NOT NULL,
  task_key     text NOT NULL,
  kind         text NOT NULL CHECK (kind IN ('signal', 'event', 'time', 'approval')),
  signal_name  text,
  event_name   text,
  event_key    text,
  -- When the timer acts: a time wait resumes then, any other wait times out then (NULL: never).
  due_at       timestamptz,
  status       text NOT NULL CHECK (status IN ('waiting', 'resumed', 'timed_out', 'rejected', 'cancelled')),
  -- The task's output once resumed (payload, { resumedAt }, or the approval's decisions).
  result       jsonb,
  -- An approval: { title, details, approvers, required, allowRequester, requester }.
  approval     jsonb,
  decisions    jsonb NOT NULL DEFAULT '[]'::jsonb,
  created_at   timestamptz NOT NULL DEFAULT clock_timestamp(),
  resolved_at  timestamptz,
  UNIQUE (task_run_id, run_attempt)
);
-- Events resume by (org, name, key): an index lookup, never a scan of the waiting runs.
CREATE INDEX run_waits_by_event ON run_waits (org_id, event_name, event_key) WHERE status = 'waiting' AND kind = 'event';
CREATE INDEX run_waits_by_run ON run_waits (run_id);
-- The timer takes the due waits oldest first.
CREATE INDEX run_waits_due ON run_waits (due_at) WHERE status = 'waiting' AND due_at IS NOT NULL;
CREATE INDEX run_waits_pending ON run_waits (org_id, kind, created_at) WHERE status = 'waiting';

-- Signals sent before a wait takes them; each is taken by the first matching wait of its run.
-- An Idempotency-Key makes a resend a no-op.
CREATE TABLE run_signals (
  id               uuid PRIMARY KEY,
  org_id           uuid NOT NULL,
  run_id           uuid NOT NULL REFERENCES workflow_runs (id),
  name             text NOT NULL,
  payload          jsonb,
  idempotency_key  text,
  taken_by         uuid REFERENCES run_waits (id),
  sent_by          text NOT NULL,
  created_at       timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE UNIQUE INDEX run_signals_idempotency ON run_signals (run_id, idempotency_key) WHERE idempotency_key IS NOT NULL;
CREATE INDEX run_signals_kept ON run_signals (run_id, name, created_at) WHERE taken_by IS NULL;

-- One decision per person per approval wait: the unique key makes a second decision a 409.
CREATE TABLE approval_decisions (
  wait_id     uuid NOT NULL REFERENCES run_waits (id),
  org_id      uuid NOT NULL,
  actor_id    text NOT NULL,
  decision    text NOT NULL CHECK (decision IN ('approve', 'reject')),
  comment     text,
  decided_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
  PRIMARY KEY (wait_id, actor_id)
);

-- The unfinished-runs index also serves the recovery sweep, which never looks at WAITING runs.
CREATE INDEX workflow_runs_waiting ON workflow_runs (org_id, created_at) WHERE status = 'WAITING';

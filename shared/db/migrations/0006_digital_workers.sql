-- 0006: digital workers. A worker is a named automation role in a project: it owns workflows
-- (and through them their schedules), has an owner and a description, and is active or paused.
-- Pausing refuses triggers of its workflows and stops its schedules.

CREATE TABLE workers (
  id           uuid PRIMARY KEY,
  org_id       uuid NOT NULL REFERENCES organisations (id),
  project_id   uuid NOT NULL,
  name         text NOT NULL,
  owner        text NOT NULL,
  description  text,
  status       text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'paused')),
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (org_id, project_id) REFERENCES projects (org_id, id),
  UNIQUE (org_id, project_id, name),
  UNIQUE (org_id, id)
);

-- A workflow belongs to at most one worker; NULL means no worker (always triggerable).
-- MATCH SIMPLE: a NULL worker_id skips the check, so existing workflows stay valid.
ALTER TABLE workflows ADD COLUMN worker_id uuid;
ALTER TABLE workflows ADD CONSTRAINT workflows_worker_fk FOREIGN KEY (org_id, worker_id) REFERENCES workers (org_id, id);
CREATE INDEX workflows_by_worker ON workflows (org_id, worker_id) WHERE worker_id IS NOT NULL;

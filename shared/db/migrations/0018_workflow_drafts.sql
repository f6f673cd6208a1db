-- 0018: workflow drafts (issue #18). A draft is checked like a save but is no version: runs,
-- schedules and child workflows keep starting the latest (published) version until the draft is
-- published. One draft per workflow; publishing turns it into the next version and removes it.
CREATE TABLE workflow_drafts (
  workflow_id            uuid PRIMARY KEY REFERENCES workflows (id) ON DELETE CASCADE,
  org_id                 uuid NOT NULL,
  -- The latest version when the draft was saved: publishing with `expectedVersion` compares
  -- against the latest version itself, this only tells the editor what the draft started from.
  based_on_version       integer NOT NULL,
  definition             jsonb NOT NULL,
  -- The definition in the author's key order (as workflow_versions.definition_as_written).
  definition_as_written  json NOT NULL,
  updated_at             timestamptz NOT NULL DEFAULT now(),
  updated_by             text NOT NULL
);

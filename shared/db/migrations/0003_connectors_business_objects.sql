-- 0003: connectors (settings in clear, secrets sealed with envelope encryption), business object
-- types (a JSON Schema and a key field) and their records. All org-scoped and project-scoped.

CREATE TABLE connectors (
  id               uuid PRIMARY KEY,
  org_id           uuid NOT NULL,
  project_id       uuid NOT NULL,
  name             text NOT NULL,
  system_type      text,
  connection_type  text,
  settings         jsonb NOT NULL DEFAULT '{}'::jsonb,
  -- AES-256-GCM envelope (see shared/connectors/secret-box.ts); never returned by the API.
  sealed_secrets   jsonb,
  -- The names of the secrets that are set, so the studio can show "password: set" without the value.
  secret_names     text[] NOT NULL DEFAULT '{}',
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (org_id, project_id) REFERENCES projects (org_id, id),
  UNIQUE (org_id, project_id, name),
  CHECK (system_type IS NOT NULL OR connection_type IS NOT NULL OR settings <> '{}'::jsonb)
);
CREATE INDEX connectors_by_org ON connectors (org_id, project_id, name);

CREATE TABLE business_object_types (
  id          uuid PRIMARY KEY,
  org_id      uuid NOT NULL,
  project_id  uuid NOT NULL,
  name        text NOT NULL,
  description text,
  schema      jsonb NOT NULL,
  key_field   text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (org_id, project_id) REFERENCES projects (org_id, id),
  UNIQUE (org_id, project_id, name),
  UNIQUE (org_id, id)
);

CREATE TABLE business_objects (
  org_id      uuid NOT NULL,
  type_id     uuid NOT NULL,
  -- Byte order ("C"): keyset paging compares keys the same way on every server locale.
  key         text COLLATE "C" NOT NULL,
  data        jsonb NOT NULL,
  version     integer NOT NULL DEFAULT 1,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (org_id, type_id, key),
  FOREIGN KEY (org_id, type_id) REFERENCES business_object_types (org_id, id) ON DELETE CASCADE
);
-- Equality filters are jsonb containment (`data @> $1`), served by this index.
CREATE INDEX business_objects_data ON business_objects USING gin (data jsonb_path_ops);

-- 0004: identity and tenancy. Organisations map to Entra tenants; members are known by tenant id
-- + object id (never by e-mail); Entra groups map to roles per organisation; API keys are stored
-- only as SHA-256 hashes; per-organisation settings. The audit log gets a second and third wall:
-- no UPDATE/DELETE grant for the application role, and row-level security with no policy that
-- allows either.

CREATE TABLE org_tenants (
  tenant_id   uuid PRIMARY KEY,
  org_id      uuid NOT NULL REFERENCES organisations (id),
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX org_tenants_by_org ON org_tenants (org_id);

CREATE TABLE members (
  org_id          uuid NOT NULL REFERENCES organisations (id),
  tenant_id       uuid NOT NULL,
  object_id       uuid NOT NULL,
  -- Shown in /hq only; never used to identify anyone (names and e-mails change and are reused).
  display_name    text,
  username        text,
  -- A role granted to this person directly, on top of what their groups and app roles give.
  role            text CHECK (role IN ('viewer', 'operator', 'editor', 'admin', 'owner')),
  -- The role their last sign-in resolved to (for the members list).
  effective_role  text CHECK (effective_role IN ('viewer', 'operator', 'editor', 'admin', 'owner')),
  first_seen_at   timestamptz NOT NULL DEFAULT now(),
  last_seen_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (org_id, tenant_id, object_id)
);

CREATE TABLE role_mappings (
  org_id       uuid NOT NULL REFERENCES organisations (id),
  group_id     uuid NOT NULL,
  role         text NOT NULL CHECK (role IN ('viewer', 'operator', 'editor', 'admin', 'owner')),
  description  text,
  created_by   text NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (org_id, group_id)
);

CREATE TABLE api_keys (
  id            uuid PRIMARY KEY,
  org_id        uuid NOT NULL REFERENCES organisations (id),
  name          text NOT NULL,
  -- The first characters of the key, to recognise it in lists; the rest exists only as a hash.
  prefix        text NOT NULL,
  key_hash      bytea NOT NULL UNIQUE,
  role          text NOT NULL CHECK (role IN ('viewer', 'operator', 'editor', 'admin')),
  -- NULL: every workflow of the organisation.
  workflow_ids  uuid[],
  created_by    text NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  expires_at    timestamptz,
  revoked_at    timestamptz,
  revoked_by    text,
  last_used_at  timestamptz,
  UNIQUE (org_id, name)
);
CREATE INDEX api_keys_by_org ON api_keys (org_id, created_at DESC, id DESC);

CREATE TABLE org_settings (
  org_id      uuid PRIMARY KEY REFERENCES organisations (id),
  settings    jsonb NOT NULL DEFAULT '{}'::jsonb,
  updated_by  text,
  updated_at  timestamptz NOT NULL DEFAULT now()
);

-- Audit filters: by target and by actor, newest first (keyset on id).
CREATE INDEX audit_log_by_target ON audit_log (org_id, target_type, target_id, id DESC);
CREATE INDEX audit_log_by_actor ON audit_log (org_id, actor_id, id DESC);

-- Row-level security on the audit log: reading and appending are allowed, nothing else. FORCE
-- makes the table owner subject to it too (superusers still bypass RLS; the trigger of 0001
-- stops them).
ALTER TABLE audit_log ENABLE ROW LEVEL SECURITY;
ALTER TABLE audit_log FORCE ROW LEVEL SECURITY;
CREATE POLICY audit_log_read ON audit_log FOR SELECT USING (true);
CREATE POLICY audit_log_append ON audit_log FOR INSERT WITH CHECK (true);

-- The application role: a NOLOGIN group that deployments grant to the login the app connects
-- with. It may read and write every table of this schema, and only read and append the audit log.
-- Roles are cluster-wide, so creating it tolerates a concurrent creator and a server where the
-- migrating user may not create roles (then the deployment creates it; docs/security.md).
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'demiton_app') THEN
    BEGIN
      CREATE ROLE demiton_app NOLOGIN;
    EXCEPTION
      WHEN duplicate_object OR unique_violation THEN NULL;
      WHEN insufficient_privilege THEN RAISE NOTICE 'cannot create role demiton_app here; grants skipped';
    END;
  END IF;
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'demiton_app') THEN
    EXECUTE format('GRANT USAGE ON SCHEMA %I TO demiton_app', current_schema());
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA %I TO demiton_app', current_schema());
    EXECUTE format('GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA %I TO demiton_app', current_schema());
    -- Tables later migrations create get the same grants.
    EXECUTE format('ALTER DEFAULT PRIVILEGES IN SCHEMA %I GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO demiton_app', current_schema());
    EXECUTE format('ALTER DEFAULT PRIVILEGES IN SCHEMA %I GRANT USAGE, SELECT ON SEQUENCES TO demiton_app', current_schema());
    REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM demiton_app;
    REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON demiton_migrations FROM demiton_app;
  END IF;
END
$$;

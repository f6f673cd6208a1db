-- 0014: triggers from outside. A workflow's triggers: webhooks (a public URL verified by a signature,
-- a shared token or Entra sign-in) and Service Bus queues or subscriptions the worker receives from.
-- The id of a trigger is its public address (POST /api/hooks/{id}): 144 random bits, base64url.

CREATE TABLE workflow_triggers (
  id                    text PRIMARY KEY CHECK (id ~ '^trg_[A-Za-z0-9_-]{24,64}$'),
  org_id                uuid NOT NULL,
  workflow_id           uuid NOT NULL,
  type                  text NOT NULL CHECK (type IN ('webhook', 'service-bus')),
  name                  text NOT NULL,
  enabled               boolean NOT NULL DEFAULT true,
  -- Everything but secrets, as the API shows it (shared/domain/triggers-api.ts).
  config                jsonb NOT NULL,
  -- AES-256-GCM envelope (shared/connectors/secret-box.ts) of { current, previous }; never returned by the API.
  sealed_secrets        jsonb,
  -- Until when the previous secret is still accepted after a rotation (NULL: no previous secret).
  previous_valid_until  timestamptz,
  failed_verifications  bigint NOT NULL DEFAULT 0,
  last_failed_at        timestamptz,
  created_by            text NOT NULL,
  created_at            timestamptz NOT NULL DEFAULT now(),
  updated_at            timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (org_id, workflow_id) REFERENCES workflows (org_id, id),
  UNIQUE (org_id, workflow_id, name)
);
CREATE INDEX workflow_triggers_by_workflow ON workflow_triggers (org_id, workflow_id, created_at);
-- The worker lists the Service Bus triggers every few seconds to start and stop receivers.
CREATE INDEX workflow_triggers_service_bus ON workflow_triggers (type) WHERE type = 'service-bus';

-- What each delivery to a trigger came to: a run started, a duplicate, filtered out, refused, failed.
-- Never the body or a secret. Kept 7 days (pruned by the control plane as it records deliveries).
CREATE TABLE trigger_deliveries (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  trigger_id    text NOT NULL REFERENCES workflow_triggers (id) ON DELETE CASCADE,
  org_id        uuid NOT NULL,
  received_at   timestamptz NOT NULL DEFAULT clock_timestamp(),
  outcome       text NOT NULL CHECK (outcome IN ('started', 'duplicate', 'filtered', 'handshake', 'refused', 'failed')),
  status_code   integer NOT NULL,
  delivery_id   text,
  run_id        uuid,
  reason        text
);
CREATE INDEX trigger_deliveries_recent ON trigger_deliveries (trigger_id, received_at DESC, id DESC);
CREATE INDEX trigger_deliveries_age ON trigger_deliveries (received_at);

-- One receiver per Service Bus trigger across all worker instances: the holder renews its lease;
-- another instance takes the trigger over once the lease has expired.
CREATE TABLE trigger_leases (
  trigger_id  text PRIMARY KEY REFERENCES workflow_triggers (id) ON DELETE CASCADE,
  holder      text NOT NULL,
  expires_at  timestamptz NOT NULL
);

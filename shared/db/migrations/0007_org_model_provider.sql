-- 0007: per-organisation model provider settings for the studio assistant. No row (or provider
-- 'platform-default') means the deployment's LLM_* / AZURE_OPENAI_* configuration. The API key is
-- sealed with the connector secret box (AES-256-GCM envelope, bound to the organisation) and is
-- never returned; `key_audience` records the provider and origin the key was entered for, so a
-- changed endpoint cannot silently receive a stored key.

CREATE TABLE org_model_providers (
  org_id             uuid PRIMARY KEY REFERENCES organisations (id),
  provider           text NOT NULL CHECK (provider IN ('platform-default', 'none', 'azure-openai', 'anthropic', 'openai-compatible')),
  -- azure-openai: endpoint; anthropic (optional) and openai-compatible: base URL.
  base_url           text,
  -- anthropic and openai-compatible: the model name.
  model              text,
  -- azure-openai: the deployment and API version.
  deployment         text,
  api_version        text,
  -- NULL: the deployment's LLM_MAX_OUTPUT_TOKENS.
  max_output_tokens  integer CHECK (max_output_tokens BETWEEN 16 AND 32768),
  sealed_api_key     jsonb,
  key_audience       text,
  updated_by         text NOT NULL,
  updated_at         timestamptz NOT NULL DEFAULT now(),
  CHECK ((sealed_api_key IS NULL) = (key_audience IS NULL)),
  CHECK (provider NOT IN ('platform-default', 'none') OR (base_url IS NULL AND model IS NULL AND deployment IS NULL AND api_version IS NULL AND max_output_tokens IS NULL AND sealed_api_key IS NULL)),
  CHECK (provider <> 'azure-openai' OR (base_url IS NOT NULL AND deployment IS NOT NULL AND api_version IS NOT NULL)),
  CHECK (provider <> 'anthropic' OR model IS NOT NULL),
  CHECK (provider <> 'openai-compatible' OR (base_url IS NOT NULL AND model IS NOT NULL))
);

/** The organisation's model provider settings (table `org_model_providers`, migration 0007). */
import type { SealedSecrets } from './secret-box';
import type { Queryable } from '../db/db';

export type StoredProviderKind = 'platform-default' | 'none' | 'azure-openai' | 'anthropic' | 'openai-compatible';

export interface ModelProviderRow {
  provider: StoredProviderKind;
  baseUrl: string | null;
  model: string | null;
  deployment: string | null;
  apiVersion: string | null;
  maxOutputTokens: number | null;
  sealedApiKey: SealedSecrets | null;
  /** `provider origin` the sealed key was entered for. */
  keyAudience: string | null;
  updatedBy: string;
  updatedAt: Date;
  /** `updated_at` at full (microsecond) precision: what caches compare. */
  stamp: string;
}

const COLUMNS = `provider, base_url AS "baseUrl", model, deployment, api_version AS "apiVersion", max_output_tokens AS "maxOutputTokens",
  sealed_api_key AS "sealedApiKey", key_audience AS "keyAudience", updated_by AS "updatedBy", updated_at AS "updatedAt", updated_at::text AS stamp`;

/** The stored settings; null when the organisation never chose (the deployment default applies). */
export async function getModelProvider(q: Queryable, orgId: string, opts: { forUpdate?: boolean } = {}): Promise<ModelProviderRow | null> {
  const { rows } = await q.query<ModelProviderRow>(
    `SELECT ${COLUMNS} FROM org_model_providers WHERE org_id = $1::uuid${opts.forUpdate ? ' FOR UPDATE' : ''}`,
    [orgId],
  );
  return rows[0] ?? null;
}

/** Replaces the settings; returns the stored row (with the new `updated_at`). */
export async function putModelProvider(
  q: Queryable,
  orgId: string,
  s: Omit<ModelProviderRow, 'updatedAt' | 'stamp'>,
): Promise<ModelProviderRow> {
  const { rows } = await q.query<ModelProviderRow>(
    `INSERT INTO org_model_providers (org_id, provider, base_url, model, deployment, api_version, max_output_tokens, sealed_api_key, key_audience, updated_by, updated_at)
     VALUES ($1::uuid, $2::text, $3::text, $4::text, $5::text, $6::text, $7::int, $8::jsonb, $9::text, $10::text, clock_timestamp())
     ON CONFLICT (org_id) DO UPDATE SET provider = EXCLUDED.provider, base_url = EXCLUDED.base_url, model = EXCLUDED.model,
       deployment = EXCLUDED.deployment, api_version = EXCLUDED.api_version, max_output_tokens = EXCLUDED.max_output_tokens,
       sealed_api_key = EXCLUDED.sealed_api_key, key_audience = EXCLUDED.key_audience, updated_by = EXCLUDED.updated_by,
       -- Strictly increasing even within one transaction's clock tick: caches compare it.
       updated_at = greatest(clock_timestamp(), org_model_providers.updated_at + interval '1 microsecond')
     RETURNING ${COLUMNS}`,
    [
      orgId,
      s.provider,
      s.baseUrl,
      s.model,
      s.deployment,
      s.apiVersion,
      s.maxOutputTokens,
      s.sealedApiKey === null ? null : JSON.stringify(s.sealedApiKey),
      s.keyAudience,
      s.updatedBy,
    ],
  );
  return rows[0]!;
}

/**
 * /hq model provider: which language model the studio assistant uses for the organisation —
 * the deployment's default, none, or its own Azure OpenAI / Anthropic / OpenAI-compatible
 * endpoint. The API key is write-only (sealed with the secret box, reported only as `apiKeySet`)
 * and stays bound to the provider and origin it was entered for. Base URLs must be http(s) and
 * their host must pass the outbound network policy, as connector hosts do. Every change is
 * audited with a before/after diff that says only whether the key changed.
 */
import { isDeepStrictEqual } from 'node:util';
import type { z } from 'zod';
import { keyAudience, sealModelKey } from '../ai/llm/model-provider-key';
import type { Principal } from '../domain/principal';
import { OutboundBlockedError } from '../adapters/network-policy';
import { ValidationError, type FieldIssue } from '../domain/errors';
import { formatPath } from '../domain/zod-issues';
import type { Platform } from '../platform';
import { appendAudit } from '../store/audit';
import { getModelProvider as readRow, putModelProvider as writeRow, type ModelProviderRow } from '../store/model-providers';
import { PutModelProviderBody, type ModelProviderView, type PlatformModelDefault } from './model-provider-api';

/** What this module uses of the platform (not the whole of it). */
export type ModelProviderDeps = Pick<Platform, 'config' | 'db' | 'network' | 'secretBox'>;

type View = z.infer<typeof ModelProviderView>;
type Body = z.infer<typeof PutModelProviderBody>;

function hostOf(url: string | undefined): string | null {
  if (!url) return null;
  try {
    return new URL(url).host;
  } catch {
    return null;
  }
}

/** What the deployment configures, without its key. */
export function platformDefault(p: ModelProviderDeps): z.infer<typeof PlatformModelDefault> {
  const llm = p.config.ai.llm;
  const maxOutputTokens = p.config.ai.maxOutputTokens;
  switch (llm.kind) {
    case 'none':
      return { provider: 'none', model: null, baseUrlHost: null, maxOutputTokens };
    case 'azure-openai':
      return { provider: llm.kind, model: llm.deployment, baseUrlHost: hostOf(llm.endpoint), maxOutputTokens };
    case 'openai-compatible':
      return { provider: llm.kind, model: llm.model, baseUrlHost: hostOf(llm.baseUrl), maxOutputTokens };
    case 'anthropic':
      return { provider: llm.kind, model: llm.model, baseUrlHost: hostOf(llm.baseUrl), maxOutputTokens };
  }
}

function toView(p: ModelProviderDeps, row: ModelProviderRow | null): View {
  const azure = row?.provider === 'azure-openai';
  return {
    provider: row?.provider ?? 'platform-default',
    endpoint: azure ? row.baseUrl : null,
    deployment: row?.deployment ?? null,
    apiVersion: row?.apiVersion ?? null,
    baseUrl: azure ? null : (row?.baseUrl ?? null),
    model: row?.model ?? null,
    maxOutputTokens: row?.maxOutputTokens ?? null,
    apiKeySet: !!row?.sealedApiKey,
    platformDefault: platformDefault(p),
    updatedBy: row?.updatedBy ?? null,
    updatedAt: row?.updatedAt.toISOString() ?? null,
  };
}

/** The organisation's model provider settings (never the key). */
export async function getModelProvider(p: ModelProviderDeps, who: Principal): Promise<View> {
  return toView(p, await readRow(p.db, who.orgId));
}

const invalid = (issues: FieldIssue[]) => new ValidationError('The model provider settings are invalid.', issues, 'invalid_model_provider');

/** Parses the body; every problem is a `invalid_model_provider` issue naming its field. */
export function parseModelProviderBody(raw: unknown): Body {
  const r = PutModelProviderBody.safeParse(raw);
  if (!r.success) throw invalid(r.error.issues.map((i) => ({ path: formatPath(i.path) || '(body)', message: i.message })));
  return r.data;
}

/** The URL the provider is called at, and the field it came from. */
function urlOf(b: Body): { path: 'endpoint' | 'baseUrl'; url: string | null } | null {
  if (b.provider === 'azure-openai') return { path: 'endpoint', url: b.endpoint };
  if (b.provider === 'anthropic') return { path: 'baseUrl', url: b.baseUrl ?? null };
  if (b.provider === 'openai-compatible') return { path: 'baseUrl', url: b.baseUrl };
  return null;
}

/** Checks the host against the outbound policy now; it is checked again on every connection. */
async function checkHost(p: ModelProviderDeps, path: string, url: string): Promise<void> {
  try {
    await p.network.resolve(new URL(url).hostname);
  } catch (err) {
    // A name that does not resolve yet may later (as for connectors); a denied address is refused now.
    if (err instanceof OutboundBlockedError) throw invalid([{ path, message: err.message }]);
  }
}

/** The audit picture of a row: settings, and whether a key is stored — never the key. */
function auditView(row: Omit<ModelProviderRow, 'updatedAt' | 'stamp' | 'updatedBy'> | null, keyChanged = false) {
  if (!row) return { provider: 'platform-default', key: 'none' };
  return {
    provider: row.provider,
    baseUrl: row.baseUrl,
    model: row.model,
    deployment: row.deployment,
    apiVersion: row.apiVersion,
    maxOutputTokens: row.maxOutputTokens,
    // `key`, not `apiKey`: the audit redactor would turn any apiKey field into "[redacted]".
    key: keyChanged ? '(changed)' : row.sealedApiKey ? 'stored' : 'none',
  };
}

/**
 * Replaces the settings. An omitted `apiKey` keeps the stored key when provider and origin are
 * unchanged; `null` removes it; a string replaces it. `platform-default` and `none` remove it.
 */
export async function putModelProvider(p: ModelProviderDeps, who: Principal, raw: unknown): Promise<View> {
  const body = parseModelProviderBody(raw);
  const target = urlOf(body);
  if (target?.url) await checkHost(p, target.path, target.url);
  const newKey = 'apiKey' in body && typeof body.apiKey === 'string' ? await sealModelKey(p.secretBox, who.orgId, body.apiKey) : null;

  const row = await p.db.tx(async (q) => {
    const before = await readRow(q, who.orgId, { forUpdate: true });
    let next: Omit<ModelProviderRow, 'updatedAt' | 'stamp'>;
    const common = {
      baseUrl: null,
      model: null,
      deployment: null,
      apiVersion: null,
      maxOutputTokens: null,
      sealedApiKey: null,
      keyAudience: null,
      updatedBy: who.actor.id,
    };
    if (body.provider === 'platform-default' || body.provider === 'none') next = { ...common, provider: body.provider };
    else {
      const audience = keyAudience(body.provider, target!.url);
      let sealed = newKey;
      if (body.apiKey === undefined && before?.sealedApiKey) {
        if (before.keyAudience !== audience) {
          throw new ValidationError(
            'The stored API key was entered for another provider or endpoint and is never sent anywhere else.',
            [
              {
                path: 'apiKey',
                message: `enter the key for ${audience.replace(' ', ' at ')} again, or send null to remove the stored key`,
              },
            ],
            'model_provider_key_required',
          );
        }
        sealed = before.sealedApiKey;
      }
      if (!sealed && body.provider !== 'openai-compatible') {
        throw new ValidationError(
          `${body.provider === 'anthropic' ? 'Anthropic' : 'An Azure OpenAI endpoint of an organisation'} needs an API key.`,
          [
            {
              path: 'apiKey',
              message:
                body.provider === 'anthropic'
                  ? 'required by the Anthropic API'
                  : "required: the platform's own identity is not lent to an endpoint an organisation chose",
            },
          ],
          'model_provider_key_required',
        );
      }
      next = {
        ...common,
        provider: body.provider,
        baseUrl: target!.url,
        model: body.provider === 'azure-openai' ? null : body.model,
        deployment: body.provider === 'azure-openai' ? body.deployment : null,
        apiVersion: body.provider === 'azure-openai' ? body.apiVersion : null,
        maxOutputTokens: body.maxOutputTokens ?? null,
        sealedApiKey: sealed,
        keyAudience: sealed ? audience : null,
      };
    }
    const keyChanged = newKey !== null;
    const unchanged = before && !keyChanged && isDeepStrictEqual(auditView(before), auditView(next));
    if (unchanged) return before; // nothing changed: no write, no audit entry, cached clients stay
    const written = await writeRow(q, who.orgId, next);
    await appendAudit(q, {
      orgId: who.orgId,
      actor: who.actor,
      source: who.source ?? null,
      action: 'model_provider.update',
      targetType: 'organisation',
      targetId: who.orgId,
      diff: { before: auditView(before), after: auditView(next, keyChanged) },
    });
    return written;
  });
  return toView(p, row);
}

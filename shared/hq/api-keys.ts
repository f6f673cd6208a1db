/** /hq API keys: create (the key is shown once), list with last use, revoke. */
import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import { generateApiKey } from '../auth/api-key-secret';
import type { Principal } from '../domain/principal';
import { ConflictError, NotFoundError, ValidationError } from '../domain/errors';
import type { Platform } from '../platform';
import { appendAudit } from '../store/audit';
import * as store from '../store/api-keys';
import type { ApiKeyCreated, ApiKeyView, CreateApiKeyBody } from './api';
import { assertKeyMayGrant, assertMayGrant, grantAction } from './guard-role';
import { effectiveSettings } from './org-settings';
import { isUniqueViolation } from '../db/db';

/** What this module uses of the platform (not the whole of it). */
export type ApiKeysDeps = Pick<Platform, 'db'>;

type View = z.infer<typeof ApiKeyView>;

function toView(k: store.ApiKeyRow, now = new Date()): View {
  return {
    id: k.id,
    name: k.name,
    prefix: k.prefix,
    role: k.role,
    workflowIds: k.workflowIds,
    status: k.revokedAt ? 'revoked' : k.expiresAt && k.expiresAt <= now ? 'expired' : 'active',
    createdBy: k.createdBy,
    createdAt: k.createdAt.toISOString(),
    expiresAt: k.expiresAt?.toISOString() ?? null,
    revokedAt: k.revokedAt?.toISOString() ?? null,
    lastUsedAt: k.lastUsedAt?.toISOString() ?? null,
  };
}

const DAY_MS = 86_400_000;

/** Creates a key; the returned `key` is the only time the secret is ever shown. */
export async function createApiKey(
  p: ApiKeysDeps,
  who: Principal,
  body: z.infer<typeof CreateApiKeyBody>,
): Promise<z.infer<typeof ApiKeyCreated>> {
  assertMayGrant(who, body.role);
  await assertKeyMayGrant(p.db, who);
  const workflowIds = body.workflowIds ? [...new Set(body.workflowIds.map((w) => w.toLowerCase()))] : null;
  const { settings } = await effectiveSettings(p.db, who.orgId);
  let expiresAt = body.expiresAt ? new Date(body.expiresAt) : null;
  if (expiresAt && expiresAt.getTime() <= Date.now()) {
    throw new ValidationError(
      'The API key is invalid.',
      [{ path: 'expiresAt', message: 'must be in the future' }],
      'invalid_api_key_request',
    );
  }
  // A key minting an admin key must bound it: a leaked key must not be able to leave a permanent admin behind.
  if (who.actor.type === 'apikey' && body.role === 'admin' && !expiresAt) {
    throw new ValidationError(
      'The API key is invalid.',
      [{ path: 'expiresAt', message: 'required when an API key creates an admin key' }],
      'invalid_api_key_request',
    );
  }
  if (settings.apiKeyMaxLifetimeDays !== null) {
    const latest = new Date(Date.now() + settings.apiKeyMaxLifetimeDays * DAY_MS);
    if (!expiresAt) expiresAt = latest;
    else if (expiresAt > latest) {
      throw new ValidationError(
        'The API key is invalid.',
        [{ path: 'expiresAt', message: `keys of this organisation expire within ${settings.apiKeyMaxLifetimeDays} days` }],
        'invalid_api_key_request',
      );
    }
  }
  if (workflowIds) {
    const found = new Set(await store.existingWorkflowIds(p.db, who.orgId, workflowIds));
    const missing = workflowIds.filter((w) => !found.has(w));
    if (missing.length) {
      throw new ValidationError(
        'The API key is invalid.',
        missing.map((w) => ({ path: `workflowIds[${workflowIds.indexOf(w)}]`, message: `no workflow ${w} in this organisation` })),
        'invalid_api_key_request',
      );
    }
  }
  const secret = generateApiKey();
  const id = randomUUID();
  try {
    const row = await p.db.tx(async (q) => {
      const r = await store.insertApiKey(q, {
        id,
        orgId: who.orgId,
        name: body.name,
        prefix: secret.prefix,
        hash: secret.hash,
        role: body.role,
        workflowIds,
        createdBy: who.actor.id,
        expiresAt,
      });
      await appendAudit(q, {
        orgId: who.orgId,
        actor: who.actor,
        source: who.source ?? null,
        action: grantAction(who, 'api_key.create'),
        targetType: 'api_key',
        targetId: id,
        diff: {
          before: null,
          after: {
            name: r.name,
            prefix: r.prefix,
            role: r.role,
            workflowIds: r.workflowIds,
            expiresAt: r.expiresAt?.toISOString() ?? null,
          },
        },
      });
      return r;
    });
    return { ...toView(row), key: secret.secret };
  } catch (err) {
    if (isUniqueViolation(err)) throw new ConflictError('api_key_name_taken', `An API key named '${body.name}' already exists.`);
    throw err;
  }
}

/** Keys of the caller's organisation (never their secrets). */
export async function listApiKeys(p: ApiKeysDeps, who: Principal): Promise<{ items: View[] }> {
  return { items: (await store.listApiKeys(p.db, who.orgId)).map((k) => toView(k)) };
}

/** Revokes a key at once: its next request is refused. */
export async function revokeApiKey(p: ApiKeysDeps, who: Principal, id: string): Promise<View> {
  return p.db.tx(async (q) => {
    const before = await store.getApiKey(q, who.orgId, id);
    if (!before) throw new NotFoundError('api key', id);
    const after = (await store.revokeApiKey(q, who.orgId, id, who.actor.id))!;
    await appendAudit(q, {
      orgId: who.orgId,
      actor: who.actor,
      source: who.source ?? null,
      action: 'api_key.revoke',
      targetType: 'api_key',
      targetId: id,
      diff: {
        before: { revokedAt: before.revokedAt?.toISOString() ?? null },
        after: { revokedAt: after.revokedAt?.toISOString() ?? null },
      },
    });
    return toView(after);
  });
}

/** The caller and the sign-in configuration the studio reads before anyone is signed in. */
import type { z } from 'zod';
import type { Principal } from '../domain/principal';
import type { Platform } from '../platform';
import type { AuthConfig, Me } from './api';
import { effectiveSettings } from './org-settings';

/** What this module uses of the platform (not the whole of it). */
export type MeDeps = Pick<Platform, 'config' | 'db'>;

/** Tenant, authority, client id and scopes for MSAL in the browser, or devMode. */
export function authConfig(p: MeDeps): z.infer<typeof AuthConfig> {
  const e = p.config.entra;
  if (!e) return { devMode: p.config.devMode, tenants: [], authority: null, knownAuthorities: [], clientId: null, scopes: [] };
  return {
    devMode: false,
    tenants: [...e.tenants],
    authority: `${e.authorityHost}/${e.tenants[0]}`,
    knownAuthorities: [new URL(e.authorityHost).host],
    clientId: e.spa?.clientId ?? null,
    scopes: e.spa ? [...e.spa.scopes] : [],
  };
}

/** Who the caller is: organisation, actor, role and any workflow limit. */
export async function me(p: MeDeps, who: Principal): Promise<z.infer<typeof Me>> {
  const { name } = await effectiveSettings(p.db, who.orgId);
  return {
    orgId: who.orgId,
    orgName: name,
    actor: who.actor,
    role: who.role,
    workflowScope: who.workflowScope ? [...who.workflowScope] : null,
    devMode: p.config.devMode,
  };
}

/** /hq settings: the organisation's name and settings document, with its Entra tenants (read only). */
import type { z } from 'zod';
import type { Principal } from '../domain/principal';
import { NotFoundError } from '../domain/errors';
import type { Platform } from '../platform';
import type { Queryable } from '../db/db';
import { appendAudit } from '../store/audit';
import { getOrgSettings as readSettings, putOrgSettings } from '../store/org-settings';
import { tenantsOfOrg } from '../store/org-tenants';
import { OrgSettingsDocument, type OrgSettingsView, type PutOrgSettingsBody } from './api';

/** What this module uses of the platform (not the whole of it). */
export type OrgSettingsDeps = Pick<Platform, 'db'>;

type View = z.infer<typeof OrgSettingsView>;
export type OrgSettings = z.infer<typeof OrgSettingsDocument>;

/** The stored document with defaults applied (fields unknown to this build are dropped). */
export async function effectiveSettings(
  q: Queryable,
  orgId: string,
): Promise<{ name: string; settings: OrgSettings; updatedBy: string | null; updatedAt: Date | null }> {
  const row = await readSettings(q, orgId);
  if (!row) throw new NotFoundError('organisation', orgId);
  const parsed = OrgSettingsDocument.strip().safeParse(row.settings);
  return {
    name: row.name,
    settings: parsed.success ? parsed.data : OrgSettingsDocument.parse({}),
    updatedBy: row.updatedBy,
    updatedAt: row.updatedAt,
  };
}

/** The caller's organisation settings. */
export async function getOrgSettings(p: OrgSettingsDeps, who: Principal): Promise<View> {
  const s = await effectiveSettings(p.db, who.orgId);
  return {
    name: s.name,
    ...s.settings,
    tenants: await tenantsOfOrg(p.db, who.orgId),
    updatedBy: s.updatedBy,
    updatedAt: s.updatedAt?.toISOString() ?? null,
  };
}

/** Replaces the settings (and name), recording before and after. */
export async function updateOrgSettings(p: OrgSettingsDeps, who: Principal, body: z.infer<typeof PutOrgSettingsBody>): Promise<View> {
  const { name, ...settings } = body;
  await p.db.tx(async (q) => {
    const before = await effectiveSettings(q, who.orgId);
    await putOrgSettings(q, who.orgId, name, settings, who.actor.id);
    await appendAudit(q, {
      orgId: who.orgId,
      actor: who.actor,
      source: who.source ?? null,
      action: 'org_settings.update',
      targetType: 'organisation',
      targetId: who.orgId,
      diff: { before: { name: before.name, ...before.settings }, after: { name, ...settings } },
    });
  });
  return getOrgSettings(p, who);
}

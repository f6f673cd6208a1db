/**
 * Public shapes of identity and /hq: sign-in configuration, the caller, members, group-to-role
 * mappings, API keys, organisation settings and the audit log. Declared once; handlers validate
 * with them, types and the OpenAPI document come from them.
 */
import { z } from 'zod';
import { ROLES } from '../domain/principal';
import { registerSchema } from '../http/openapi';

export const RoleSchema = z.enum(ROLES);
/** Roles an API key may have (an owner key would outrank every person). */
export const ApiKeyRole = z.enum(['viewer', 'operator', 'editor', 'admin']);

export const AuthConfig = z
  .object({
    devMode: z.boolean().describe('True when no identity provider is configured: every request is the built-in owner (loopback only).'),
    tenants: z.array(z.string()),
    authority: z.string().nullable().describe('MSAL authority for the studio: {host}/{first tenant}.'),
    knownAuthorities: z.array(z.string()),
    clientId: z.string().nullable().describe("The studio's (single-page app) client id; null when not configured."),
    scopes: z.array(z.string()).describe('Scopes the studio requests for this API.'),
  })
  .describe('What a client needs to sign in.');

export const Actor = z.object({ type: z.enum(['user', 'apikey', 'system']), id: z.string() });

export const Me = z.object({
  orgId: z.uuid(),
  orgName: z.string(),
  actor: Actor,
  role: RoleSchema,
  workflowScope: z.array(z.uuid()).nullable(),
  devMode: z.boolean(),
});

export const MemberView = z.object({
  tenantId: z.uuid(),
  objectId: z.uuid(),
  displayName: z.string().nullable(),
  username: z.string().nullable().describe('For display only; people are identified by tenantId + objectId.'),
  role: RoleSchema.nullable().describe('A role granted directly (on top of groups and app roles).'),
  effectiveRole: RoleSchema.nullable().describe('The role their last sign-in resolved to.'),
  firstSeenAt: z.iso.datetime(),
  lastSeenAt: z.iso.datetime(),
});
export const MemberList = z.object({ items: z.array(MemberView) });
export const MemberParams = z.object({ tenantId: z.uuid(), objectId: z.uuid() });
export const PutMemberRoleBody = z.strictObject({ role: RoleSchema.nullable().describe('null removes the direct grant.') });

export const RoleMappingView = z.object({
  groupId: z.uuid(),
  role: RoleSchema,
  description: z.string().nullable(),
  createdBy: z.string(),
  createdAt: z.iso.datetime(),
});
export const RoleMappingList = z.object({ items: z.array(RoleMappingView) });
export const GroupParams = z.object({ groupId: z.uuid() });
export const PutRoleMappingBody = z.strictObject({ role: RoleSchema, description: z.string().max(500).optional() });

export const ApiKeyView = z.object({
  id: z.uuid(),
  name: z.string(),
  prefix: z.string().describe('The first characters of the key, to recognise it.'),
  role: ApiKeyRole,
  workflowIds: z.array(z.uuid()).nullable().describe('null: every workflow of the organisation.'),
  status: z.enum(['active', 'revoked', 'expired']),
  createdBy: z.string(),
  createdAt: z.iso.datetime(),
  expiresAt: z.iso.datetime().nullable(),
  revokedAt: z.iso.datetime().nullable(),
  lastUsedAt: z.iso.datetime().nullable(),
});
export const ApiKeyList = z.object({ items: z.array(ApiKeyView) });
export const ApiKeyCreated = ApiKeyView.extend({ key: z.string().describe('The key itself. Shown this once; only its hash is stored.') });
export const CreateApiKeyBody = z.strictObject({
  name: z.string().trim().min(1).max(100),
  role: ApiKeyRole,
  workflowIds: z.array(z.uuid()).min(1).max(100).optional().describe('Limit the key to these workflows.'),
  expiresAt: z.iso.datetime({ offset: true }).optional(),
});

export const OrgSettingsDocument = z.strictObject({
  apiKeysEnabled: z.boolean().default(true).describe('False refuses every API key of the organisation.'),
  apiKeyMaxLifetimeDays: z.number().int().min(1).max(3650).nullable().default(null).describe('New keys must expire within this many days.'),
  apiKeysMayGrantAccess: z
    .boolean()
    .default(true)
    .describe(
      'False refuses API keys creating API keys, role mappings and member roles (403 api_key_grants_disabled); what keys do grant is audited with a `.by_api_key` action.',
    ),
  modelTokenBudgetMonthly: z
    .number()
    .int()
    .min(0)
    .max(1e12)
    .nullable()
    .default(null)
    .describe(
      'Language-model tokens (input + output) workflow tasks may spend per UTC calendar month; calls past it fail with model_budget_exceeded. Null: no limit.',
    ),
  runRetentionDays: z
    .number()
    .int()
    .min(1)
    .max(3650)
    .nullable()
    .default(null)
    .describe(
      'Finished runs (SUCCEEDED, FAILED, CANCELLED) that ended more than this many days ago are deleted with their tasks, chunks and waits by the hourly purge; audit entries are kept. Null: runs are kept forever.',
    ),
});
export const OrgSettingsView = OrgSettingsDocument.extend({
  name: z.string(),
  tenants: z.array(z.uuid()),
  updatedBy: z.string().nullable(),
  updatedAt: z.iso.datetime().nullable(),
});
export const PutOrgSettingsBody = OrgSettingsDocument.extend({ name: z.string().trim().min(1).max(200) });

export const AuditEntryView = z.object({
  id: z.string(),
  at: z.iso.datetime(),
  actor: Actor,
  action: z.string(),
  targetType: z.string(),
  targetId: z.string().nullable(),
  source: z.string().nullable(),
  diff: z.json().nullable(),
});
export const AuditList = z.object({ items: z.array(AuditEntryView), nextCursor: z.string().nullable() });
export const AuditQuery = z.strictObject({
  actorId: z.string().max(200).optional(),
  actorType: z.enum(['user', 'apikey', 'system']).optional(),
  action: z.string().max(100).optional(),
  actionPrefix: z.string().max(100).optional(),
  targetType: z.string().max(100).optional(),
  targetId: z.string().max(200).optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(40).optional(),
});

registerSchema('AuthConfig', AuthConfig);
registerSchema('Me', Me);
registerSchema('MemberList', MemberList);
registerSchema('RoleMappingList', RoleMappingList);
registerSchema('RoleMappingView', RoleMappingView);
registerSchema('ApiKeyView', ApiKeyView);
registerSchema('ApiKeyList', ApiKeyList);
registerSchema('ApiKeyCreated', ApiKeyCreated);
registerSchema('OrgSettingsView', OrgSettingsView);
registerSchema('AuditList', AuditList);

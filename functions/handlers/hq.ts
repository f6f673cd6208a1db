/** Identity and /hq routes: sign-in configuration, the caller, members, role mappings, API keys, settings, audit log. */
import { IdParams } from '../../shared/domain/api';
import {
  ApiKeyCreated,
  ApiKeyList,
  ApiKeyView,
  AuditList,
  AuditQuery,
  AuthConfig,
  CreateApiKeyBody,
  GroupParams,
  Me,
  MemberList,
  MemberParams,
  MemberView,
  OrgSettingsView,
  PutMemberRoleBody,
  PutOrgSettingsBody,
  PutRoleMappingBody,
  RoleMappingList,
  RoleMappingView,
} from '../../shared/hq/api';
import * as apiKeys from '../../shared/hq/api-keys';
import { listAuditEntries } from '../../shared/hq/audit-log';
import { authConfig as readAuthConfig, me as readMe } from '../../shared/hq/me';
import * as members from '../../shared/hq/members';
import * as settings from '../../shared/hq/org-settings';
import * as mappings from '../../shared/hq/role-mappings';
import { defineRoute } from '../http-kit';

export const authConfig = defineRoute({
  name: 'authConfig',
  method: 'GET',
  route: 'auth/config',
  summary: 'How to sign in: tenant, authority, client id and scopes for MSAL, or development mode',
  tags: ['identity'],
  role: 'public',
  responses: { 200: { description: 'Sign-in configuration', schema: AuthConfig } },
  async handle({ platform }) {
    return { status: 200, body: readAuthConfig(platform) };
  },
});

export const me = defineRoute({
  name: 'me',
  method: 'GET',
  route: 'me',
  summary: 'The caller: organisation, actor, role and any workflow limit of an API key',
  tags: ['identity'],
  role: 'viewer',
  responses: { 200: { description: 'The caller', schema: Me } },
  async handle({ platform, principal }) {
    return { status: 200, body: await readMe(platform, principal) };
  },
});

export const listMembers = defineRoute({
  name: 'listMembers',
  method: 'GET',
  route: 'hq/members',
  summary: 'People who signed in to the organisation, with their roles',
  tags: ['hq'],
  role: 'admin',
  responses: { 200: { description: 'Members', schema: MemberList } },
  async handle({ platform, principal }) {
    return { status: 200, body: await members.listMembers(platform, principal) };
  },
});

export const setMemberRole = defineRoute({
  name: 'setMemberRole',
  method: 'PUT',
  route: 'hq/members/{tenantId}/{objectId}/role',
  summary: 'Grant a person a role directly (null removes it); nobody grants more than they hold',
  tags: ['hq'],
  role: 'admin',
  params: MemberParams,
  body: PutMemberRoleBody,
  responses: { 200: { description: 'The member', schema: MemberView } },
  async handle({ platform, principal, params, body }) {
    return { status: 200, body: await members.setMemberRole(platform, principal, params.tenantId, params.objectId, body.role) };
  },
});

export const listRoleMappings = defineRoute({
  name: 'listRoleMappings',
  method: 'GET',
  route: 'hq/role-mappings',
  summary: 'Entra group → role mappings of the organisation',
  tags: ['hq'],
  role: 'admin',
  responses: { 200: { description: 'Mappings', schema: RoleMappingList } },
  async handle({ platform, principal }) {
    return { status: 200, body: await mappings.listRoleMappings(platform, principal) };
  },
});

export const putRoleMapping = defineRoute({
  name: 'putRoleMapping',
  method: 'PUT',
  route: 'hq/role-mappings/{groupId}',
  summary: 'Map an Entra group (object id) to a role',
  tags: ['hq'],
  role: 'admin',
  params: GroupParams,
  body: PutRoleMappingBody,
  responses: { 200: { description: 'Replaced', schema: RoleMappingView }, 201: { description: 'Created', schema: RoleMappingView } },
  async handle({ platform, principal, params, body }) {
    const r = await mappings.putRoleMapping(platform, principal, params.groupId, body);
    return { status: r.created ? 201 : 200, body: r.view };
  },
});

export const deleteRoleMapping = defineRoute({
  name: 'deleteRoleMapping',
  method: 'DELETE',
  route: 'hq/role-mappings/{groupId}',
  summary: "Remove a group's mapping",
  tags: ['hq'],
  role: 'admin',
  params: GroupParams,
  responses: { 204: { description: 'Removed' } },
  async handle({ platform, principal, params }) {
    await mappings.deleteRoleMapping(platform, principal, params.groupId);
    return { status: 204 };
  },
});

export const listApiKeys = defineRoute({
  name: 'listApiKeys',
  method: 'GET',
  route: 'hq/api-keys',
  summary: 'API keys of the organisation with their last use (never the keys themselves)',
  tags: ['hq'],
  role: 'admin',
  responses: { 200: { description: 'API keys', schema: ApiKeyList } },
  async handle({ platform, principal }) {
    return { status: 200, body: await apiKeys.listApiKeys(platform, principal) };
  },
});

export const createApiKey = defineRoute({
  name: 'createApiKey',
  method: 'POST',
  route: 'hq/api-keys',
  summary: 'Create an API key (shown once; stored hashed), with a role and optionally a list of workflows',
  tags: ['hq'],
  role: 'admin',
  body: CreateApiKeyBody,
  responses: { 201: { description: 'Created; `key` is shown only now', schema: ApiKeyCreated, headers: { Location: 'URL of the key' } } },
  async handle({ platform, principal, body }) {
    const k = await apiKeys.createApiKey(platform, principal, body);
    return { status: 201, body: k, headers: { Location: `/api/hq/api-keys/${k.id}`, 'Cache-Control': 'no-store' } };
  },
});

export const revokeApiKey = defineRoute({
  name: 'revokeApiKey',
  method: 'DELETE',
  route: 'hq/api-keys/{id}',
  summary: 'Revoke an API key; its next request is refused',
  tags: ['hq'],
  role: 'admin',
  params: IdParams,
  responses: { 200: { description: 'The revoked key', schema: ApiKeyView } },
  async handle({ platform, principal, params }) {
    return { status: 200, body: await apiKeys.revokeApiKey(platform, principal, params.id) };
  },
});

export const getOrgSettings = defineRoute({
  name: 'getOrgSettings',
  method: 'GET',
  route: 'hq/settings',
  summary: "The organisation's name, settings and Entra tenants",
  tags: ['hq'],
  role: 'admin',
  responses: { 200: { description: 'Settings', schema: OrgSettingsView } },
  async handle({ platform, principal }) {
    return { status: 200, body: await settings.getOrgSettings(platform, principal) };
  },
});

export const putOrgSettings = defineRoute({
  name: 'putOrgSettings',
  method: 'PUT',
  route: 'hq/settings',
  summary: "Replace the organisation's name and settings",
  tags: ['hq'],
  role: 'admin',
  body: PutOrgSettingsBody,
  responses: { 200: { description: 'Settings', schema: OrgSettingsView } },
  async handle({ platform, principal, body }) {
    return { status: 200, body: await settings.updateOrgSettings(platform, principal, body) };
  },
});

export const listAudit = defineRoute({
  name: 'listAudit',
  method: 'GET',
  route: 'hq/audit',
  summary: 'The audit log, newest first: filter by actor, action, target and time; keyset pagination',
  tags: ['hq'],
  role: 'admin',
  query: AuditQuery,
  responses: { 200: { description: 'A page of audit entries', schema: AuditList } },
  async handle({ platform, principal, query }) {
    return { status: 200, body: await listAuditEntries(platform, principal, query) };
  },
});

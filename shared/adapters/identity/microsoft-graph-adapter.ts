/**
 * Microsoft Entra ID directory through Microsoft Graph v1.0 (OData v4), on the OData client:
 * users and groups with `$filter`, paging via `@odata.nextLink`, group members. Authentication is
 * client credentials with the Graph scope (application permissions such as User.Read.All).
 */
import { z } from 'zod';
import type { AdapterEnvironment, AdapterRegistration, ConnectorDescriptor } from '../adapter';
import { bindOperations, call, declareOperations, generator } from '../bind-operations';
import { authHeaders, EntraAuthority, entraTokenUrl, HttpAuthSecrets, HttpAuthSettings, missingAuthSecrets } from '../platform/http-auth';
import { ODataClient } from '../platform/odata-client';
import { settingHost } from '../setting-host';

const SYSTEM = 'microsoft-graph';
const GRAPH_HOST = 'graph.microsoft.com';

const Settings = z.object({
  baseUrl: z
    .url({ protocol: /^https?$/ })
    .default(`https://${GRAPH_HOST}/v1.0`)
    .describe('Graph root including the version.'),
  tenantId: z.string().min(1).optional().describe('Entra tenant; used for the default token URL.'),
  authority: EntraAuthority,
  auth: HttpAuthSettings,
});

const connectionSchema = z.object({ settings: Settings, secrets: HttpAuthSecrets }).superRefine((c, ctx) => {
  for (const name of missingAuthSecrets(c.settings.auth, c.secrets))
    ctx.addIssue({ code: 'custom', path: ['secrets', name], message: `required for auth type '${c.settings.auth.type}'` });
});

/** Output schema of a directory object as Graph returns it. */
const DirectoryObject = z.record(z.string(), z.unknown()).describe('A directory object: id and the selected fields.');

const listInput = z.object({
  filter: z.string().optional().describe("OData $filter, e.g. accountEnabled eq true or startswith(displayName,'A')"),
  select: z.array(z.string()).optional(),
  pageSize: z.number().int().min(1).max(999).optional(),
  maxRecords: z.number().int().min(1).optional(),
});
const Id = z.string().min(1).max(200).describe('Object id (GUID) or, for users, the userPrincipalName.');

interface GraphBound {
  odata: ODataClient;
}

const operations = {
  users: generator<GraphBound, typeof listInput>({
    description: 'Streams directory users, following @odata.nextLink.',
    input: listInput,
    output: DirectoryObject.describe('One user (the fields of `select`, or Graph defaults).'),
    generate: (input, ctx, b) => b.odata.query('users', input, ctx.signal),
  }),
  groups: generator<GraphBound, typeof listInput>({
    description: 'Streams directory groups, following @odata.nextLink.',
    input: listInput,
    output: DirectoryObject.describe('One group.'),
    generate: (input, ctx, b) => b.odata.query('groups', input, ctx.signal),
  }),
  groupMembers: generator<GraphBound, z.ZodObject<{ groupId: typeof Id; select: z.ZodOptional<z.ZodArray<z.ZodString>> }>>({
    description: 'Streams the direct members of a group.',
    input: z.object({ groupId: Id, select: z.array(z.string()).optional() }),
    output: DirectoryObject.describe('One member (user, group, device… by @odata.type).'),
    generate: (input, ctx, b) => b.odata.query(`groups/${encodeURIComponent(input.groupId)}/members`, input, ctx.signal),
  }),
  getUser: call<GraphBound, z.ZodObject<{ id: typeof Id }>>({
    description: 'Reads one user by id or userPrincipalName; null when it does not exist.',
    input: z.object({ id: Id }),
    output: DirectoryObject.nullable(),
    run: (input, ctx, b) => b.odata.get(`users/${encodeURIComponent(input.id)}`, ctx.signal),
  }),
};

/** Registration of the Microsoft Graph (Entra ID directory) adapter. */
export const microsoftGraphAdapter: AdapterRegistration = {
  systemType: SYSTEM,
  category: 'identity',
  infer: (s) => settingHost(s, 'baseUrl') === GRAPH_HOST,
  operations: declareOperations(operations),
  connectionSchema,
  create(c: ConnectorDescriptor, env: AdapterEnvironment) {
    const s = Settings.parse(c.settings);
    const defaults = { tokenUrl: entraTokenUrl(s.tenantId, s.authority), scope: `https://${GRAPH_HOST}/.default` };
    const headers = (signal: AbortSignal) => authHeaders(env.network, s.auth, c.secrets, defaults, signal, SYSTEM);
    const odata = new ODataClient(env.network, s.baseUrl, headers, SYSTEM);
    return {
      systemType: SYSTEM,
      category: 'identity',
      operations: bindOperations(operations, { odata } satisfies GraphBound),
      async testConnection(signal) {
        let n = 0;
        for await (const _ of odata.query('organization', { select: ['id', 'displayName'] }, signal)) n++;
        return { ok: true, detail: `${n} organisation${n === 1 ? '' : 's'} visible` };
      },
    };
  },
};

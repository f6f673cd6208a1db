/**
 * The studio's one way to the control plane: a client generated from the OpenAPI document
 * (`npm run gen:api` → ../api/schema.d.ts, `openapi-fetch`), wrapped in one function per
 * operation that returns the data or throws `ApiError` with the server's problem+json. Pages
 * never call fetch themselves.
 */
import createClient, { type Client } from 'openapi-fetch';
import type { components, paths } from '../api/schema';
import { createSseParser } from './sse-parser';

export type Schemas = components['schemas'];
export type RunView = Schemas['RunView'];
export type TaskRunView = RunView['tasks'][number];
export type RunSummary = Schemas['RunList']['items'][number];
export type RunStatus = RunView['status'];
export type WorkflowView = Schemas['WorkflowView'];
export type WorkflowSummary = Schemas['WorkflowList']['items'][number];
export type WorkflowDefinition = Schemas['WorkflowDefinition'];
export type ProjectView = Schemas['ProjectView'];
export type WorkerView = Schemas['WorkerView'];
export type WorkerStats = Schemas['WorkerStats'];

/** One issue with one field, as the server reports it. */
export interface FieldIssue {
  path: string;
  message: string;
}

/** A failed call: the HTTP status and the server's problem details. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly issues: readonly FieldIssue[] = [],
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

interface Settings {
  baseUrl: string;
  fetch: typeof fetch;
  getToken: () => Promise<string | null>;
}

let settings: Settings = { baseUrl: '', fetch: (...a) => globalThis.fetch(...a), getToken: async () => null };
let client: Client<paths> = build();

function build(): Client<paths> {
  const c = createClient<paths>({ baseUrl: settings.baseUrl, fetch: settings.fetch });
  c.use({
    async onRequest({ request }) {
      const token = await settings.getToken();
      if (token) request.headers.set('Authorization', `Bearer ${token}`);
      return request;
    },
  });
  return c;
}

/** Points the client at a control plane (tests, other origins) and sets how tokens are got. */
export function configureApi(next: Partial<Settings>): void {
  settings = { ...settings, ...next };
  client = build();
}

/** The base URL calls go to ('' means this origin). */
export function apiBaseUrl(): string {
  return settings.baseUrl;
}

async function unwrap<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  let r: { data?: T; error?: unknown; response: Response };
  try {
    r = await call;
  } catch (err) {
    throw new ApiError(0, 'network_error', `The control plane could not be reached: ${(err as Error).message}`);
  }
  if (r.response.ok) return r.data as T;
  const p = (r.error ?? {}) as { code?: string; detail?: string; title?: string; errors?: FieldIssue[] };
  throw new ApiError(
    r.response.status,
    p.code ?? `http_${r.response.status}`,
    p.detail ?? p.title ?? `The request failed (${r.response.status}).`,
    p.errors ?? [],
  );
}

// ---- system ---------------------------------------------------------------------------------

/** The operations this deployment offers, as 'METHOD /api/path' strings (from its OpenAPI document). */
export async function getCapabilities(): Promise<Set<string>> {
  const doc = await unwrap(client.GET('/api/openapi.json'));
  const paths = ((doc ?? {}) as { paths?: Record<string, Record<string, unknown>> }).paths ?? {};
  return new Set(Object.entries(paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`)));
}

/** The JSON Schema of workflow definitions, from the OpenAPI document (for the editor). */
export async function getOpenApiDocument(): Promise<Record<string, unknown>> {
  return ((await unwrap(client.GET('/api/openapi.json'))) ?? {}) as unknown as Record<string, unknown>;
}

// ---- workflows ------------------------------------------------------------------------------

export const listWorkflows = (projectId?: string) =>
  unwrap(client.GET('/api/workflows', { params: { query: projectId ? { projectId } : {} } }));
export const getWorkflow = (id: string, version?: number) =>
  unwrap(client.GET('/api/workflows/{id}', { params: { path: { id }, query: version ? { version } : {} } }));
export const listWorkflowVersions = (id: string) => unwrap(client.GET('/api/workflows/{id}/versions', { params: { path: { id } } }));
export const createWorkflow = (definition: WorkflowDefinition) => unwrap(client.POST('/api/workflows', { body: definition }));
export const updateWorkflow = (id: string, definition: WorkflowDefinition) =>
  unwrap(client.PUT('/api/workflows/{id}', { params: { path: { id } }, body: definition }));
export type WorkflowDraftView = Schemas['WorkflowDraftView'];
export const getWorkflowDraft = (id: string) => unwrap(client.GET('/api/workflows/{id}/draft', { params: { path: { id } } }));
export const saveWorkflowDraft = (id: string, definition: WorkflowDefinition) =>
  unwrap(client.PUT('/api/workflows/{id}/draft', { params: { path: { id } }, body: definition }));
export const discardWorkflowDraft = (id: string) => unwrap(client.DELETE('/api/workflows/{id}/draft', { params: { path: { id } } }));
export const publishWorkflowDraft = (id: string, expectedVersion?: number) =>
  unwrap(client.POST('/api/workflows/{id}/publish', { params: { path: { id } }, body: expectedVersion ? { expectedVersion } : {} }));
export type WorkflowVersionDiff = Schemas['WorkflowVersionDiff'];
export const diffWorkflowVersions = (id: string, a: number, b: number) =>
  unwrap(client.GET('/api/workflows/{id}/versions/{a}/diff/{b}', { params: { path: { id, a, b } } }));
export const rollbackWorkflow = (id: string, version: number, expectedVersion?: number) =>
  unwrap(
    client.POST('/api/workflows/{id}/rollback', {
      params: { path: { id } },
      body: { version, ...(expectedVersion ? { expectedVersion } : {}) },
    }),
  );
export type TestStepData = Schemas['TestStepData'];
export type DraftPins = Schemas['DraftPins']['pins'];
/** Tests one atomic task of the draft (else the latest version) as a test run; empty data uses the task's pin. */
export const testWorkflowStep = (id: string, key: string, data: TestStepData) =>
  unwrap(client.POST('/api/workflows/{id}/tasks/{key}/test', { params: { path: { id, key } }, body: data }));
export const getDraftPins = (id: string) => unwrap(client.GET('/api/workflows/{id}/draft/pins', { params: { path: { id } } }));
/** Replaces every pin of the draft. */
export const putDraftPins = (id: string, pins: DraftPins) =>
  unwrap(client.PUT('/api/workflows/{id}/draft/pins', { params: { path: { id } }, body: { pins } }));
export const triggerRun = (id: string, input: Record<string, unknown>) =>
  unwrap(
    client.POST('/api/workflows/{id}/runs', { params: { path: { id } }, body: { input: input as Schemas['TriggerRunBody']['input'] } }),
  );

// ---- runs -----------------------------------------------------------------------------------

export interface RunFilter {
  workflowId?: string | undefined;
  status?: RunStatus | undefined;
  /** ISO date-time with offset: runs created at or after it. */
  createdAfter?: string | undefined;
  /** ISO date-time with offset: runs created strictly before it. */
  createdBefore?: string | undefined;
  limit?: number;
  cursor?: string | undefined;
}
export const listRuns = (f: RunFilter = {}) =>
  unwrap(
    client.GET('/api/runs', {
      params: {
        query: {
          ...(f.workflowId ? { workflowId: f.workflowId } : {}),
          ...(f.status ? { status: f.status } : {}),
          ...(f.createdAfter ? { createdAfter: f.createdAfter } : {}),
          ...(f.createdBefore ? { createdBefore: f.createdBefore } : {}),
          limit: f.limit ?? 50,
          ...(f.cursor ? { cursor: f.cursor } : {}),
        },
      },
    }),
  );
export const getRun = (id: string) => unwrap(client.GET('/api/runs/{id}', { params: { path: { id } } }));
export const cancelRun = (id: string) => unwrap(client.POST('/api/runs/{id}/cancel', { params: { path: { id } } }));
/** Reruns a failed run; no options is the plain rerun from failure (same version and input). */
export const retryRun = (id: string, options: Partial<Schemas['RetryRunBody']> = {}) =>
  unwrap(client.POST('/api/runs/{id}/retry', { params: { path: { id } }, body: { version: 'same', ...options } }));

/** What the live feed of a run reports. */
export interface RunFeedHandlers {
  snapshot(run: RunView): void;
  run(run: Omit<RunView, 'tasks'>): void;
  task(task: TaskRunView): void;
  end(status: RunStatus): void;
  /** Connected (true) or reconnecting (false). */
  connection?(live: boolean): void;
  problem?(p: { code: string; detail: string }): void;
}

/**
 * Follows `GET /api/runs/{id}/events` until the run ends or `signal` aborts. Uses fetch rather
 * than EventSource so the bearer token can be sent; reconnects after a drop, and every
 * (re)connection starts with a full snapshot, so nothing is missed.
 */
export async function watchRun(id: string, on: RunFeedHandlers, signal: AbortSignal): Promise<void> {
  let retryMs = 1000;
  while (!signal.aborted) {
    let ended = false;
    try {
      const token = await settings.getToken();
      const res = await settings.fetch(`${settings.baseUrl}/api/runs/${encodeURIComponent(id)}/events`, {
        headers: { Accept: 'text/event-stream', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
        signal,
      });
      if (!res.ok || !res.body) {
        const p = (await res.json().catch(() => ({}))) as { code?: string; detail?: string };
        throw new ApiError(res.status, p.code ?? `http_${res.status}`, p.detail ?? 'The live feed could not be opened.');
      }
      on.connection?.(true);
      const parse = createSseParser();
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        for (const e of parse(value)) {
          if (e.retry !== undefined) retryMs = e.retry;
          if (!e.data) continue;
          const data = JSON.parse(e.data);
          if (e.event === 'snapshot') on.snapshot(data);
          else if (e.event === 'run') on.run(data);
          else if (e.event === 'task') on.task(data);
          else if (e.event === 'problem') on.problem?.(data);
          else if (e.event === 'end') {
            ended = true;
            on.end(data.status);
          }
        }
      }
    } catch (err) {
      if (signal.aborted) return;
      // A run that does not exist will not appear by retrying.
      if (err instanceof ApiError && err.status >= 400 && err.status < 500) throw err;
    }
    if (ended || signal.aborted) return;
    on.connection?.(false);
    await new Promise((r) => setTimeout(r, retryMs));
  }
}

// ---- projects and workers -------------------------------------------------------------------

export const listProjects = () => unwrap(client.GET('/api/projects'));
export const createProject = (body: { name: string; description?: string }) => unwrap(client.POST('/api/projects', { body }));
export const listWorkers = (projectId?: string) =>
  unwrap(client.GET('/api/workers', { params: { query: projectId ? { projectId } : {} } }));
export const getWorker = (id: string) => unwrap(client.GET('/api/workers/{id}', { params: { path: { id } } }));
export const createWorker = (body: { projectId?: string; name: string; owner: string; description?: string }) =>
  unwrap(client.POST('/api/workers', { body }));
export const updateWorker = (
  id: string,
  body: { name?: string; owner?: string; description?: string | null; status?: 'active' | 'paused' },
) => unwrap(client.PATCH('/api/workers/{id}', { params: { path: { id } }, body }));
export const assignWorkflowToWorker = (id: string, workflowId: string) =>
  unwrap(client.POST('/api/workers/{id}/workflows', { params: { path: { id } }, body: { workflowId } }));
export const releaseWorkflowFromWorker = (id: string, workflowId: string) =>
  unwrap(client.DELETE('/api/workers/{id}/workflows/{workflowId}', { params: { path: { id, workflowId } } }));
export const getWorkerStats = (id: string, days = 14) =>
  unwrap(client.GET('/api/workers/{id}/stats', { params: { path: { id }, query: { days } } }));

// ---- identity -------------------------------------------------------------------------------

/** How to sign in (GET /api/auth/config): MSAL settings, or development mode. */
export interface AuthConfig {
  devMode: boolean;
  authority: string | null;
  knownAuthorities: string[];
  clientId: string | null;
  scopes: string[];
}

/**
 * Reads the sign-in configuration. A deployment without the identity routes is treated as
 * development mode (no sign-in), which is what such a control plane does.
 */
export async function getAuthConfig(): Promise<AuthConfig> {
  const res = await settings.fetch(`${settings.baseUrl}/api/auth/config`, { headers: { Accept: 'application/json' } }).catch(() => null);
  if (!res || res.status === 404) return { devMode: true, authority: null, knownAuthorities: [], clientId: null, scopes: [] };
  if (!res.ok) throw new ApiError(res.status, `http_${res.status}`, 'The sign-in configuration could not be read.');
  return (await res.json()) as AuthConfig;
}

// ---- schedules ------------------------------------------------------------------------------

export type ScheduleView = Schemas['ScheduleView'];
export const listSchedules = (workflowId: string) =>
  unwrap(client.GET('/api/workflows/{id}/schedules', { params: { path: { id: workflowId } } }));
export const createSchedule = (workflowId: string, body: Schemas['ScheduleBody']) =>
  unwrap(client.POST('/api/workflows/{id}/schedules', { params: { path: { id: workflowId } }, body }));
export const deleteSchedule = (workflowId: string, scheduleId: string) =>
  unwrap(client.DELETE('/api/workflows/{id}/schedules/{scheduleId}', { params: { path: { id: workflowId, scheduleId } } }));

// ---- connectors -----------------------------------------------------------------------------

export type ConnectorView = Schemas['ConnectorView'];
export type AdapterInfo = Schemas['AdapterCatalog']['items'][number];
export const listAdapters = () => unwrap(client.GET('/api/adapters'));
export const listConnectors = (projectId?: string) =>
  unwrap(client.GET('/api/connectors', { params: { query: projectId ? { projectId } : {} } }));
export const createConnector = (body: Schemas['ConnectorBody']) => unwrap(client.POST('/api/connectors', { body }));
export const updateConnector = (id: string, body: Schemas['ConnectorUpdateBody']) =>
  unwrap(client.PUT('/api/connectors/{id}', { params: { path: { id } }, body }));
export const testConnector = (id: string) => unwrap(client.POST('/api/connectors/{id}/test', { params: { path: { id } } }));
export const deleteConnector = (id: string) => unwrap(client.DELETE('/api/connectors/{id}', { params: { path: { id } } }));

// ---- business objects -----------------------------------------------------------------------

export const listBusinessObjectTypes = (projectId?: string) =>
  unwrap(client.GET('/api/business-object-types', { params: { query: projectId ? { projectId } : {} } }));
export const listBusinessObjects = (
  type: string,
  q: { projectId?: string | undefined; filter?: string | undefined; cursor?: string | undefined; limit?: number },
) =>
  unwrap(
    client.GET('/api/business-objects/{type}', {
      params: {
        path: { type },
        query: {
          ...(q.projectId ? { projectId: q.projectId } : {}),
          ...(q.filter ? { filter: q.filter } : {}),
          ...(q.cursor ? { cursor: q.cursor } : {}),
          limit: q.limit ?? 25,
        },
      },
    }),
  );

type Record_ = Record<string, unknown>;
export const createBusinessObject = (type: string, data: Record_, projectId?: string) =>
  unwrap(
    client.POST('/api/business-objects/{type}', { params: { path: { type }, query: projectId ? { projectId } : {} }, body: data as never }),
  );
export const putBusinessObject = (type: string, key: string, data: Record_, projectId?: string) =>
  unwrap(
    client.PUT('/api/business-objects/{type}/{key}', {
      params: { path: { type, key }, query: projectId ? { projectId } : {} },
      body: data as never,
    }),
  );
export const deleteBusinessObject = (type: string, key: string, projectId?: string) =>
  unwrap(client.DELETE('/api/business-objects/{type}/{key}', { params: { path: { type, key }, query: projectId ? { projectId } : {} } }));

// ---- hq -------------------------------------------------------------------------------------

export const getMe = () => unwrap(client.GET('/api/me'));
export const listMembers = () => unwrap(client.GET('/api/hq/members'));
export const listRoleMappings = () => unwrap(client.GET('/api/hq/role-mappings'));
export type Role = Schemas['MemberList']['items'][number]['effectiveRole'] & string;
export type MemberView = Schemas['MemberList']['items'][number];
export type RoleMappingView = Schemas['RoleMappingView'];
/** Grants a person a role directly; null removes the grant (their groups and app roles still count). */
export const setMemberRole = (tenantId: string, objectId: string, role: Role | null) =>
  unwrap(client.PUT('/api/hq/members/{tenantId}/{objectId}/role', { params: { path: { tenantId, objectId } }, body: { role } }));
export const putRoleMapping = (groupId: string, body: { role: Role; description?: string }) =>
  unwrap(client.PUT('/api/hq/role-mappings/{groupId}', { params: { path: { groupId } }, body }));
export const deleteRoleMapping = (groupId: string) =>
  unwrap(client.DELETE('/api/hq/role-mappings/{groupId}', { params: { path: { groupId } } }));
export const listApiKeys = () => unwrap(client.GET('/api/hq/api-keys'));
export const createApiKey = (body: { name: string; role: 'viewer' | 'operator' | 'editor' | 'admin'; expiresAt?: string }) =>
  unwrap(client.POST('/api/hq/api-keys', { body }));
export const revokeApiKey = (id: string) => unwrap(client.DELETE('/api/hq/api-keys/{id}', { params: { path: { id } } }));
export const getOrgSettings = () => unwrap(client.GET('/api/hq/settings'));
export type OrgSettingsView = Schemas['OrgSettingsView'];
export type OrgSettingsBody = NonNullable<paths['/api/hq/settings']['put']['requestBody']>['content']['application/json'];
/** Replaces the organisation's name and settings (the tenants are not part of it). */
export const putOrgSettings = (body: OrgSettingsBody) => unwrap(client.PUT('/api/hq/settings', { body }));
export const getSystemStatus = () => unwrap(client.GET('/api/hq/system'));
export type ModelProviderView = Schemas['ModelProviderView'];
export type ModelProviderBody = Schemas['PutModelProviderBody'];
export const getModelProvider = () => unwrap(client.GET('/api/hq/model-provider'));
export const putModelProvider = (body: ModelProviderBody) => unwrap(client.PUT('/api/hq/model-provider', { body }));
export const listAudit = (cursor?: string) =>
  unwrap(client.GET('/api/hq/audit', { params: { query: { limit: 50, ...(cursor ? { cursor } : {}) } } }));

// ---- assistant ------------------------------------------------------------------------------

export type ConversationDetail = Schemas['ConversationDetail'];
export type MessageView = ConversationDetail['messages'][number];
export type Citation = MessageView['citations'][number];
export type AssistantSuggestion = MessageView['suggestions'][number];
export const listConversations = () => unwrap(client.GET('/api/studio/conversations'));
export const createConversation = (title?: string) =>
  unwrap(client.POST('/api/studio/conversations', { body: { focus: {}, ...(title ? { title } : {}) } }));
export const getConversation = (id: string) => unwrap(client.GET('/api/studio/conversations/{id}', { params: { path: { id } } }));

/** What a streamed answer reports, as it arrives. */
export interface AnswerHandlers {
  delta(text: string): void;
  citation(c: Citation): void;
  suggestion(s: AssistantSuggestion): void;
  done(d: { messageId: string; model: string; finishReason: string }): void;
  error(e: { code: string; message: string; retryable: boolean }): void;
  /** Said before the answer, e.g. `model_not_configured` (the answer only quotes passages). */
  notice?(n: { code: string; message: string }): void;
}

/** Asks a question; the answer streams back (Server-Sent Events over the POST response). */
export async function askAssistant(conversationId: string, content: string, on: AnswerHandlers, signal?: AbortSignal): Promise<void> {
  const token = await settings.getToken();
  let res: Response;
  try {
    res = await settings.fetch(`${settings.baseUrl}/api/studio/conversations/${encodeURIComponent(conversationId)}/messages`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'text/event-stream', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ content }),
      ...(signal ? { signal } : {}),
    });
  } catch (err) {
    throw new ApiError(0, 'network_error', `The control plane could not be reached: ${(err as Error).message}`);
  }
  if (!res.ok || !res.body) {
    const p = (await res.json().catch(() => ({}))) as { code?: string; detail?: string; errors?: FieldIssue[] };
    throw new ApiError(res.status, p.code ?? `http_${res.status}`, p.detail ?? 'The assistant could not answer.', p.errors ?? []);
  }
  const parse = createSseParser();
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    for (const e of parse(value)) {
      if (!e.data) continue;
      const data = JSON.parse(e.data);
      if (e.event === 'delta') on.delta(data.text);
      else if (e.event === 'citation') on.citation(data);
      else if (e.event === 'suggestion') on.suggestion(data);
      else if (e.event === 'done') on.done(data);
      else if (e.event === 'error') on.error(data);
      else if (e.event === 'notice') on.notice?.(data);
    }
  }
}
export const createBusinessObjectType = (body: Schemas['BusinessObjectTypeBody']) =>
  unwrap(client.POST('/api/business-object-types', { body }));

// ---- triggers (webhooks, Service Bus) --------------------------------------------------------

export type TriggerView = Schemas['TriggerView'];
export type TriggerBody = paths['/api/workflows/{id}/triggers']['post']['requestBody']['content']['application/json'];
export type TriggerDelivery = Schemas['TriggerDeliveryList']['items'][number];
export const listTriggers = (workflowId: string) =>
  unwrap(client.GET('/api/workflows/{id}/triggers', { params: { path: { id: workflowId } } }));
export const createTrigger = (workflowId: string, body: TriggerBody) =>
  unwrap(client.POST('/api/workflows/{id}/triggers', { params: { path: { id: workflowId } }, body }));
export const replaceTrigger = (workflowId: string, triggerId: string, body: TriggerBody) =>
  unwrap(client.PUT('/api/workflows/{id}/triggers/{triggerId}', { params: { path: { id: workflowId, triggerId } }, body }));
export const deleteTrigger = (workflowId: string, triggerId: string) =>
  unwrap(client.DELETE('/api/workflows/{id}/triggers/{triggerId}', { params: { path: { id: workflowId, triggerId } } }));
export const listTriggerDeliveries = (workflowId: string, triggerId: string, limit = 20) =>
  unwrap(
    client.GET('/api/workflows/{id}/triggers/{triggerId}/deliveries', {
      params: { path: { id: workflowId, triggerId }, query: { limit } },
    }),
  );

export const listApprovals = (status: 'pending' | 'all' = 'pending') =>
  unwrap(client.GET('/api/approvals', { params: { query: { status } } }));
export const decideApproval = (id: string, decision: 'approve' | 'reject', comment?: string) =>
  unwrap(client.POST('/api/approvals/{id}/decision', { params: { path: { id } }, body: { decision, ...(comment ? { comment } : {}) } }));
export const listRunWaits = (id: string) => unwrap(client.GET('/api/runs/{id}/waits', { params: { path: { id } } }));
export const sendSignal = (id: string, name: string, payload: unknown) =>
  unwrap(client.POST('/api/runs/{id}/signals/{name}', { params: { path: { id, name } }, body: payload as never }));
export type ApprovalView = Awaited<ReturnType<typeof listApprovals>>['items'][number];
export type RunWait = Awaited<ReturnType<typeof listRunWaits>>['items'][number];

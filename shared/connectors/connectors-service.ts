/**
 * Connector operations behind the HTTP handlers: create, read, update, delete and a real
 * connection test. Secrets, and settings that are credentials in all but name
 * (sealed-settings.ts), are sealed before they reach the database, appear in audit diffs only by
 * name, and are never part of a view. Secrets follow their host: an update that changes where
 * they are sent must enter them again.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { AdapterRegistration, ConnectorDescriptor } from '../adapters/adapter';
import { AdapterResolutionError, type AdapterRegistry } from '../adapters/resolve-adapter';
import type { Db } from '../db/db';
import type { AdapterCatalog, ConnectorBody, ConnectorTestResult, ConnectorUpdateBody, ConnectorView } from '../domain/connectors-api';
import { ConflictError, DemitonError, NotFoundError, ValidationError, type FieldIssue } from '../domain/errors';
import { formatPath } from '../domain/zod-issues';
import type { Logger } from '../logger';
import { appendAudit } from '../store/audit';
import { type Actor } from '../domain/principal';
import * as store from '../store/connectors';
import { resolveProject } from '../store/organisations';
import { hostsOf, OutboundBlockedError, type OutboundPolicy } from '../adapters/network-policy';
import type { SecretBox } from '../store/secret-box';
import {
  destinationChanges,
  destinationOf,
  keepEchoedSettings,
  openSettings,
  SEALED_SETTING_PREFIX,
  sealSettings,
} from './sealed-settings';
import { isUniqueViolation } from '../db/db';

/** What the connector operations need from the platform. */
export interface ConnectorsDeps {
  db: Db;
  registry: AdapterRegistry;
  secretBox: SecretBox;
  network: OutboundPolicy;
  logger: Logger;
}

/** Who acts, in which organisation. */
export interface Caller {
  orgId: string;
  actor: Actor;
  /** The request's client address, for the audit log. */
  source?: string | null;
}

// Setting names that look like credentials: they belong in `secrets`, which are sealed and never returned.
const SECRET_LIKE = /(pass(word)?|secret|token|api[-_]?key|private[-_]?key|credential|connection[-_]?string|account[-_]?key|sas)$/i;
const CONNECTION_TEST_TIMEOUT_MS = 20_000;

function toView(row: store.ConnectorRow, registry: AdapterRegistry): ConnectorView {
  const reg = registryEntry(registry, row);
  const resolved = reg?.systemType ?? null;
  return {
    id: row.id,
    name: row.name,
    projectId: row.projectId,
    systemType: row.systemType,
    connectionType: row.connectionType,
    resolvedSystemType: resolved,
    // Stand-ins again: a row stored before its values were sealed shows none of them either.
    settings: sealSettings(reg, row.settings).visible as ConnectorView['settings'],
    secretNames: [...row.secretNames].sort(),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** The registration a stored connector resolves to, or undefined. */
function registryEntry(registry: AdapterRegistry, row: store.ConnectorRow): AdapterRegistration | undefined {
  try {
    return registry.resolve(descriptorOf(row, {})).registration;
  } catch {
    return undefined;
  }
}

function descriptorOf(row: store.ConnectorRow, opened: Record<string, unknown>): ConnectorDescriptor {
  const { settings, secrets } = openSettings(row.settings, opened);
  return {
    id: row.id,
    name: row.name,
    systemType: row.systemType ?? undefined,
    connectionType: row.connectionType ?? undefined,
    settings,
    secrets,
  };
}

/** The sealed entries and clear settings of a write: secrets plus the settings that are credentials in all but name. */
function sealedWrite(reg: AdapterRegistration, settings: Record<string, unknown>, secrets: Record<string, unknown>) {
  const { visible, sealed } = sealSettings(reg, settings);
  const plain = Object.fromEntries(Object.entries(secrets).filter(([k]) => !k.startsWith(SEALED_SETTING_PREFIX)));
  return { visible, entries: { ...plain, ...sealed } as Record<string, unknown> };
}

/** An audit-safe picture of a connector: secrets by name only, never a value (named so the audit redactor keeps the list). */
function auditView(c: {
  name: string;
  systemType: string | null;
  connectionType: string | null;
  settings: unknown;
  secretNames: readonly string[];
}) {
  return {
    name: c.name,
    systemType: c.systemType,
    connectionType: c.connectionType,
    settings: c.settings,
    sealedFields: [...c.secretNames].sort(),
  };
}

/**
 * Checks what can be checked on save: an adapter resolves, settings and secrets match its
 * connection schema, no credential hides in settings, and literal or resolvable hosts pass the
 * outbound policy (checked again at connect time).
 */
async function validate(
  deps: ConnectorsDeps,
  body: { name: string; systemType?: string | undefined; connectionType?: string | undefined; settings: Record<string, unknown> },
  secrets: Record<string, unknown>,
): Promise<AdapterRegistration> {
  const issues: FieldIssue[] = [];
  for (const k of Object.keys(body.settings)) {
    if (SECRET_LIKE.test(k))
      issues.push({
        path: `settings.${k}`,
        message: `looks like a credential; put it in 'secrets', which are encrypted and never returned`,
      });
  }
  let reg: AdapterRegistration | undefined;
  try {
    reg = deps.registry.resolve({
      id: 'new',
      name: body.name,
      systemType: body.systemType,
      connectionType: body.connectionType,
      settings: body.settings,
      secrets: {},
    }).registration;
  } catch (err) {
    if (!(err instanceof AdapterResolutionError)) throw err;
    issues.push({ path: body.systemType ? 'systemType' : body.connectionType ? 'connectionType' : 'settings', message: err.message });
  }
  if (reg?.connectionSchema) {
    const parsed = reg.connectionSchema.safeParse({ settings: body.settings, secrets });
    if (!parsed.success) for (const i of parsed.error.issues) issues.push({ path: formatPath(i.path), message: i.message });
  }
  if (!issues.length && reg?.endpoints) {
    // Where the connector sends its credentials must be a host of its kind (Azure services, Entra authorities).
    const hosts = deps.registry.environment.hosts;
    for (const e of reg.endpoints({ settings: body.settings, secrets })) {
      if (hosts && !hosts.allows(e.kind, e.host))
        issues.push({ path: e.path, message: `'${e.host}' is not a ${e.kind} host this platform connects to` });
    }
  }
  if (!issues.length) {
    for (const h of hostsOf(body.settings)) {
      try {
        await deps.network.resolve(h.host);
      } catch (err) {
        // A name that does not resolve yet may later; a denied address is refused now.
        if (err instanceof OutboundBlockedError) issues.push({ path: h.path, message: err.message });
      }
    }
  }
  if (issues.length) throw new ValidationError('The connector is invalid.', issues, 'invalid_connector');
  return reg!;
}

function cleanSecrets(secrets: Record<string, string | null> | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(secrets ?? {}).filter((e): e is [string, string] => e[1] !== null));
}

/** Creates a connector; secrets are sealed before they are stored. */
export async function createConnector(deps: ConnectorsDeps, who: Caller, body: ConnectorBody): Promise<ConnectorView> {
  const projectId = await resolveProject(deps.db, who.orgId, body.projectId);
  const secrets = cleanSecrets(body.secrets);
  const reg = await validate(deps, body, secrets);
  const id = randomUUID();
  const { visible, entries } = sealedWrite(reg, body.settings, secrets);
  const secretNames = Object.keys(entries);
  const sealedSecrets = secretNames.length ? await deps.secretBox.seal(who.orgId, id, entries) : null;
  const write: store.ConnectorWrite = {
    name: body.name,
    systemType: body.systemType ?? null,
    connectionType: body.connectionType ?? null,
    settings: visible,
    sealedSecrets,
    secretNames,
  };
  try {
    const row = await deps.db.tx(async (q) => {
      const r = await store.insertConnector(q, { ...write, id, orgId: who.orgId, projectId });
      await appendAudit(q, {
        orgId: who.orgId,
        actor: who.actor,
        source: who.source ?? null,
        action: 'connector.create',
        targetType: 'connector',
        targetId: id,
        diff: { after: auditView(write) },
      });
      return r;
    });
    return toView(row, deps.registry);
  } catch (err) {
    if (isUniqueViolation(err))
      throw new ConflictError('connector_name_taken', `A connector named '${body.name}' already exists in this project.`);
    throw err;
  }
}

/**
 * Replaces a connector's name, types and settings. Secrets merge: a name with a value sets it, a
 * name with null removes it, names not given keep their stored value (the API never returns them).
 */
export async function updateConnector(deps: ConnectorsDeps, who: Caller, id: string, body: ConnectorUpdateBody): Promise<ConnectorView> {
  const existing = await store.getConnector(deps.db, who.orgId, id);
  if (!existing) throw new NotFoundError('connector', id);
  const stored = descriptorOf(existing, existing.sealedSecrets ? await deps.secretBox.open(who.orgId, id, existing.sealedSecrets) : {});
  // What the API showed for the stored connector (also for a row stored before its values were sealed).
  const storedView = sealSettings(registryEntry(deps.registry, existing), stored.settings);
  const storedSealedPaths = Object.keys(storedView.sealed).map((n) => n.slice(SEALED_SETTING_PREFIX.length));
  // A stand-in sent back unchanged keeps the sealed value behind it.
  const { settings, kept } = keepEchoedSettings(body.settings, storedView.visible, stored.settings, storedSealedPaths);
  let secrets: Record<string, unknown> = { ...stored.secrets };
  for (const [k, v] of Object.entries(body.secrets ?? {})) {
    if (v === null) delete secrets[k];
    else secrets = { ...secrets, [k]: v };
  }
  // Secrets follow their host: pointing the connector elsewhere needs every stored secret again.
  const moved = destinationChanges(destinationOf(stored), destinationOf({ ...body, settings }));
  if (moved.length) {
    const stale = [
      ...Object.keys(stored.secrets)
        .filter((k) => !(body.secrets && k in body.secrets))
        .map((k) => `secrets.${k}`),
      ...kept.map((k) => `settings.${k}`),
    ];
    if (stale.length) {
      throw new ValidationError(
        `The stored secrets were entered for where the connector pointed before (${moved.join(', ')} changed) and are never sent anywhere else.`,
        stale.map((path) => ({ path, message: 'enter it again for the new destination, or send null to remove it' })),
        'connector_secrets_required',
      );
    }
  }
  const reg = await validate(deps, { ...body, settings }, secrets);
  const { visible, entries } = sealedWrite(reg, settings, secrets);
  const secretNames = Object.keys(entries);
  const write: store.ConnectorWrite = {
    name: body.name,
    systemType: body.systemType ?? null,
    connectionType: body.connectionType ?? null,
    settings: visible,
    sealedSecrets: secretNames.length ? await deps.secretBox.seal(who.orgId, id, entries) : null,
    secretNames,
  };
  const changedSealedSettings = secretNames.filter(
    (n) => n.startsWith(SEALED_SETTING_PREFIX) && !kept.includes(n.slice(SEALED_SETTING_PREFIX.length)),
  );
  const changedSecrets = [...Object.keys(body.secrets ?? {}), ...changedSealedSettings];
  try {
    const row = await deps.db.tx(async (q) => {
      const r = await store.updateConnector(q, who.orgId, id, write);
      if (!r) throw new NotFoundError('connector', id);
      await appendAudit(q, {
        orgId: who.orgId,
        actor: who.actor,
        source: who.source ?? null,
        action: 'connector.update',
        targetType: 'connector',
        targetId: id,
        diff: {
          before: auditView({ ...existing, settings: storedView.visible }),
          after: auditView(write),
          sealedFieldsChanged: changedSecrets,
        },
      });
      return r;
    });
    return toView(row, deps.registry);
  } catch (err) {
    if (isUniqueViolation(err))
      throw new ConflictError('connector_name_taken', `A connector named '${body.name}' already exists in this project.`);
    throw err;
  }
}

/** One connector (without secrets). */
export async function getConnector(deps: ConnectorsDeps, who: Caller, id: string): Promise<ConnectorView> {
  const row = await store.getConnector(deps.db, who.orgId, id);
  if (!row) throw new NotFoundError('connector', id);
  return toView(row, deps.registry);
}

/** Connectors of the organisation, optionally one project. */
export async function listConnectors(
  deps: ConnectorsDeps,
  who: Caller,
  projectId?: string,
  type?: string,
): Promise<{ items: ConnectorView[] }> {
  if (type !== undefined && !deps.registry.list().some((r) => r.systemType === type)) {
    throw new ValidationError(
      `No adapter has the type '${type}'.`,
      [{ path: 'type', message: `must be a systemType of GET /api/adapters` }],
      'invalid_query',
    );
  }
  const views = (await store.listConnectors(deps.db, who.orgId, projectId ?? null)).map((r) => toView(r, deps.registry));
  // Filtered on the resolved adapter: a connector saved with only a connection type or settings to infer from still counts.
  return { items: type === undefined ? views : views.filter((v) => v.resolvedSystemType === type) };
}

/** Deletes a connector. Workflows naming it fail at run time with `connector_not_found`. */
export async function deleteConnector(deps: ConnectorsDeps, who: Caller, id: string): Promise<void> {
  await deps.db.tx(async (q) => {
    const row = await store.deleteConnector(q, who.orgId, id);
    if (!row) throw new NotFoundError('connector', id);
    const before = { ...row, settings: sealSettings(registryEntry(deps.registry, row), row.settings).visible };
    await appendAudit(q, {
      orgId: who.orgId,
      actor: who.actor,
      source: who.source ?? null,
      action: 'connector.delete',
      targetType: 'connector',
      targetId: id,
      diff: { before: auditView(before) },
    });
  });
}

/** Connects for real (login, handshake, a cheap query) and reports what the server said. */
export async function testConnector(deps: ConnectorsDeps, who: Caller, id: string, signal?: AbortSignal): Promise<ConnectorTestResult> {
  const row = await store.getConnector(deps.db, who.orgId, id);
  if (!row) throw new NotFoundError('connector', id);
  const secrets = row.sealedSecrets ? await deps.secretBox.open(who.orgId, id, row.sealedSecrets) : {};
  let systemType: string | null = null;
  const timeout = AbortSignal.timeout(CONNECTION_TEST_TIMEOUT_MS);
  const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
  try {
    const adapter = deps.registry.getAdapter(descriptorOf(row, secrets));
    systemType = adapter.systemType;
    if (!adapter.testConnection)
      return { ok: false, systemType, error: { code: 'no_connection_test', message: `The ${systemType} adapter has no connection test.` } };
    try {
      const r = await adapter.testConnection(combined);
      return { ok: true, systemType, ...(r.detail ? { detail: r.detail } : {}) };
    } finally {
      await adapter.close?.().catch(() => undefined);
    }
  } catch (err) {
    const code =
      err instanceof DemitonError
        ? err.code
        : typeof (err as { code?: unknown }).code === 'string'
          ? String((err as { code: string }).code)
          : 'connection_failed';
    const message = timeout.aborted ? `No answer within ${CONNECTION_TEST_TIMEOUT_MS / 1000} s.` : (err as Error).message || String(err);
    deps.logger.info({ connectorId: id, systemType, code }, 'connector test failed');
    return { ok: false, systemType, error: { code, message } };
  }
}

function jsonSchemaOf(schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Record<string, unknown>;
  return rest;
}

/** Every registered adapter with its operations and connection schema, for the studio's forms. */
export function adapterCatalog(registry: AdapterRegistry): AdapterCatalog {
  return {
    items: registry.list().map((r) => ({
      systemType: r.systemType,
      category: r.category,
      connectionTypes: [...(r.connectionTypes ?? [])],
      inferable: !!r.infer,
      connectionSchema: r.connectionSchema
        ? (jsonSchemaOf(r.connectionSchema, 'input') as AdapterCatalog['items'][number]['connectionSchema'])
        : null,
      operations: Object.entries(r.operations).map(([name, op]) => ({
        name,
        kind: op.kind,
        description: op.description,
        inputSchema: jsonSchemaOf(op.input, 'input') as AdapterCatalog['items'][number]['operations'][number]['inputSchema'],
        outputSchema: op.output
          ? (jsonSchemaOf(op.output, 'output') as AdapterCatalog['items'][number]['operations'][number]['inputSchema'])
          : null,
      })),
    })),
  };
}

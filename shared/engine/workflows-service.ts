/** Workflow operations behind the HTTP handlers: create, update (new version), read, list. */
import { randomUUID } from 'node:crypto';
import type { Principal } from '../domain/principal';
import type { WorkflowView } from '../domain/api';
import { ConflictError, NotFoundError, ValidationError } from '../domain/errors';
import { inWrittenOrder } from '../domain/key-order';
import type { WorkflowDefinition } from '../domain/workflow-definition';
import type { Platform } from '../platform';
import { appendAudit } from '../store/audit';
import { resolveProject } from '../store/organisations';
import * as store from '../store/workflows';
import { checkDefinition } from './check-definition';
import { findOperation } from '../connectors/connector-lookup';
import { checkInputSchema } from './input-schema';
import { isUniqueViolation } from '../db/db';
import { WorkflowScopeError } from '../auth/errors';

/** What this module uses of the platform (not the whole of it). */
export type WorkflowsServiceDeps = Pick<Platform, 'connectors' | 'db' | 'registry'>;

/**
 * A key limited to some workflows writes no definitions: a definition can call another workflow
 * or any connector of the project, which would reach beyond the key's workflows.
 */
/** Keys limited to some workflows write no definitions, drafts, publications or rollbacks. */
export function refuseScopedWriter(who: Principal): void {
  if (who.workflowScope) throw new WorkflowScopeError('This API key is limited to some workflows and cannot write workflow definitions.');
}

function toView(w: store.WorkflowVersionRow): WorkflowView {
  return {
    id: w.id,
    name: w.name,
    projectId: w.projectId,
    version: w.version,
    definition: w.definition,
    createdAt: w.createdAt.toISOString(),
    updatedAt: w.updatedAt.toISOString(),
    versionCreatedAt: w.versionCreatedAt.toISOString(),
    versionCreatedBy: w.versionCreatedBy,
    latestVersion: w.latestVersion,
  };
}

/** The workflow as the API shows it after a write (its latest version). */
export async function latestView(p: WorkflowsServiceDeps, orgId: string, id: string): Promise<WorkflowView> {
  return toView((await store.getWorkflowVersionView(p.db, orgId, id, null))!);
}

/** Parses and checks a definition in its project (422 `invalid_definition`), as every save does. */
export async function check(
  p: WorkflowsServiceDeps,
  who: Principal,
  projectId: string,
  body: unknown,
  selfId?: string,
): Promise<WorkflowDefinition> {
  const others = (await store.listProjectDefinitions(p.db, who.orgId, projectId)).filter((w) => w.id !== selfId);
  const def = await checkDefinition(body, {
    projectWorkflows: others,
    ...(selfId ? { selfId } : {}),
    findOperation: (connector, operation) => findOperation(p.registry, p.connectors, who.orgId, projectId, connector, operation),
  });
  if (def.inputSchema) {
    const bad = checkInputSchema(def.inputSchema);
    if (bad) throw new ValidationError('The workflow definition is invalid.', [bad], 'invalid_definition');
  }
  return def;
}

/** Validates and saves a new workflow as version 1. */
export async function createWorkflow(p: WorkflowsServiceDeps, who: Principal, body: unknown): Promise<WorkflowView> {
  refuseScopedWriter(who);
  const requested = body && typeof body === 'object' ? (body as { projectId?: unknown }).projectId : undefined;
  const projectId = await resolveProject(p.db, who.orgId, typeof requested === 'string' ? requested : undefined);
  const def = await check(p, who, projectId, body);
  const id = randomUUID();
  try {
    await p.db.tx(async (q) => {
      await store.insertWorkflow(q, {
        id,
        orgId: who.orgId,
        projectId,
        definition: def,
        asWritten: inWrittenOrder(def, body),
        createdBy: who.actor.id,
      });
      await appendAudit(q, {
        orgId: who.orgId,
        actor: who.actor,
        source: who.source ?? null,
        action: 'workflow.create',
        targetType: 'workflow',
        targetId: id,
        diff: { after: def },
      });
    });
  } catch (err) {
    if (isUniqueViolation(err))
      throw new ConflictError('workflow_name_taken', `A workflow named '${def.name}' already exists in this project.`);
    throw err;
  }
  return latestView(p, who.orgId, id);
}

/** Validates a definition and saves it as the workflow's next version. Runs keep the version they started with. */
/**
 * A new definition for an existing workflow, checked: the writer may write definitions, the
 * workflow exists in the organisation and stays in its project, and the definition passes every
 * save-time check. Saving (a version or a draft) is the caller's.
 */
export async function checkedEdit(
  p: WorkflowsServiceDeps,
  who: Principal,
  id: string,
  body: unknown,
): Promise<{ existing: store.WorkflowRow; def: WorkflowDefinition }> {
  refuseScopedWriter(who);
  const existing = await store.getWorkflow(p.db, who.orgId, id);
  if (!existing) throw new NotFoundError('workflow', id);
  const requested = body && typeof body === 'object' ? (body as { projectId?: unknown }).projectId : undefined;
  if (requested !== undefined && requested !== existing.projectId) {
    throw new ValidationError(
      'The workflow definition is invalid.',
      [{ path: 'projectId', message: 'a workflow cannot move to another project' }],
      'invalid_definition',
    );
  }
  return { existing, def: await check(p, who, existing.projectId, body, id) };
}

export async function updateWorkflow(p: WorkflowsServiceDeps, who: Principal, id: string, body: unknown): Promise<WorkflowView> {
  const { existing, def } = await checkedEdit(p, who, id, body);
  try {
    await p.db.tx(async (q) => {
      const version = await store.insertVersion(q, {
        orgId: who.orgId,
        workflowId: id,
        definition: def,
        asWritten: inWrittenOrder(def, body),
        createdBy: who.actor.id,
      });
      if (version === null) throw new NotFoundError('workflow', id);
      await appendAudit(q, {
        orgId: who.orgId,
        actor: who.actor,
        source: who.source ?? null,
        action: 'workflow.update',
        targetType: 'workflow',
        targetId: id,
        diff: { before: existing.definition, after: def, version },
      });
    });
  } catch (err) {
    if (isUniqueViolation(err))
      throw new ConflictError('workflow_name_taken', `A workflow named '${def.name}' already exists in this project.`);
    throw err;
  }
  return latestView(p, who.orgId, id);
}

/** One workflow (latest version, or the given one). */
export async function getWorkflow(p: WorkflowsServiceDeps, who: Principal, id: string, version?: number): Promise<WorkflowView> {
  const w = await store.getWorkflowVersionView(p.db, who.orgId, id, version ?? null);
  if (w) return toView(w);
  if (version !== undefined && (await store.getWorkflow(p.db, who.orgId, id)))
    throw new NotFoundError('workflow version', `${id}@${version}`);
  throw new NotFoundError('workflow', id);
}

/** Workflows of the organisation, optionally in one project, with their last run. */
export async function listWorkflows(p: WorkflowsServiceDeps, who: Principal, projectId?: string, includeArchived = false) {
  const rows = await store.listWorkflows(p.db, who.orgId, projectId ?? null, includeArchived);
  return {
    items: rows.map((r) => ({
      id: r.id,
      name: r.name,
      projectId: r.projectId,
      version: r.version,
      ...(r.description ? { description: r.description } : {}),
      taskCount: r.taskCount,
      updatedAt: r.updatedAt.toISOString(),
      lastRun: r.lastRunId ? { id: r.lastRunId, status: r.lastRunStatus as never, createdAt: r.lastRunAt!.toISOString() } : null,
      ...(r.archived ? { archived: true } : {}),
    })),
  };
}

/** The versions of a workflow, newest first. */
export async function listVersions(p: WorkflowsServiceDeps, who: Principal, id: string) {
  const rows = await store.listVersions(p.db, who.orgId, id);
  if (!rows.length) throw new NotFoundError('workflow', id);
  return { items: rows.map((r) => ({ version: r.version, createdAt: r.createdAt.toISOString(), createdBy: r.createdBy })) };
}

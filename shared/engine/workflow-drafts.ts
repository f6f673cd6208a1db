/**
 * Drafts, publishing, rollback and version diffs (issue #18). A draft is checked like a save and
 * stored beside the workflow; nothing runs it. Publishing makes it the next version, rollback makes
 * an earlier version's definition the next version: both are ordinary versions afterwards, so
 * triggers, schedules and child workflows start them like any other latest version.
 * `expectedVersion` makes either conditional on no one having published since (409).
 */
import type { Principal } from '../domain/principal';
import type { WorkflowView } from '../domain/api';
import { ConflictError, NotFoundError, ValidationError } from '../domain/errors';
import { inWrittenOrder } from '../domain/key-order';
import type { WorkflowDefinition } from '../domain/workflow-definition';
import { diffDefinitions } from '../domain/workflow-diff';
import type { z } from 'zod';
import type { WorkflowDraftView, WorkflowVersionDiff } from '../domain/workflow-versions-api';
import { isUniqueViolation, type Queryable } from '../db/db';
import type { Platform } from '../platform';
import { appendAudit } from '../store/audit';
import * as drafts from '../store/workflow-drafts';
import * as store from '../store/workflows';
import { check, checkedEdit, latestView, refuseScopedWriter } from './workflows-service';

/** What this module uses of the platform (not the whole of it). */
export type WorkflowDraftsDeps = Pick<Platform, 'connectors' | 'db' | 'registry'>;

type DraftView = z.infer<typeof WorkflowDraftView>;

function draftView(d: drafts.DraftRow): DraftView {
  return {
    workflowId: d.workflowId,
    basedOnVersion: d.basedOnVersion,
    definition: d.asWritten,
    updatedAt: d.updatedAt.toISOString(),
    updatedBy: d.updatedBy,
  };
}

/** Checks and saves the draft of a workflow; runs keep starting the latest version. */
export async function saveDraft(p: WorkflowDraftsDeps, who: Principal, id: string, body: unknown): Promise<DraftView> {
  const { existing, def } = await checkedEdit(p, who, id, body);
  const row = await p.db.tx(async (q) => {
    const r = await drafts.upsertDraft(q, {
      orgId: who.orgId,
      workflowId: id,
      basedOnVersion: existing.version,
      definition: def,
      asWritten: inWrittenOrder(def, body),
      updatedBy: who.actor.id,
    });
    await appendAudit(q, {
      orgId: who.orgId,
      actor: who.actor,
      source: who.source ?? null,
      action: 'workflow.draft.save',
      targetType: 'workflow',
      targetId: id,
      diff: { basedOnVersion: existing.version, after: def },
    });
    return r;
  });
  return draftView(row);
}

/** The draft of a workflow; 404 `workflow_draft_not_found` when it has none. */
export async function getDraft(p: WorkflowDraftsDeps, who: Principal, id: string): Promise<DraftView> {
  const d = await drafts.getDraft(p.db, who.orgId, id);
  if (!d) throw new NotFoundError('workflow draft', id);
  return draftView(d);
}

/** Discards the draft of a workflow. */
export async function discardDraft(p: WorkflowDraftsDeps, who: Principal, id: string): Promise<void> {
  refuseScopedWriter(who);
  await p.db.tx(async (q) => {
    if (!(await drafts.deleteDraft(q, who.orgId, id))) throw new NotFoundError('workflow draft', id);
    await appendAudit(q, {
      orgId: who.orgId,
      actor: who.actor,
      source: who.source ?? null,
      action: 'workflow.draft.discard',
      targetType: 'workflow',
      targetId: id,
    });
  });
}

/** Locks the workflow and refuses when a version newer than `expected` was published. Returns the latest version. */
async function lockExpecting(q: Queryable, orgId: string, id: string, expected: number | undefined): Promise<number> {
  const latest = await drafts.lockLatestVersion(q, orgId, id);
  if (latest === null) throw new NotFoundError('workflow', id);
  if (expected !== undefined && expected !== latest) {
    throw new ConflictError(
      'version_conflict',
      `Workflow ${id} is at version ${latest}, not ${expected}: someone published since. Reload it, then publish again.`,
    );
  }
  return latest;
}

/** Saves `def` as the next version inside `q` (the workflow row is locked); 409 on a taken name. */
async function insertNext(
  q: Queryable,
  who: Principal,
  id: string,
  def: WorkflowDefinition,
  asWritten: WorkflowDefinition,
): Promise<number> {
  const version = await store.insertVersion(q, { orgId: who.orgId, workflowId: id, definition: def, asWritten, createdBy: who.actor.id });
  if (version === null) throw new NotFoundError('workflow', id);
  return version;
}

async function namingConflicts<T>(name: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (isUniqueViolation(err))
      throw new ConflictError('workflow_name_taken', `A workflow named '${name}' already exists in this project.`);
    throw err;
  }
}

/** Publishes the draft as the next version and removes it. */
export async function publishDraft(
  p: WorkflowDraftsDeps,
  who: Principal,
  id: string,
  body: { expectedVersion?: number | undefined },
): Promise<WorkflowView> {
  refuseScopedWriter(who);
  const existing = await store.getWorkflow(p.db, who.orgId, id);
  if (!existing) throw new NotFoundError('workflow', id);
  const saved = await drafts.getDraft(p.db, who.orgId, id);
  if (!saved) throw new NotFoundError('workflow draft', id);
  // Checked again: a connector or workflow it names may have gone since the draft was saved.
  const def = await check(p, who, existing.projectId, saved.asWritten, id);
  await namingConflicts(def.name, () =>
    p.db.tx(async (q) => {
      await lockExpecting(q, who.orgId, id, body.expectedVersion);
      const draft = await drafts.getDraft(q, who.orgId, id, true);
      if (!draft || draft.updatedAt.getTime() !== saved.updatedAt.getTime()) {
        throw new ConflictError('draft_changed', `The draft of workflow ${id} changed while it was being published; publish again.`);
      }
      const version = await insertNext(q, who, id, def, inWrittenOrder(def, saved.asWritten));
      await drafts.deleteDraft(q, who.orgId, id);
      await appendAudit(q, {
        orgId: who.orgId,
        actor: who.actor,
        source: who.source ?? null,
        action: 'workflow.publish',
        targetType: 'workflow',
        targetId: id,
        diff: { version, basedOnVersion: draft.basedOnVersion },
      });
    }),
  );
  return latestView(p, who.orgId, id);
}

/** Publishes an earlier version's definition again, as the next version. */
export async function rollback(
  p: WorkflowDraftsDeps,
  who: Principal,
  id: string,
  body: { version: number; expectedVersion?: number | undefined },
): Promise<WorkflowView> {
  refuseScopedWriter(who);
  const latest = await store.getWorkflow(p.db, who.orgId, id);
  if (!latest) throw new NotFoundError('workflow', id);
  const target = await store.getWorkflowVersionView(p.db, who.orgId, id, body.version);
  if (!target) throw new NotFoundError('workflow version', `${id}@${body.version}`);
  if (body.version >= latest.version) {
    throw new ValidationError(
      'Nothing to roll back to.',
      [{ path: 'version', message: `version ${body.version} is the latest version; roll back to an earlier one` }],
      'invalid_rollback',
    );
  }
  const def = await check(p, who, latest.projectId, target.definition, id);
  await namingConflicts(def.name, () =>
    p.db.tx(async (q) => {
      const from = await lockExpecting(q, who.orgId, id, body.expectedVersion);
      const version = await insertNext(q, who, id, def, inWrittenOrder(def, target.definition));
      await appendAudit(q, {
        orgId: who.orgId,
        actor: who.actor,
        source: who.source ?? null,
        action: 'workflow.rollback',
        targetType: 'workflow',
        targetId: id,
        diff: { version, restored: body.version, from },
      });
    }),
  );
  return latestView(p, who.orgId, id);
}

/** What changed from version `a` to version `b`. */
export async function diffVersions(
  p: WorkflowDraftsDeps,
  who: Principal,
  id: string,
  a: number,
  b: number,
): Promise<z.infer<typeof WorkflowVersionDiff>> {
  const [va, vb] = await Promise.all([
    store.getWorkflowVersionView(p.db, who.orgId, id, a),
    store.getWorkflowVersionView(p.db, who.orgId, id, b),
  ]);
  if (!va || !vb) {
    if (!(await store.getWorkflow(p.db, who.orgId, id))) throw new NotFoundError('workflow', id);
    throw new NotFoundError('workflow version', `${id}@${va ? b : a}`);
  }
  return {
    workflowId: id,
    from: a,
    to: b,
    ...(diffDefinitions(va.definition, vb.definition) as Omit<z.infer<typeof WorkflowVersionDiff>, 'workflowId' | 'from' | 'to'>),
  };
}

/**
 * API keys limited to some workflows. A route that acts on one workflow declares where its id
 * comes from (`{ param: 'id', via: 'workflow' }`, or `via: 'run'` when the parameter is a run
 * whose workflow counts). A scoped key may call only such routes, and only for its workflows;
 * every other route refuses it, so a route added later is closed to scoped keys until it
 * declares its scope.
 */
import { NotFoundError } from '../domain/errors';
import type { Queryable } from '../db/db';
import { workflowOfRun } from '../store/run-workflow';
import { WorkflowScopeError } from './errors';
import type { Principal } from '../domain/principal';

/** How a route names the workflow it acts on. */
export interface WorkflowScopeRule {
  param: string;
  via: 'workflow' | 'run';
}

/** Throws WorkflowScopeError when a scoped principal may not call this route with these params. */
export async function enforceWorkflowScope(
  p: { db: Queryable },
  who: Principal,
  rule: WorkflowScopeRule | undefined,
  params: unknown,
): Promise<void> {
  if (!who.workflowScope) return;
  if (!rule) throw new WorkflowScopeError('This API key is limited to some workflows and cannot call this route.');
  const value = (params as Record<string, unknown> | undefined)?.[rule.param];
  if (typeof value !== 'string') throw new WorkflowScopeError('This API key is limited to some workflows and cannot call this route.');
  let workflowId = value;
  if (rule.via === 'run') {
    const w = await workflowOfRun(p.db, who.orgId, value);
    if (!w) throw new NotFoundError('run', value);
    workflowId = w;
  }
  if (!who.workflowScope.includes(workflowId.toLowerCase())) {
    throw new WorkflowScopeError(`This API key is not allowed to act on workflow ${workflowId}.`);
  }
}

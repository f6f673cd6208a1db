/**
 * Workflow-run suggestions. The model may call `suggest_workflow_run`; that call is only data.
 * Before a suggestion reaches the user it must name a workflow of the caller's organisation (and
 * API-key scope), carry an input that passes the workflow's input schema, the caller must be
 * allowed to trigger runs (operator or above), and the workflow's digital worker must not be
 * paused. Anything else is dropped and logged. Nothing here starts a run or touches an adapter:
 * triggering stays POST /api/workflows/{id}/runs, by the user.
 */
import { z } from 'zod';
import { hasRole, type Principal } from '../../domain/principal';
import type { Queryable } from '../../db/db';
import { DemitonError, ValidationError } from '../../domain/errors';
import type { Suggestion } from '../../domain/studio-api';
import { validateRunInput } from '../../engine/input-schema';
import { refuseIfWorkerPaused } from '../../engine/workers-service';
import { getWorkflow } from '../../store/workflows';
import type { ToolSpec } from '../llm/chat-model';

export const SUGGEST_TOOL_NAME = 'suggest_workflow_run';

/** The one tool the model is offered (to callers who may trigger runs). */
export const SUGGEST_TOOL: ToolSpec = {
  name: SUGGEST_TOOL_NAME,
  description:
    'Propose that the user run one of the workflows listed in the context. This does not run anything: the user sees the proposal and decides. ' +
    'The input must satisfy the workflow input schema.',
  parameters: {
    type: 'object',
    properties: {
      workflowId: { type: 'string', description: 'The id of the workflow, from the context.' },
      input: { type: 'object', description: 'The run input, matching the workflow input schema.' },
      rationale: { type: 'string', description: 'One or two sentences on why this run helps.' },
    },
    required: ['workflowId', 'input', 'rationale'],
    additionalProperties: false,
  },
};

const Args = z.strictObject({
  workflowId: z.uuid(),
  input: z.record(z.string(), z.json()).default({}),
  rationale: z.string().trim().min(1).max(1000),
});

export type RejectedSuggestion = {
  reason: 'not_a_suggestion_tool' | 'malformed' | 'forbidden' | 'unknown_workflow' | 'invalid_input' | 'not_triggerable';
  tool: string;
  detail: string;
};

/** Validates one tool call from the model; returns the suggestion to show, or why it was dropped. */
export async function validateSuggestion(
  db: Queryable,
  principal: Principal,
  call: { name: string; arguments: string },
): Promise<{ ok: Suggestion } | { rejected: RejectedSuggestion }> {
  const reject = (reason: RejectedSuggestion['reason'], detail: string) => ({ rejected: { reason, tool: call.name, detail } });
  if (call.name !== SUGGEST_TOOL_NAME) return reject('not_a_suggestion_tool', `the model called '${call.name}', which does not exist`);
  if (!hasRole(principal.role, 'operator')) return reject('forbidden', `role '${principal.role}' may not trigger runs`);
  let raw: unknown;
  try {
    raw = JSON.parse(call.arguments);
  } catch (err) {
    return reject('malformed', `arguments are not JSON: ${(err as Error).message}`);
  }
  const args = Args.safeParse(raw);
  if (!args.success)
    return reject('malformed', args.error.issues.map((i) => `${i.path.join('.') || '(arguments)'}: ${i.message}`).join('; '));
  const { workflowId, input, rationale } = args.data;
  if (principal.workflowScope && !principal.workflowScope.includes(workflowId))
    return reject('forbidden', `workflow ${workflowId} is outside the caller's scope`);
  const w = await getWorkflow(db, principal.orgId, workflowId);
  if (!w) return reject('unknown_workflow', `no workflow ${workflowId} in the caller's organisation`);
  try {
    validateRunInput(w.definition.inputSchema, input, `${w.id}:${w.version}`);
  } catch (err) {
    if (err instanceof ValidationError) return reject('invalid_input', err.issues.map((i) => `${i.path}: ${i.message}`).join('; '));
    throw err;
  }
  // A run the trigger would refuse (its digital worker is paused) is not worth proposing.
  try {
    await refuseIfWorkerPaused(db, principal.orgId, w.id);
  } catch (err) {
    if (err instanceof DemitonError) return reject('not_triggerable', err.message);
    throw err;
  }
  return { ok: { workflowId: w.id, workflowName: w.name, input, rationale } };
}

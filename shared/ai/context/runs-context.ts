/**
 * Runs: the run in focus with its tasks and errors, and recent failures ("why did last night's
 * invoice sync fail?"). Inputs and outputs are left out: they are business data, and the errors
 * and statuses answer the questions this is for.
 */
import { getRunWithTasks, listRuns } from '../../store/run-views';
import { inWorkflowScope, words, type ContextProvider, type Snippet } from './context-provider';

const FAILURE_WORDS = ['fail', 'failed', 'failure', 'failing', 'error', 'errors', 'why', 'broke', 'broken', 'crash', 'wrong'];

/** Provides the focused run and the organisation's recent failed runs. */
export const runsContext: ContextProvider = {
  name: 'runs',
  async provide({ db, principal, focus, question }) {
    const out: Snippet[] = [];
    if (focus.runId) {
      const r = await getRunWithTasks(db, principal.orgId, focus.runId);
      if (r && inWorkflowScope(principal, r.run.workflowId)) {
        const tasks = r.tasks.map(
          (t) =>
            `  - ${t.key} (${t.type}): ${t.status}, ${t.attempts} attempt(s)${t.error ? `, error ${t.error.code}: ${t.error.message}` : ''}`,
        );
        out.push({
          source: { type: 'run', id: r.run.id, label: `Run of ${r.run.workflowName}` },
          text:
            `Run ${r.run.id} of workflow "${r.run.workflowName}" v${r.run.workflowVersion}: ${r.run.status}, triggered by ${r.run.trigger}, created ${r.run.createdAt.toISOString()}` +
            `${r.run.finishedAt ? `, finished ${r.run.finishedAt.toISOString()}` : ''}${r.run.error ? `. Error ${r.run.error.code}: ${r.run.error.message}` : ''}\nTasks:\n${tasks.join('\n')}`,
          score: 0.95,
        });
      }
    }
    const q = words(question);
    const asksAboutFailures = FAILURE_WORDS.some((w) => q.has(w));
    const failed = (
      await listRuns(db, principal.orgId, { status: 'FAILED', limit: 10, ...(focus.workflowId ? { workflowId: focus.workflowId } : {}) })
    )
      .filter((r) => r.id !== focus.runId && inWorkflowScope(principal, r.workflowId))
      .slice(0, 10);
    if (failed.length) {
      out.push({
        source: { type: 'run', id: failed[0]!.id, label: 'Recent failed runs' },
        text: `Recent failed runs (newest first):\n${failed
          .map(
            (r) =>
              `- run ${r.id} of "${r.workflowName}" at ${r.createdAt.toISOString()}: ${r.error ? `${r.error.code}${r.error.taskKey ? ` in task ${r.error.taskKey}` : ''}: ${r.error.message}` : 'no error recorded'}`,
          )
          .join('\n')}`,
        score: asksAboutFailures ? 0.85 : 0.35,
      });
    }
    return out;
  },
};

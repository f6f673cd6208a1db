/**
 * The tasks of a workflow as a flow: one card per task in order, with what it calls. Atomic
 * tasks name connector and operation; workflow tasks link to the workflow they start; chunked
 * tasks show their generator and what runs for each record.
 */
import { Link } from 'react-router';
import type { WorkflowDefinition } from '../services/api';

type Task = WorkflowDefinition['tasks'][number];

/** What each task type means, in words: shown beside the type wherever it appears. */
export const TASK_TYPE_HELP: Record<string, string> = {
  atomic: 'one call to a connector operation, done as a whole: it succeeds or fails as one step, and a retry repeats the whole call',
  workflow: 'starts another workflow as a child run and waits for it',
  chunked: 'reads records from a generator and processes them in chunks, each chunk as its own child run',
  wait: 'waits for a signal, an event or a time without holding a worker',
  approval: 'waits for people to approve or reject (in their Inbox)',
};

/** A short glossary of the task types, folded away under the tasks. */
export function TaskTypeLegend() {
  return (
    <details className="small legend-types">
      <summary>What do atomic, workflow and chunked mean?</summary>
      <dl>
        {Object.entries(TASK_TYPE_HELP).map(([k, v]) => (
          <div key={k}>
            <dt>{k}</dt>
            <dd>{v}</dd>
          </div>
        ))}
      </dl>
    </details>
  );
}

export function TaskGraph({ tasks, workflowIdByName }: { tasks: Task[]; workflowIdByName: Map<string, string> }) {
  const ref = (name: string) => {
    const id = workflowIdByName.get(name);
    return id ? <Link to={`/workflows/${id}`}>{name}</Link> : <code>{name}</code>;
  };
  return (
    <>
      <ol className="graph" aria-label="Tasks in order">
        {tasks.map((t, i) => (
          <li key={t.key} className={`node node-${t.type}`}>
            <div className="node-head">
              <span className="node-index" aria-hidden="true">
                {i + 1}
              </span>
              <strong>{t.key}</strong>
              <span className={`type type-${t.type}`} title={TASK_TYPE_HELP[t.type]}>
                {t.type}
              </span>
            </div>
            <div className="node-body">
              {t.type === 'atomic' && (
                <span>
                  <code>{t.connector}</code> · <code>{t.operation}</code>
                  {t.retry ? ` · up to ${t.retry.maxAttempts} attempts` : ''}
                </span>
              )}
              {t.type === 'workflow' && <span>starts {ref(t.workflow)}</span>}
              {t.type === 'chunked' && (
                <span>
                  for each record of <code>{t.generator.connector}</code> · <code>{t.generator.operation}</code> →{' '}
                  {'workflow' in t.each ? ref(t.each.workflow) : <code>{`${t.each.connector} · ${t.each.operation}`}</code>}
                  {` · ${t.concurrency ?? 10} at a time`}
                </span>
              )}
            </div>
          </li>
        ))}
      </ol>
      <TaskTypeLegend />
    </>
  );
}

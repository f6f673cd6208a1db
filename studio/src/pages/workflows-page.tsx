/** /workflows: the workflows of the current project with their last run. */
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { Empty, ErrorState, Loading } from '../components/states';
import { StatusBadge } from '../components/status-badge';
import { when } from '../components/format';
import { listWorkflows } from '../services/api';
import { useCurrentProject } from '../state/current-project';
import { useRunDialog } from '../state/run-dialog-store';

export function WorkflowsPage() {
  const { projectId, ready } = useCurrentProject();
  const open = useRunDialog((s) => s.open);
  const q = useQuery({ queryKey: ['workflows', projectId], queryFn: () => listWorkflows(projectId), enabled: ready });
  return (
    <>
      <div className="page-head">
        <h1 tabIndex={-1}>Workflows</h1>
        <Link className="button" to="/workflows/new">
          New workflow
        </Link>
      </div>
      {q.isPending && <Loading what="workflows" />}
      {q.isError && <ErrorState error={q.error} retry={() => void q.refetch()} />}
      {q.data && q.data.items.length === 0 && (
        <Empty title="No workflows in this project yet.">
          <p>
            <Link to="/workflows/new">Create the first one</Link>, or ask the <Link to="/studio">assistant</Link> to draft it.
          </p>
        </Empty>
      )}
      {q.data && q.data.items.length > 0 && (
        <div className="table-wrap">
          <table>
            <caption className="sr-only">Workflows and their last run</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Tasks</th>
                <th scope="col">Version</th>
                <th scope="col">Last run</th>
                <th scope="col">Updated</th>
                <th scope="col">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {q.data.items.map((w) => (
                <tr key={w.id}>
                  <td>
                    <Link to={`/workflows/${w.id}`}>{w.name}</Link>
                    {w.description && <div className="muted small">{w.description}</div>}
                  </td>
                  <td>{w.taskCount}</td>
                  <td>v{w.version}</td>
                  <td>
                    {w.lastRun ? (
                      <Link
                        to={`/runs/${w.lastRun.id}`}
                        aria-label={`Last run of ${w.name}: ${w.lastRun.status}, ${when(w.lastRun.createdAt)}`}
                      >
                        <StatusBadge status={w.lastRun.status} /> <span className="small">{when(w.lastRun.createdAt)}</span>
                      </Link>
                    ) : (
                      <span className="muted">never run</span>
                    )}
                  </td>
                  <td className="small">{when(w.updatedAt)}</td>
                  <td>
                    <button type="button" className="secondary small-button" onClick={() => open(w.id)} aria-label={`Run ${w.name}`}>
                      Run
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}

/**
 * Runs: filters by status, workflow and time; keyset pages ("Load more"). The list is scoped to
 * the current project through its workflows. The time filter applies to the pages loaded (the
 * API filters by workflow and status; runs come newest first, so loading stops once past it).
 */
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { useSearchParams, Link } from 'react-router';
import { duration, when } from '../components/format';
import { Empty, ErrorState, Loading } from '../components/states';
import { StatusBadge } from '../components/status-badge';
import { listRuns, listWorkflows, type RunStatus } from '../services/api';
import { useCurrentProject } from '../state/current-project';

const STATUSES: RunStatus[] = ['PENDING', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED'];
const SINCE: Array<[string, string, number]> = [
  ['', 'Any time', 0],
  ['1h', 'Last hour', 3_600_000],
  ['24h', 'Last 24 hours', 86_400_000],
  ['7d', 'Last 7 days', 7 * 86_400_000],
];

export function RunsPage() {
  const [params, setParams] = useSearchParams();
  const status = (params.get('status') ?? '') as RunStatus | '';
  const workflowId = params.get('workflowId') ?? '';
  const since = params.get('since') ?? '';
  const { projectId, ready } = useCurrentProject();
  const workflows = useQuery({ queryKey: ['workflows', projectId], queryFn: () => listWorkflows(projectId), enabled: ready });
  const inProject = new Set((workflows.data?.items ?? []).map((w) => w.id));
  const runs = useInfiniteQuery({
    queryKey: ['runs', { status, workflowId }],
    queryFn: ({ pageParam }) => listRuns({ status: status || undefined, workflowId: workflowId || undefined, limit: 50, cursor: pageParam }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    refetchInterval: 5000,
  });
  const sinceMs = SINCE.find(([k]) => k === since)?.[2] ?? 0;
  const cutoff = sinceMs ? Date.now() - sinceMs : 0;
  const all = (runs.data?.pages ?? []).flatMap((p) => p.items);
  const items = all.filter((r) => inProject.has(r.workflowId) && Date.parse(r.createdAt) >= cutoff);
  const pastCutoff = all.length > 0 && Date.parse(all.at(-1)!.createdAt) < cutoff;
  const set = (k: string, v: string) => {
    const next = new URLSearchParams(params);
    if (v) next.set(k, v);
    else next.delete(k);
    setParams(next, { replace: true });
  };
  return (
    <>
      <div className="page-head">
        <h1 tabIndex={-1}>Runs</h1>
      </div>
      <form className="filters" role="search" aria-label="Filter runs" onSubmit={(e) => e.preventDefault()}>
        <div className="field">
          <label htmlFor="f-status">Status</label>
          <select id="f-status" value={status} onChange={(e) => set('status', e.target.value)}>
            <option value="">Any status</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {s.toLowerCase()}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="f-workflow">Workflow</label>
          <select id="f-workflow" value={workflowId} onChange={(e) => set('workflowId', e.target.value)}>
            <option value="">Any workflow</option>
            {(workflows.data?.items ?? []).map((w) => (
              <option key={w.id} value={w.id}>
                {w.name}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="f-since">Started</label>
          <select id="f-since" value={since} onChange={(e) => set('since', e.target.value)}>
            {SINCE.map(([k, label]) => (
              <option key={k} value={k}>
                {label}
              </option>
            ))}
          </select>
        </div>
      </form>
      {(runs.isPending || workflows.isPending) && <Loading what="runs" />}
      {runs.isError && <ErrorState error={runs.error} retry={() => void runs.refetch()} />}
      {runs.data && workflows.data && items.length === 0 && <Empty title="No runs match these filters." />}
      {items.length > 0 && (
        <div className="table-wrap">
          <table>
            <caption className="sr-only">Runs, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Run</th>
                <th scope="col">Workflow</th>
                <th scope="col">Status</th>
                <th scope="col">Trigger</th>
                <th scope="col">Created</th>
                <th scope="col">Duration</th>
              </tr>
            </thead>
            <tbody>
              {items.map((r) => (
                <tr key={r.id}>
                  <td>
                    <Link to={`/runs/${r.id}`} aria-label={`Run ${r.id.slice(0, 8)} of ${r.workflowName}`}>
                      <code>{r.id.slice(0, 8)}</code>
                    </Link>
                    {r.parentRunId && <span className="muted small"> (child)</span>}
                  </td>
                  <td>
                    {r.workflowName} <span className="muted small">v{r.workflowVersion}</span>
                  </td>
                  <td>
                    <StatusBadge status={r.status} />
                  </td>
                  <td>{r.trigger}</td>
                  <td className="small">{when(r.createdAt)}</td>
                  <td className="small">{duration(r.startedAt, r.finishedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {runs.hasNextPage && !pastCutoff && (
        <div className="actions">
          <button type="button" className="secondary" onClick={() => void runs.fetchNextPage()} disabled={runs.isFetchingNextPage}>
            {runs.isFetchingNextPage ? 'Loading…' : 'Load more'}
          </button>
        </div>
      )}
    </>
  );
}

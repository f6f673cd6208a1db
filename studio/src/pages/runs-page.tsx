/**
 * Runs: filters by status, workflow and creation time (all applied by the API: `createdAfter` /
 * `createdBefore`), keyset pages ("Load more"). The list is scoped to the current project through
 * its workflows.
 */
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { useSearchParams, Link } from 'react-router';
import { browserZone, duration, when } from '../components/format';
import { Empty, ErrorState, Loading, RequestProblems } from '../components/states';
import { StatusBadge } from '../components/status-badge';
import { ApiError, listRuns, listWorkflows, type RunStatus } from '../services/api';
import { useCurrentProject } from '../state/current-project';

const STATUSES: RunStatus[] = ['PENDING', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED'];
const SINCE: Array<[string, string, number]> = [
  ['', 'Any time', 0],
  ['1h', 'Last hour', 3_600_000],
  ['24h', 'Last 24 hours', 86_400_000],
  ['7d', 'Last 7 days', 7 * 86_400_000],
  ['custom', 'Between…', 0],
];

/** A `datetime-local` value (the browser's time zone) as an ISO instant, or undefined when empty or invalid. */
export function localToIso(v: string): string | undefined {
  if (!v) return undefined;
  const t = new Date(v);
  return Number.isNaN(t.getTime()) ? undefined : t.toISOString();
}

/**
 * The API's time window for the chosen filter. A relative window ("last hour") is anchored when it
 * is chosen, so the list (and the pages loaded with "Load more") does not restart every second.
 */
function useTimeWindow(since: string, from: string, to: string): { createdAfter?: string | undefined; createdBefore?: string | undefined } {
  return useMemo(() => {
    if (since === 'custom') return { createdAfter: localToIso(from), createdBefore: localToIso(to) };
    const ms = SINCE.find(([k]) => k === since)?.[2] ?? 0;
    return ms ? { createdAfter: new Date(Date.now() - ms).toISOString() } : {};
  }, [since, from, to]);
}

export function RunsPage() {
  const [params, setParams] = useSearchParams();
  const status = (params.get('status') ?? '') as RunStatus | '';
  const workflowId = params.get('workflowId') ?? '';
  const since = params.get('since') ?? '';
  const from = params.get('from') ?? '';
  const to = params.get('to') ?? '';
  const timeWindow = useTimeWindow(since, from, to);
  const { projectId, ready } = useCurrentProject();
  const workflows = useQuery({ queryKey: ['workflows', projectId], queryFn: () => listWorkflows(projectId), enabled: ready });
  const inProject = new Set((workflows.data?.items ?? []).map((w) => w.id));
  const runs = useInfiniteQuery({
    queryKey: ['runs', { status, workflowId, ...timeWindow }],
    queryFn: ({ pageParam }) =>
      listRuns({ status: status || undefined, workflowId: workflowId || undefined, ...timeWindow, limit: 50, cursor: pageParam }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    refetchInterval: (q) => (q.state.error ? false : 5000),
    retry: (n, err) => !(err instanceof ApiError && err.status === 400) && n < 3,
  });
  const items = (runs.data?.pages ?? []).flatMap((p) => p.items).filter((r) => inProject.has(r.workflowId));
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
          <label htmlFor="f-since">Created</label>
          <select id="f-since" value={since} onChange={(e) => set('since', e.target.value)} aria-describedby="f-since-help">
            {SINCE.map(([k, label]) => (
              <option key={k} value={k}>
                {label}
              </option>
            ))}
          </select>
        </div>
        <p className="help filters-help" id="f-since-help">
          Shows runs by their status, their workflow and when they were created (queued, which can be before they started), in your time
          zone ({browserZone()}).
        </p>
        {since === 'custom' && (
          <>
            <div className="field">
              <label htmlFor="f-from">From (your time)</label>
              <input id="f-from" type="datetime-local" value={from} onChange={(e) => set('from', e.target.value)} />
            </div>
            <div className="field">
              <label htmlFor="f-to">Until (your time)</label>
              <input id="f-to" type="datetime-local" value={to} onChange={(e) => set('to', e.target.value)} />
            </div>
          </>
        )}
      </form>
      {(runs.isPending || workflows.isPending) && <Loading what="runs" />}
      {runs.isError &&
        (runs.error instanceof ApiError && runs.error.status === 400 ? (
          <RequestProblems error={runs.error} />
        ) : (
          <ErrorState error={runs.error} retry={() => void runs.refetch()} />
        ))}
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
                  <td className="small">
                    {duration(r.attemptStartedAt, r.finishedAt)}
                    {(r.attempt ?? 1) > 1 && (
                      <span className="muted">
                        {' '}
                        (attempt {r.attempt}; {duration(r.startedAt, r.finishedAt)} in all)
                      </span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {runs.hasNextPage && (
        <div className="actions">
          <button type="button" className="secondary" onClick={() => void runs.fetchNextPage()} disabled={runs.isFetchingNextPage}>
            {runs.isFetchingNextPage ? 'Loading…' : 'Load more'}
          </button>
        </div>
      )}
    </>
  );
}

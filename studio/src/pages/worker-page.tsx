/** A digital worker's dashboard: success rate, durations and failures over time, and the workflows it owns. */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { DurationChart, RunsPerDayChart } from '../components/charts';
import { formatMs, when } from '../components/format';
import { ErrorState, Loading } from '../components/states';
import { StatusBadge } from '../components/status-badge';
import { assignWorkflowToWorker, getWorker, getWorkerStats, listWorkflows, releaseWorkflowFromWorker, updateWorker } from '../services/api';

export function WorkerPage() {
  const { id = '' } = useParams();
  const qc = useQueryClient();
  const [days, setDays] = useState(14);
  const w = useQuery({ queryKey: ['worker', id], queryFn: () => getWorker(id) });
  const stats = useQuery({ queryKey: ['worker-stats', id, days], queryFn: () => getWorkerStats(id, days), refetchInterval: 10_000 });
  const projectWorkflows = useQuery({
    queryKey: ['workflows', w.data?.projectId],
    queryFn: () => listWorkflows(w.data!.projectId),
    enabled: !!w.data,
  });
  const [pick, setPick] = useState('');
  const refresh = () => {
    void qc.invalidateQueries({ queryKey: ['worker', id] });
    void qc.invalidateQueries({ queryKey: ['workers'] });
  };
  const toggle = useMutation({
    mutationFn: () => updateWorker(id, { status: w.data!.status === 'active' ? 'paused' : 'active' }),
    onSuccess: refresh,
  });
  const assign = useMutation({
    mutationFn: (wf: string) => assignWorkflowToWorker(id, wf),
    onSuccess: () => {
      setPick('');
      refresh();
    },
  });
  const release = useMutation({ mutationFn: (wf: string) => releaseWorkflowFromWorker(id, wf), onSuccess: refresh });

  if (w.isPending) return <Loading what="the digital worker" />;
  if (w.isError) return <ErrorState error={w.error} retry={() => void w.refetch()} />;
  const worker = w.data;
  const owned = new Set(worker.workflows.map((x) => x.id));
  const t = stats.data?.totals;
  return (
    <>
      <div className="page-head">
        <div>
          <h1 tabIndex={-1}>
            {worker.name} <StatusBadge status={worker.status} />
          </h1>
          <p className="muted">
            Owner: {worker.owner}
            {worker.description ? ` · ${worker.description}` : ''}
          </p>
        </div>
        <button type="button" onClick={() => toggle.mutate()} disabled={toggle.isPending}>
          {worker.status === 'active' ? 'Pause worker' : 'Resume worker'}
        </button>
      </div>
      {worker.status === 'paused' && (
        <p className="note" role="note">
          Paused: runs of its workflows are refused and its schedules do not fire until it is resumed.
        </p>
      )}
      <div className="field inline">
        <label htmlFor="stats-days">Period</label>
        <select id="stats-days" value={days} onChange={(e) => setDays(Number(e.target.value))}>
          <option value={7}>7 days</option>
          <option value={14}>14 days</option>
          <option value={30}>30 days</option>
        </select>
      </div>
      {stats.isPending && <Loading what="statistics" />}
      {stats.isError && <ErrorState error={stats.error} retry={() => void stats.refetch()} />}
      {t && stats.data && (
        <>
          <dl className="tiles">
            <div>
              <dt>Success rate</dt>
              <dd>{t.successRate === null ? '—' : `${Math.round(t.successRate * 100)}%`}</dd>
            </div>
            <div>
              <dt>Runs</dt>
              <dd>{t.runs}</dd>
            </div>
            <div>
              <dt>Failed</dt>
              <dd>{t.failed}</dd>
            </div>
            <div>
              <dt>Average duration</dt>
              <dd>{formatMs(t.avgDurationMs)}</dd>
            </div>
            <div>
              <dt>95th percentile</dt>
              <dd>{formatMs(t.p95DurationMs)}</dd>
            </div>
          </dl>
          <div className="two-col">
            <RunsPerDayChart days={stats.data.daily} title="Runs per day" />
            <DurationChart days={stats.data.daily} title="Average duration per day" />
          </div>
          <h2>Recent failures</h2>
          {stats.data.recentFailures.length === 0 ? (
            <p className="muted">No failures in this period.</p>
          ) : (
            <ul className="list">
              {stats.data.recentFailures.map((f) => (
                <li key={f.runId}>
                  <Link to={`/runs/${f.runId}`}>{f.workflowName}</Link> <span className="small muted">{when(f.at)}</span> —{' '}
                  {f.message ?? 'no message'}
                </li>
              ))}
            </ul>
          )}
        </>
      )}
      <h2>Workflows it owns</h2>
      {worker.workflows.length === 0 ? (
        <p className="muted">None yet.</p>
      ) : (
        <ul className="list">
          {worker.workflows.map((x) => (
            <li key={x.id}>
              <Link to={`/workflows/${x.id}`}>{x.name}</Link>{' '}
              <button type="button" className="link small" onClick={() => release.mutate(x.id)}>
                Release<span className="sr-only"> {x.name}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
      <form
        className="inline-form"
        onSubmit={(e) => {
          e.preventDefault();
          if (pick) assign.mutate(pick);
        }}
      >
        <label htmlFor="assign-wf">Give it a workflow</label>
        <select id="assign-wf" value={pick} onChange={(e) => setPick(e.target.value)}>
          <option value="">Choose a workflow…</option>
          {(projectWorkflows.data?.items ?? [])
            .filter((x) => !owned.has(x.id))
            .map((x) => (
              <option key={x.id} value={x.id}>
                {x.name}
              </option>
            ))}
        </select>
        <button type="submit" className="secondary" disabled={!pick || assign.isPending}>
          Assign
        </button>
      </form>
      {(assign.isError || release.isError || toggle.isError) && (
        <p role="alert" className="problems">
          {(assign.error ?? release.error ?? toggle.error)?.message}
        </p>
      )}
    </>
  );
}

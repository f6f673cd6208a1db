/**
 * One run, live: the page reads the run, then follows its event feed and patches the cached run
 * with each change, so the timeline updates in place (rows keep their size: no layout jump).
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo, useEffect, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { ChunkProgress } from '../components/chunk-progress';
import { useConfirm } from '../components/confirm-dialog';
import { duration, when } from '../components/format';
import { JsonView } from '../components/json-view';
import { ReplayForm, type RetryOptions } from '../components/replay-form';
import { RunWaiting } from '../components/run-waiting';
import { ErrorState, Loading, RequestProblems } from '../components/states';
import { RunWaits } from '../components/run-waits';
import { StatusBadge } from '../components/status-badge';
import { TASK_TYPE_HELP, TaskTypeLegend } from '../components/task-graph';
import { GraphLegend } from '../canvas/graph-legend';
import { graphOf, graphOfRunTasks, withRunState } from '../canvas/graph-model';
import { canvasSupported, LazyCanvas } from '../canvas/lazy-canvas';
import { cancelRun, getRun, getWorkflow, retryRun, triggerRun, watchRun, type RunView, type TaskRunView } from '../services/api';
import { useCapabilities } from '../state/capabilities';

const FINISHED = new Set(['SUCCEEDED', 'FAILED', 'CANCELLED']);

/**
 * The status a task is shown with. In a run that ended FAILED or CANCELLED, a task that never
 * started will not run (until a retry), whichever of PENDING or CANCELLED the store left it in:
 * both show as "Not run". A task cancelled while it ran keeps "Cancelled".
 */
export function shownTaskStatus(runStatus: string, t: Pick<TaskRunView, 'status' | 'startedAt'>): string {
  if ((runStatus === 'FAILED' || runStatus === 'CANCELLED') && (t.status === 'PENDING' || t.status === 'CANCELLED') && !t.startedAt)
    return 'NOT_RUN';
  return t.status;
}

/** The task a retry starts from: the failed one, else the first that did not succeed. */
function retryFrom(run: Pick<RunView, 'error'> & { tasks: ReadonlyArray<{ key: string; status: string }> }): string | undefined {
  return run.error?.taskKey ?? run.tasks.find((t) => t.status !== 'SUCCEEDED')?.key;
}

/** The run, kept live by its event feed; a new `generation` (after a retry) follows it again. */
function useLiveRun(id: string, generation: number) {
  const qc = useQueryClient();
  const [live, setLive] = useState<'connecting' | 'live' | 'reconnecting' | 'ended' | 'failed'>('connecting');
  const query = useQuery({ queryKey: ['run', id], queryFn: () => getRun(id) });
  useEffect(() => {
    const ctrl = new AbortController();
    const patch = (f: (r: RunView) => RunView) => qc.setQueryData<RunView>(['run', id], (r) => (r ? f(r) : r));
    setLive('connecting');
    watchRun(
      id,
      {
        snapshot: (run) => qc.setQueryData(['run', id], run),
        run: (run) => patch((r) => ({ ...r, ...run })),
        task: (t) => patch((r) => ({ ...r, tasks: r.tasks.map((x) => (x.key === t.key ? t : x)) })),
        end: () => {
          setLive('ended');
          // Read the ended run once more: a read that raced the feed (after a retry, say) may have put an older state back.
          void qc.invalidateQueries({ queryKey: ['run', id], exact: true });
          void qc.invalidateQueries({ queryKey: ['runs'] });
        },
        connection: (ok) => setLive(ok ? 'live' : 'reconnecting'),
      },
      ctrl.signal,
    ).catch(() => setLive('failed'));
    return () => ctrl.abort();
  }, [id, qc, generation]);
  return { query, live };
}

export function RunPage() {
  const { id = '' } = useParams();
  const navigate = useNavigate();
  const qc = useQueryClient();
  const caps = useCapabilities();
  const [generation, setGeneration] = useState(0);
  const { query, live } = useLiveRun(id, generation);
  const [now, setNow] = useState(() => Date.now());
  const [confirmDialog, ask] = useConfirm();
  const latest = useQuery({
    queryKey: ['workflow', query.data?.workflowId, 'latest'],
    queryFn: () => getWorkflow(query.data!.workflowId),
    enabled: !!query.data?.workflowId,
  });
  const cancel = useMutation({ mutationFn: () => cancelRun(id), onSuccess: () => void qc.invalidateQueries({ queryKey: ['run', id] }) });
  const retry = useMutation({
    mutationFn: (options: RetryOptions = {}) => retryRun(id, options),
    onSuccess: (r) => {
      const next = (r as { id?: string } | undefined)?.id;
      if (next && next !== id) void navigate(`/runs/${next}`);
      else {
        // A rerun is a new attempt of the same run: follow its feed again, whose first event is a fresh snapshot.
        setGeneration((g) => g + 1);
      }
    },
  });
  const rerunLatest = useMutation({
    mutationFn: () => triggerRun(query.data!.workflowId, (query.data!.input ?? {}) as Record<string, unknown>),
    onSuccess: (r) => {
      void qc.invalidateQueries({ queryKey: ['runs'] });
      void navigate(`/runs/${r.id}`);
    },
  });
  const running = query.data && !FINISHED.has(query.data.status);
  useEffect(() => {
    if (!running) return;
    // Ticks the running durations once a second.
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, [running]);

  if (query.isPending) return <Loading what="the run" />;
  if (query.isError)
    return (
      <>
        <h1 tabIndex={-1}>Run</h1>
        <ErrorState error={query.error} what="this run" retry={() => void query.refetch()} />
        <p>
          <Link to="/runs">All runs</Link>
        </p>
      </>
    );
  const run = query.data;
  const canCancel = caps.data?.has('POST /api/runs/{id}/cancel') ?? false;
  const canRetry = caps.data?.has('POST /api/runs/{id}/retry') ?? false;
  // The API reruns FAILED or CANCELLED top-level runs (a child run is rerun with its parent).
  const retryable = (run.status === 'FAILED' || run.status === 'CANCELLED') && !run.parentRunId;
  const liveText = {
    connecting: 'Connecting…',
    live: 'Live',
    reconnecting: 'Reconnecting…',
    ended: 'Finished',
    failed: 'Live updates unavailable',
  }[live];
  const attempt = run.attempt ?? 1;
  const from = retryFrom(run);
  const newest = latest.data && latest.data.version > run.workflowVersion ? latest.data.version : null;
  const askCancel = async () => {
    if (
      await ask({
        title: 'Cancel this run?',
        body: <p>Tasks that are running are stopped and the rest do not run. You can retry the run later.</p>,
        confirm: 'Cancel run',
        cancel: 'Keep running',
      })
    )
      cancel.mutate();
  };
  return (
    <>
      <div className="page-head">
        <div>
          <h1 tabIndex={-1}>
            Run of <Link to={`/workflows/${run.workflowId}`}>{run.workflowName}</Link>
          </h1>
          <p className="muted">
            <code>{run.id}</code> · version {run.workflowVersion} · {run.trigger}
            {run.parentRunId && (
              <>
                {' '}
                · child of <Link to={`/runs/${run.parentRunId}`}>run {run.parentRunId.slice(0, 8)}</Link>
              </>
            )}
          </p>
        </div>
        <div className="head-actions">
          <span className={`live live-${live}`} role="status" aria-live="polite">
            {liveText}
          </span>
          <button
            type="button"
            className="secondary"
            disabled={!canCancel || !running || cancel.isPending}
            onClick={() => void askCancel()}
            title={canCancel ? undefined : 'Cancelling is not available in this deployment'}
          >
            Cancel run
          </button>
          <button
            type="button"
            className="secondary"
            disabled={!canRetry || !retryable || retry.isPending}
            onClick={() => retry.mutate({})}
            aria-describedby={retryable ? 'retry-explained' : undefined}
            title={
              !canRetry
                ? 'Retrying is not available in this deployment'
                : run.parentRunId
                  ? 'A child run is retried with the run that started it'
                  : undefined
            }
          >
            Retry
          </button>
        </div>
      </div>
      {confirmDialog}
      {cancel.isError && <RequestProblems error={cancel.error} />}
      {retry.isError && <RequestProblems error={retry.error} />}
      {retryable && canRetry && (
        <div className="note retry-note">
          <p id="retry-explained">
            <strong>Retry</strong> starts attempt {attempt + 1} of this run: the same version ({run.workflowVersion}) and the same input,
            from task <strong>{from ?? 'the first'}</strong>. Tasks that succeeded keep their output and do not run again.
          </p>
          {newest !== null && (
            <p>
              Version {newest} of this workflow is newer; a retry keeps version {run.workflowVersion}. To use the newer version,{' '}
              <button type="button" className="link" onClick={() => rerunLatest.mutate()} disabled={rerunLatest.isPending}>
                start a new run of version {newest} with the same input
              </button>
              .
            </p>
          )}
          {rerunLatest.isError && <RequestProblems error={rerunLatest.error} />}
        </div>
      )}
      <dl className="facts">
        <div>
          <dt>Status</dt>
          <dd data-testid="run-status">
            <StatusBadge status={run.status} />
          </dd>
        </div>
        <div>
          <dt>Created</dt>
          <dd>{when(run.createdAt)}</dd>
        </div>
        <div>
          <dt>Started{attempt > 1 ? ' (this attempt)' : ''}</dt>
          <dd>{when(run.attemptStartedAt)}</dd>
        </div>
        <div>
          <dt>Duration{attempt > 1 ? ' of this attempt' : ''}</dt>
          <dd data-testid="run-duration">
            {duration(run.attemptStartedAt, run.finishedAt, now)}
            {attempt > 1 && (
              <span className="small muted"> · {duration(run.startedAt, run.finishedAt, now)} in all, since attempt 1 started</span>
            )}
          </dd>
        </div>
        <div>
          <dt>Attempt</dt>
          <dd data-testid="run-attempt">{attempt}</dd>
        </div>
      </dl>
      <RunWaiting status={run.status} waiting={run.waiting} />
      {run.error && (
        <div className="problems" role="alert">
          <strong>{run.error.code}</strong>: {run.error.message}
          {run.error.taskKey && <> (task {run.error.taskKey})</>}
        </div>
      )}
      <RunWaits runId={run.id} status={run.status} />
      <RunGraph
        run={run as RunView}
        now={now}
        replay={
          canRetry && retryable
            ? {
                latestVersion: latest.data?.version ?? null,
                pending: retry.isPending,
                error: retry.error,
                run: (o) => retry.mutate(o),
              }
            : null
        }
      />
      <h2>Tasks</h2>
      <ol className="timeline" aria-label="Task timeline">
        {run.tasks.map((t) => (
          <TaskRow key={t.key} task={t as TaskRunView} shown={shownTaskStatus(run.status, t)} now={now} />
        ))}
      </ol>
      <TaskTypeLegend />
      <div className="two-col">
        <section>
          <h2>Input</h2>
          <JsonView value={run.input} label="Run input" />
        </section>
        <section>
          <h2>Output</h2>
          <JsonView value={run.output} label="Run output" />
        </section>
      </div>
    </>
  );
}

function TaskRow({ task: t, shown, now }: { task: TaskRunView; shown: string; now: number }) {
  const [open, setOpen] = useState(false);
  return (
    <li className={`task task-${t.status.toLowerCase()}`} data-task={t.key}>
      <div className="task-line">
        <StatusBadge status={shown} />
        <strong className="task-key">{t.key}</strong>
        <span className={`type type-${t.type}`} title={TASK_TYPE_HELP[t.type]}>
          {t.type}
        </span>
        {t.runAfter && t.runAfter !== 'success' && <span className="type">{t.runAfter === 'failure' ? 'on failure' : 'always'}</span>}
        {t.needs && t.needs.length > 0 && <span className="small muted">after {t.needs.join(', ')}</span>}
        {t.status === 'FAILED' && t.handled && <span className="small muted">handled</span>}
        <span className="small muted">
          {t.attempts} attempt{t.attempts === 1 ? '' : 's'} · {duration(t.startedAt, t.finishedAt, now)}
        </span>
        {t.childRunId && (
          <Link to={`/runs/${t.childRunId}`} className="small">
            child run
          </Link>
        )}
        <button type="button" className="link small" aria-expanded={open} onClick={() => setOpen(!open)}>
          {open ? 'Hide details' : 'Details'}
          <span className="sr-only"> of task {t.key}</span>
        </button>
      </div>
      {t.chunks && <ChunkProgress chunks={t.chunks} label={`Chunks of task ${t.key}`} />}
      {t.error && (
        <p className="task-error">
          <strong>{t.error.code}</strong>: {t.error.message} {t.error.retryable ? '(retryable)' : '(not retryable)'}
        </p>
      )}
      {open && (
        <div className="task-details">
          <p className="small muted">
            Started {when(t.startedAt)} · finished {when(t.finishedAt)}
          </p>
          <JsonView value={t.output} label={`Output of task ${t.key}`} />
          {t.attemptLog && t.attemptLog.length > 0 && (
            <>
              <h3 className="small">Failed attempts</h3>
              <ul className="list small" aria-label={`Failed attempts of task ${t.key}`}>
                {t.attemptLog.map((a) => (
                  <li key={a.attempt}>
                    Attempt {a.attempt}, {when(a.finishedAt)}:{' '}
                    {a.error ? (
                      <>
                        <strong>{a.error.code}</strong>: {a.error.message}
                      </>
                    ) : (
                      'no error recorded'
                    )}
                  </li>
                ))}
              </ul>
            </>
          )}
        </div>
      )}
    </li>
  );
}

/**
 * The run's task graph (the definition of the run's own version, with each task's state), and
 * the details of the task chosen on it. Without the definition the graph is drawn from the run's
 * tasks alone. Left out where the canvas cannot run: the timeline below says the same.
 */
function RunGraph({
  run,
  now,
  replay,
}: {
  run: Pick<RunView, 'workflowId' | 'workflowVersion' | 'tasks' | 'status' | 'input'>;
  now: number;
  /** Given when the run can be rerun: a failed task then offers "Retry from here" and "Edit and replay". */
  replay: { latestVersion: number | null; pending: boolean; error: Error | null; run(options: RetryOptions): void } | null;
}) {
  const [selected, setSelected] = useState<string | null>(null);
  const [editing, setEditing] = useState(false);
  const def = useQuery({
    queryKey: ['workflow', run.workflowId, run.workflowVersion],
    queryFn: () => getWorkflow(run.workflowId, run.workflowVersion),
  });
  const tasks = def.data?.definition.tasks;
  const graph = useMemo(() => {
    const base = tasks ? graphOf(tasks) : graphOfRunTasks(run.tasks);
    return withRunState(base, run.tasks, (t) => shownTaskStatus(run.status, t as TaskRunView));
  }, [tasks, run.tasks, run.status]);
  if (!canvasSupported() || def.isPending) return null;
  const task = run.tasks.find((t) => t.key === selected) as TaskRunView | undefined;
  const taskDef = tasks?.find((t) => t.key === selected);
  return (
    <section aria-labelledby="run-graph-title">
      <h2 id="run-graph-title">Graph</h2>
      <p className="small muted">Choose a task (click, or Tab to it and press Enter) to see its details.</p>
      <LazyCanvas graph={graph} label={`Task graph of this run`} selected={selected} onSelect={setSelected} now={now} fallback={null} />
      <GraphLegend run />
      {task && (
        <div className="node-details" role="region" aria-label={`Details of task ${task.key}`} data-testid="node-details">
          <h3>
            {task.key} <StatusBadge status={shownTaskStatus(run.status, task)} />
          </h3>
          <p className="small muted">
            {task.type} · {task.attempts} attempt{task.attempts === 1 ? '' : 's'} · {duration(task.startedAt, task.finishedAt, now)} ·
            started {when(task.startedAt)} · finished {when(task.finishedAt)}
            {task.status === 'FAILED' && task.handled ? ' · failure handled' : ''}
          </p>
          {taskDef && 'when' in taskDef && taskDef.when && (
            <p className="small">
              Runs only when <code>{taskDef.when}</code>
              {task.status === 'SKIPPED' ? ' — it was false, so the task was skipped.' : '.'}
            </p>
          )}
          {task.error && (
            <p className="task-error">
              <strong>{task.error.code}</strong>: {task.error.message}
            </p>
          )}
          {replay && task.status === 'FAILED' && (
            <div className="actions">
              <button type="button" disabled={replay.pending} onClick={() => replay.run({ version: 'same', fromTask: task.key })}>
                Retry from here
              </button>
              <button type="button" className="secondary" aria-expanded={editing} onClick={() => setEditing(!editing)}>
                Edit and replay…
              </button>
            </div>
          )}
          {replay && task.status === 'FAILED' && editing && (
            <ReplayForm
              input={run.input}
              taskKey={task.key}
              runVersion={run.workflowVersion}
              latestVersion={replay.latestVersion}
              pending={replay.pending}
              error={replay.error}
              onReplay={replay.run}
              onClose={() => setEditing(false)}
            />
          )}
          {task.chunks && <ChunkProgress chunks={task.chunks} label={`Chunks of task ${task.key} (details)`} />}
          {task.childRunId && (
            <p>
              <Link to={`/runs/${task.childRunId}`}>Child run of {task.key}</Link>
            </p>
          )}
          <div className="two-col">
            <div>
              <h4>Input mapping</h4>
              <JsonView
                value={taskDef && 'input' in taskDef ? (taskDef.input ?? null) : null}
                label={`Input mapping of task ${task.key}`}
              />
            </div>
            <div>
              <h4>Output</h4>
              <JsonView value={task.output} label={`Output of task ${task.key} (details)`} />
            </div>
          </div>
          <button type="button" className="link small" onClick={() => setSelected(null)}>
            Close details
          </button>
        </div>
      )}
    </section>
  );
}

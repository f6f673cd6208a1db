/**
 * A workflow: its tasks as a flow, the JSON editor (saving makes a new version), its versions,
 * its recent runs and its schedules; and the page that creates a workflow.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { DefinitionEditor, parseJson } from '../components/definition-editor';
import { when } from '../components/format';
import { Empty, ErrorState, Loading, NotAvailable, RequestProblems } from '../components/states';
import { StatusBadge } from '../components/status-badge';
import { TaskGraph } from '../components/task-graph';
import { TriggersTab } from '../components/triggers-tab';
import {
  ApiError,
  createSchedule,
  createWorkflow,
  deleteSchedule,
  getWorkflow,
  listRuns,
  listSchedules,
  listWorkflows,
  listWorkflowVersions,
  updateWorkflow,
  type FieldIssue,
  type WorkflowDefinition,
} from '../services/api';
import { useMissing } from '../state/capabilities';
import { useCurrentProject } from '../state/current-project';
import { useRunDialog } from '../state/run-dialog-store';

const STARTER: WorkflowDefinition = {
  name: 'hello-world',
  description: 'Greets someone, then shouts it.',
  inputSchema: { type: 'object', properties: { name: { type: 'string', description: 'Who to greet' } }, required: ['name'] },
  tasks: [
    { key: 'greet', type: 'atomic', connector: 'platform', operation: 'echo', input: { message: 'Hello {{ input.name }}' } },
    { key: 'shout', type: 'atomic', connector: 'platform', operation: 'transform', input: { expression: '$uppercase(steps.greet.message)' } },
  ],
} as WorkflowDefinition;

function useWorkflowNames() {
  const { projectId, ready } = useCurrentProject();
  const list = useQuery({ queryKey: ['workflows', projectId], queryFn: () => listWorkflows(projectId), enabled: ready });
  return new Map((list.data?.items ?? []).map((w) => [w.name, w.id]));
}

function issuesOf(err: unknown): FieldIssue[] {
  if (!(err instanceof ApiError)) return [];
  return err.issues.length ? [...err.issues] : [{ path: err.code, message: err.message }];
}

export function NewWorkflowPage() {
  const navigate = useNavigate();
  const qc = useQueryClient();
  const { projectId } = useCurrentProject();
  const [text, setText] = useState(() => JSON.stringify(STARTER, null, 2));
  const save = useMutation({
    mutationFn: (def: WorkflowDefinition) => createWorkflow(projectId ? { ...def, projectId } : def),
    onSuccess: (w) => {
      void qc.invalidateQueries({ queryKey: ['workflows'] });
      navigate(`/workflows/${w.id}`);
    },
  });
  const parsed = parseJson(text);
  return (
    <>
      <div className="page-head">
        <h1 tabIndex={-1}>New workflow</h1>
      </div>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if ('value' in parsed) save.mutate(parsed.value as WorkflowDefinition);
        }}
      >
        <DefinitionEditor label="Workflow definition (JSON)" text={text} onText={setText} serverIssues={save.isError ? issuesOf(save.error) : []} />
        {save.isError && !(save.error instanceof ApiError && save.error.issues.length) && (
          <p role="alert" className="problems">
            {save.error.message}
          </p>
        )}
        <div className="actions">
          <button type="submit" disabled={!('value' in parsed) || save.isPending}>
            {save.isPending ? 'Creating…' : 'Create workflow'}
          </button>
        </div>
      </form>
    </>
  );
}

type Tab = 'flow' | 'edit' | 'versions' | 'runs' | 'schedules' | 'triggers';

export function WorkflowPage() {
  const { id = '' } = useParams();
  const [tab, setTab] = useState<Tab>('flow');
  const [version, setVersion] = useState<number | undefined>(undefined);
  const open = useRunDialog((s) => s.open);
  const names = useWorkflowNames();
  const wf = useQuery({ queryKey: ['workflow', id, version ?? 'latest'], queryFn: () => getWorkflow(id, version) });
  if (wf.isPending) return <Loading what="the workflow" />;
  if (wf.isError) return <ErrorState error={wf.error} retry={() => void wf.refetch()} />;
  const w = wf.data;
  const tabs: Array<[Tab, string]> = [
    ['flow', 'Tasks'],
    ['edit', 'Edit'],
    ['versions', 'Versions'],
    ['runs', 'Runs'],
    ['schedules', 'Schedules'],
    ['triggers', 'Triggers'],
  ];
  return (
    <>
      <div className="page-head">
        <div>
          <h1 tabIndex={-1}>{w.name}</h1>
          <p className="muted">
            Version {w.version}
            {version !== undefined && ' (an older version)'} · updated {when(w.updatedAt)}
            {w.definition.description ? ` · ${w.definition.description}` : ''}
          </p>
        </div>
        <button type="button" onClick={() => open(w.id)}>
          Run…
        </button>
      </div>
      <div role="tablist" aria-label="Workflow views" className="tabs">
        {tabs.map(([k, label]) => (
          <button
            key={k}
            role="tab"
            id={`tab-${k}`}
            aria-selected={tab === k}
            aria-controls={`panel-${k}`}
            tabIndex={tab === k ? 0 : -1}
            className={tab === k ? 'tab active' : 'tab'}
            onClick={() => setTab(k)}
            onKeyDown={(e) => {
              const i = tabs.findIndex(([t]) => t === tab);
              const next = e.key === 'ArrowRight' ? (i + 1) % tabs.length : e.key === 'ArrowLeft' ? (i - 1 + tabs.length) % tabs.length : -1;
              if (next >= 0) {
                setTab(tabs[next]![0]);
                document.getElementById(`tab-${tabs[next]![0]}`)?.focus();
              }
            }}
          >
            {label}
          </button>
        ))}
      </div>
      <section role="tabpanel" id={`panel-${tab}`} aria-labelledby={`tab-${tab}`} className="panel">
        {tab === 'flow' && <TaskGraph tasks={w.definition.tasks} workflowIdByName={names} />}
        {tab === 'edit' && <EditTab key={`${w.id}@${w.version}`} id={w.id} definition={w.definition} onSaved={() => setVersion(undefined)} />}
        {tab === 'versions' && <VersionsTab id={w.id} current={w.version} pick={(v) => { setVersion(v); setTab('flow'); }} />}
        {tab === 'runs' && <RecentRuns workflowId={w.id} />}
        {tab === 'schedules' && <SchedulesTab workflowId={w.id} />}
        {tab === 'triggers' && <TriggersTab workflowId={w.id} />}
      </section>
    </>
  );
}

function EditTab({ id, definition, onSaved }: { id: string; definition: WorkflowDefinition; onSaved(): void }) {
  const qc = useQueryClient();
  const { projectId: _p, ...rest } = definition as WorkflowDefinition & { projectId?: string };
  const [text, setText] = useState(() => JSON.stringify(rest, null, 2));
  const save = useMutation({
    mutationFn: (def: WorkflowDefinition) => updateWorkflow(id, def),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: ['workflow', id] });
      void qc.invalidateQueries({ queryKey: ['workflows'] });
      void qc.invalidateQueries({ queryKey: ['versions', id] });
      onSaved();
    },
  });
  const parsed = parseJson(text);
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        if ('value' in parsed) save.mutate(parsed.value as WorkflowDefinition);
      }}
    >
      <DefinitionEditor label="Definition (JSON) — saving makes a new version; running runs keep theirs" text={text} onText={setText} serverIssues={save.isError ? issuesOf(save.error) : []} />
      {save.isSuccess && (
        <p role="status" className="ok-line">
          Saved as version {save.data.version}.
        </p>
      )}
      <div className="actions">
        <button type="submit" disabled={!('value' in parsed) || save.isPending}>
          {save.isPending ? 'Saving…' : 'Save new version'}
        </button>
      </div>
    </form>
  );
}

function VersionsTab({ id, current, pick }: { id: string; current: number; pick(v: number): void }) {
  const q = useQuery({ queryKey: ['versions', id], queryFn: () => listWorkflowVersions(id) });
  if (q.isPending) return <Loading what="versions" />;
  if (q.isError) return <ErrorState error={q.error} retry={() => void q.refetch()} />;
  return (
    <ul className="list">
      {q.data.items.map((v) => (
        <li key={v.version}>
          <button type="button" className="link" onClick={() => pick(v.version)} aria-current={v.version === current ? 'true' : undefined}>
            Version {v.version}
          </button>{' '}
          <span className="muted small">
            {when(v.createdAt)} by {v.createdBy}
          </span>
        </li>
      ))}
    </ul>
  );
}

function RecentRuns({ workflowId }: { workflowId: string }) {
  const q = useQuery({ queryKey: ['runs', { workflowId }], queryFn: () => listRuns({ workflowId, limit: 20 }) });
  if (q.isPending) return <Loading what="runs" />;
  if (q.isError) return <ErrorState error={q.error} retry={() => void q.refetch()} />;
  if (!q.data.items.length) return <Empty title="This workflow has not run yet." />;
  return (
    <ul className="list">
      {q.data.items.map((r) => (
        <li key={r.id}>
          <Link to={`/runs/${r.id}`}>
            <StatusBadge status={r.status} /> {when(r.createdAt)}
          </Link>{' '}
          <span className="muted small">v{r.workflowVersion} · {r.trigger}</span>
        </li>
      ))}
    </ul>
  );
}

function SchedulesTab({ workflowId }: { workflowId: string }) {
  const { loading, missing } = useMissing(['GET /api/workflows/{id}/schedules', 'POST /api/workflows/{id}/schedules', 'DELETE /api/workflows/{id}/schedules/{scheduleId}']);
  if (loading) return <Loading what="schedules" />;
  if (missing.length) return <NotAvailable feature="Schedules" needs={missing} />;
  return <Schedules workflowId={workflowId} />;
}

function Schedules({ workflowId }: { workflowId: string }) {
  const qc = useQueryClient();
  const q = useQuery({ queryKey: ['schedules', workflowId], queryFn: () => listSchedules(workflowId) });
  const [cron, setCron] = useState('0 6 * * 1-5');
  const [timezone, setTimezone] = useState(() => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC');
  const [input, setInput] = useState('{}');
  const [catchUp, setCatchUp] = useState<'skip' | 'all'>('skip');
  const parsed = parseJson(input);
  const refresh = () => void qc.invalidateQueries({ queryKey: ['schedules', workflowId] });
  const create = useMutation({
    mutationFn: () => createSchedule(workflowId, { cron, timezone, input: (('value' in parsed ? parsed.value : {}) ?? {}) as never, enabled: true, catchUp }),
    onSuccess: refresh,
  });
  const remove = useMutation({ mutationFn: (id: string) => deleteSchedule(workflowId, id), onSuccess: refresh });
  return (
    <>
      {q.isPending && <Loading what="schedules" />}
      {q.isError && <ErrorState error={q.error} retry={() => void q.refetch()} />}
      {q.data && q.data.items.length === 0 && <p className="muted">No schedules: this workflow runs only when triggered.</p>}
      {q.data && q.data.items.length > 0 && (
        <ul className="list">
          {q.data.items.map((sc) => (
            <li key={sc.id}>
              <code>{sc.cron}</code> ({sc.timezone}) · {sc.enabled ? 'enabled' : 'disabled'} · catch-up {sc.catchUp} · next {when(sc.nextFireAt)}{' '}
              <button type="button" className="link small" onClick={() => remove.mutate(sc.id)}>
                Delete<span className="sr-only"> schedule {sc.cron}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
      <form
        className="form"
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate();
        }}
      >
        <h3>New schedule</h3>
        <div className="field">
          <label htmlFor="s-cron">Cron expression</label>
          <input id="s-cron" value={cron} onChange={(e) => setCron(e.target.value)} aria-describedby="s-cron-help" required />
          <p className="help" id="s-cron-help">
            minute hour day-of-month month day-of-week, e.g. <code>0 6 * * 1-5</code> for 06:00 on weekdays.
          </p>
        </div>
        <div className="field">
          <label htmlFor="s-tz">Time zone (IANA)</label>
          <input id="s-tz" value={timezone} onChange={(e) => setTimezone(e.target.value)} required />
        </div>
        <div className="field">
          <label htmlFor="s-catch">Missed fire times</label>
          <select id="s-catch" value={catchUp} onChange={(e) => setCatchUp(e.target.value as 'skip' | 'all')}>
            <option value="skip">skip them</option>
            <option value="all">run them all</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor="s-input">Input of every run (JSON)</label>
          <textarea id="s-input" className="code" rows={3} value={input} onChange={(e) => setInput(e.target.value)} aria-invalid={'issue' in parsed} />
          {'issue' in parsed && <p className="problems">{parsed.issue.path}: {parsed.issue.message}</p>}
        </div>
        {create.isError && (
          <RequestProblems error={create.error} />
        )}
        <div className="actions">
          <button type="submit" disabled={'issue' in parsed || create.isPending}>
            Add schedule
          </button>
        </div>
      </form>
    </>
  );
}

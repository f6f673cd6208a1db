/**
 * A workflow: its tasks as a flow, the JSON editor (saving makes a new version), its versions,
 * its recent runs and its schedules; and the page that creates a workflow.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { Link, useBlocker, useNavigate, useParams } from 'react-router';
import { ConfirmDialog, useConfirm } from '../components/confirm-dialog';
import { DefinitionEditor, parseJson } from '../components/definition-editor';
import { browserZone, when } from '../components/format';
import { Empty, ErrorState, Loading, NotAvailable, RequestProblems } from '../components/states';
import { StatusBadge } from '../components/status-badge';
import { TaskGraph } from '../components/task-graph';
import { GraphLegend } from '../canvas/graph-legend';
import { graphOf } from '../canvas/graph-model';
import { canvasSupported, LazyCanvas } from '../canvas/lazy-canvas';
import { CanvasEditor } from '../canvas/canvas-editor';
import { diffDefinitions } from '../canvas/definition-diff';
import { record, redo, startHistory, undo } from '../canvas/graph-edit';
import { TriggersTab } from '../components/triggers-tab';
import {
  ApiError,
  createSchedule,
  createWorkflow,
  deleteSchedule,
  diffWorkflowVersions,
  getWorkflow,
  getWorkflowDraft,
  listRuns,
  listSchedules,
  listWorkflows,
  listWorkflowVersions,
  publishWorkflowDraft,
  rollbackWorkflow,
  saveWorkflowDraft,
  updateWorkflow,
  type FieldIssue,
  type WorkflowDefinition,
  type WorkflowVersionDiff,
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
    {
      key: 'shout',
      type: 'atomic',
      connector: 'platform',
      operation: 'transform',
      input: { expression: '$uppercase(steps.greet.message)' },
    },
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
  const [starter] = useState(() => JSON.stringify(STARTER, null, 2));
  const [text, setText] = useState(starter);
  const saved = useRef(false);
  const save = useMutation({
    mutationFn: (def: WorkflowDefinition) => createWorkflow(projectId ? { ...def, projectId } : def),
    onSuccess: (w) => {
      saved.current = true;
      void qc.invalidateQueries({ queryKey: ['workflows'] });
      void navigate(`/workflows/${w.id}`);
    },
  });
  const parsed = parseJson(text);
  return (
    <>
      <UnsavedChangesGuard dirty={() => !saved.current && text !== starter} />
      <div className="page-head">
        <h1 tabIndex={-1}>New workflow</h1>
      </div>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if ('value' in parsed) save.mutate(parsed.value as WorkflowDefinition);
        }}
      >
        <DefinitionEditor
          label="Workflow definition (JSON)"
          text={text}
          onText={setText}
          serverIssues={save.isError ? issuesOf(save.error) : []}
        />
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

/**
 * Asks before leaving a page with unsaved changes: a link or Back inside the studio shows the
 * confirm dialog; closing or reloading the tab gets the browser's own question.
 */
export function UnsavedChangesGuard({ dirty }: { dirty: () => boolean }) {
  const blocker = useBlocker(({ currentLocation, nextLocation }) => dirty() && currentLocation.pathname !== nextLocation.pathname);
  const isDirty = dirty();
  useEffect(() => {
    if (!isDirty) return;
    const onUnload = (e: BeforeUnloadEvent) => e.preventDefault();
    window.addEventListener('beforeunload', onUnload);
    return () => window.removeEventListener('beforeunload', onUnload);
  }, [isDirty]);
  if (blocker.state !== 'blocked') return null;
  return (
    <ConfirmDialog
      title="Leave without saving?"
      body={<p>Your changes to the definition are not saved. Leaving this page discards them.</p>}
      confirm="Discard changes"
      cancel="Stay and keep editing"
      onAnswer={(yes) => (yes ? blocker.proceed() : blocker.reset())}
    />
  );
}

/** The workflow's draft, or null when it has none. */
function useDraft(id: string) {
  return useQuery({
    queryKey: ['draft', id],
    queryFn: () => getWorkflowDraft(id).catch((e: unknown) => (e instanceof ApiError && e.status === 404 ? null : Promise.reject(e))),
  });
}

type Tab = 'flow' | 'edit' | 'versions' | 'runs' | 'schedules' | 'triggers';

export function WorkflowPage() {
  const { id = '' } = useParams();
  const [tab, setTab] = useState<Tab>('flow');
  const [version, setVersion] = useState<number | undefined>(undefined);
  const [dirty, setDirty] = useState(false);
  // Kept here: saving remounts the editor on the new version, which would drop its own message.
  const [saved, setSaved] = useState<number | null>(null);
  const [confirmDialog, ask] = useConfirm();
  const open = useRunDialog((s) => s.open);
  const names = useWorkflowNames();
  const wf = useQuery({ queryKey: ['workflow', id, version ?? 'latest'], queryFn: () => getWorkflow(id, version) });
  const draft = useDraft(id);
  if (wf.isPending) return <Loading what="the workflow" />;
  if (wf.isError) return <ErrorState error={wf.error} what="this workflow" retry={() => void wf.refetch()} />;
  const w = wf.data;
  const latest = w.latestVersion;
  const tabs: Array<[Tab, string]> = [
    ['flow', 'Tasks'],
    ['edit', 'Edit'],
    ['versions', 'Versions'],
    ['runs', 'Runs'],
    ['schedules', 'Schedules'],
    ['triggers', 'Triggers'],
  ];
  const choose = async (next: Tab) => {
    if (next === tab) return;
    if (
      dirty &&
      !(await ask({
        title: 'Leave without saving?',
        body: <p>Your changes to the definition are not saved. Switching views discards them.</p>,
        confirm: 'Discard changes',
        cancel: 'Stay and keep editing',
      }))
    )
      return;
    setDirty(false);
    setSaved(null);
    setTab(next);
    document.getElementById(`tab-${next}`)?.focus();
  };
  return (
    <>
      <UnsavedChangesGuard dirty={() => dirty} />
      {confirmDialog}
      <div className="page-head">
        <div>
          <h1 tabIndex={-1}>{w.name}</h1>
          <p className="muted" data-testid="version-line">
            Version {w.version}
            {w.version < latest && ` (an older version; the latest is ${latest})`}
            {` · saved ${when(w.versionCreatedAt)} by ${w.versionCreatedBy}`}
            {w.definition.description ? ` · ${w.definition.description}` : ''}
          </p>
          <p className="muted small" data-testid="draft-line">
            Live: version {latest}
            {draft.data
              ? ` · Draft: saved ${when(draft.data.updatedAt)} by ${draft.data.updatedBy}, from version ${draft.data.basedOnVersion}; runs use version ${latest} until it is published`
              : ' · no draft'}
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
            onClick={() => void choose(k)}
            onKeyDown={(e) => {
              const i = tabs.findIndex(([t]) => t === tab);
              const next =
                e.key === 'ArrowRight' ? (i + 1) % tabs.length : e.key === 'ArrowLeft' ? (i - 1 + tabs.length) % tabs.length : -1;
              if (next >= 0) void choose(tabs[next]![0]);
            }}
          >
            {label}
          </button>
        ))}
      </div>
      <section role="tabpanel" id={`panel-${tab}`} aria-labelledby={`tab-${tab}`} className="panel">
        {tab === 'edit' && saved !== null && (
          <p role="status" className="ok-line">
            Saved as version {saved}.
          </p>
        )}
        {tab === 'flow' && <FlowView name={w.name} tasks={w.definition.tasks} workflowIdByName={names} />}
        {tab === 'edit' && (
          <EditTab
            key={`${w.id}@${w.version}`}
            id={w.id}
            version={w.version}
            latest={latest}
            definition={w.definition}
            onDirty={setDirty}
            onLatest={() => setVersion(undefined)}
            onSaved={(v) => {
              setDirty(false);
              setSaved(v);
              setVersion(undefined);
            }}
          />
        )}
        {tab === 'versions' && (
          <VersionsTab
            id={w.id}
            current={w.version}
            pick={(v) => {
              setVersion(v === latest ? undefined : v);
              setTab('flow');
            }}
          />
        )}
        {tab === 'runs' && <RecentRuns workflowId={w.id} />}
        {tab === 'schedules' && <SchedulesTab workflowId={w.id} />}
        {tab === 'triggers' && <TriggersTab workflowId={w.id} />}
      </section>
    </>
  );
}

/** The tasks as a graph (lazily loaded), with the same tasks as a list folded under it. */
function FlowView({
  name,
  tasks,
  workflowIdByName,
}: {
  name: string;
  tasks: WorkflowDefinition['tasks'];
  workflowIdByName: Map<string, string>;
}) {
  const [selected, setSelected] = useState<string | null>(null);
  const graph = useMemo(() => graphOf(tasks), [tasks]);
  const list = <TaskGraph tasks={tasks} workflowIdByName={workflowIdByName} />;
  if (!canvasSupported()) return list;
  return (
    <>
      <LazyCanvas graph={graph} label={`Task graph of ${name}`} selected={selected} onSelect={setSelected} fallback={list} />
      <GraphLegend />
      <details className="small">
        <summary>The tasks as a list</summary>
        {list}
      </details>
    </>
  );
}

function EditTab({
  id,
  version,
  latest,
  definition,
  onDirty,
  onLatest,
  onSaved,
}: {
  id: string;
  version: number;
  latest: number;
  definition: WorkflowDefinition;
  onDirty(dirty: boolean): void;
  onLatest(): void;
  onSaved(version: number): void;
}) {
  const qc = useQueryClient();
  const { projectId: _p, ...rest } = definition as WorkflowDefinition & { projectId?: string };
  const [initial] = useState(() => JSON.stringify(rest, null, 2));
  // One history for both views: typing in the JSON merges into one step until the canvas edits.
  const [history, setHistory] = useState(() => startHistory(initial));
  const lastMerge = useRef<string | undefined>(undefined);
  const edit = (next: string, mergeKey?: string) => {
    setHistory((h) => record(h, next, mergeKey !== undefined && mergeKey === lastMerge.current));
    lastMerge.current = mergeKey;
  };
  const text = history.present;
  const setText = (next: string) => edit(next, 'json');
  // What the server holds for this text: the version shown, or the draft saved from here.
  const [baseline, setBaseline] = useState(initial);
  const [showDiff, setShowDiff] = useState(false);
  const old = version < latest;
  const invalidate = () => {
    void qc.invalidateQueries({ queryKey: ['workflow', id] });
    void qc.invalidateQueries({ queryKey: ['workflows'] });
    void qc.invalidateQueries({ queryKey: ['versions', id] });
  };
  const save = useMutation({
    mutationFn: (def: WorkflowDefinition) => updateWorkflow(id, def),
    onSuccess: invalidate,
  });
  const draft = useDraft(id);
  // The text the server holds as the draft, when this page saved or opened it (a step test tests the draft).
  const draftText = useRef<string | null>(null);
  const saveDraft = useMutation({
    mutationFn: (def: WorkflowDefinition) => saveWorkflowDraft(id, def),
    onSuccess: (d, def) => {
      const t = JSON.stringify(def, null, 2);
      setBaseline(t);
      draftText.current = t;
      qc.setQueryData(['draft', id], d);
    },
  });
  const publish = useMutation({
    mutationFn: async (def: WorkflowDefinition) => {
      await saveWorkflowDraft(id, def);
      return publishWorkflowDraft(id, latest);
    },
    onSuccess: () => {
      qc.setQueryData(['draft', id], null);
      draftText.current = null;
      invalidate();
    },
  });
  const done = save.isSuccess ? save.data.version : publish.isSuccess ? publish.data.version : null;
  useEffect(() => onDirty(text !== baseline && done === null), [text, baseline, done, onDirty]);
  // After the dirty flag has cleared, so the version change that follows is not guarded.
  const reported = useRef<number | null>(null);
  useEffect(() => {
    if (done === null || reported.current === done) return;
    reported.current = done;
    onSaved(done);
  }, [done, onSaved]);
  const parsed = parseJson(text);
  let notice: ReactNode = null;
  if (old)
    notice = (
      <div className="note" role="note" id="old-version-note">
        <p>
          <strong>
            You are looking at version {version}; the latest is version {latest}.
          </strong>{' '}
          Saving this text makes version {latest + 1} from version {version}, which undoes what versions {version + 1}
          {latest > version + 1 ? `–${latest}` : ''} changed.
        </p>
        <p>
          <button type="button" className="link" onClick={onLatest}>
            Edit the latest version instead
          </button>
        </p>
      </div>
    );
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        if ('value' in parsed) save.mutate(parsed.value as WorkflowDefinition);
      }}
    >
      {notice}
      {draft.data && draft.data.definition && text === initial && (
        <div className="note" role="note">
          <p>
            A draft saved {when(draft.data.updatedAt)} by {draft.data.updatedBy} (from version {draft.data.basedOnVersion}) is waiting to be
            published.{' '}
            <button
              type="button"
              className="link"
              onClick={() => {
                const { projectId: _d, ...d } = draft.data!.definition as WorkflowDefinition & { projectId?: string };
                const t = JSON.stringify(d, null, 2);
                edit(t);
                setBaseline(t);
                draftText.current = t;
              }}
            >
              Open the draft
            </button>
          </p>
        </div>
      )}
      {canvasSupported() && (
        <CanvasEditor
          label="Workflow builder"
          text={text}
          onEdit={edit}
          undo={() => {
            lastMerge.current = undefined;
            setHistory(undo);
          }}
          redo={() => {
            lastMerge.current = undefined;
            setHistory(redo);
          }}
          canUndo={history.past.length > 0}
          canRedo={history.future.length > 0}
          stepTest={{
            workflowId: id,
            prepare: async () => {
              if (!('value' in parsed)) throw new Error('The definition has an error: fix it before testing a step.');
              if (draftText.current !== text) await saveDraft.mutateAsync(parsed.value as WorkflowDefinition);
            },
          }}
        />
      )}
      <DefinitionEditor
        label="Definition (JSON) — saving makes a new version; running runs keep theirs"
        text={text}
        onText={setText}
        serverIssues={[save, saveDraft, publish].flatMap((m) => (m.isError ? issuesOf(m.error) : []))}
      />
      {saveDraft.isSuccess && text === baseline && (
        <p role="status" className="ok-line">
          Draft saved {when(saveDraft.data.updatedAt)}. Runs keep using version {latest} until you publish.
        </p>
      )}
      {[saveDraft, publish].map((m, i) =>
        m.isError && !(m.error instanceof ApiError && m.error.issues.length) ? <RequestProblems key={i} error={m.error} /> : null,
      )}
      {showDiff && 'value' in parsed && <DiffPanel live={rest as WorkflowDefinition} edited={parsed.value as WorkflowDefinition} />}
      <div className="actions">
        <button type="submit" disabled={!('value' in parsed) || save.isPending} aria-describedby={old ? 'old-version-note' : undefined}>
          {save.isPending ? 'Saving…' : old ? `Restore as new version` : 'Save new version'}
        </button>
        <button
          type="button"
          className="secondary"
          disabled={!('value' in parsed) || saveDraft.isPending}
          onClick={() => 'value' in parsed && saveDraft.mutate(parsed.value as WorkflowDefinition)}
        >
          {saveDraft.isPending ? 'Saving draft…' : 'Save draft'}
        </button>
        <button
          type="button"
          className="secondary"
          disabled={!('value' in parsed) || publish.isPending}
          onClick={() => 'value' in parsed && publish.mutate(parsed.value as WorkflowDefinition)}
        >
          {publish.isPending ? 'Publishing…' : 'Publish'}
        </button>
        <button type="button" className="secondary" aria-expanded={showDiff} onClick={() => setShowDiff(!showDiff)}>
          {showDiff ? 'Hide changes' : `Compare with version ${version}`}
        </button>
      </div>
    </form>
  );
}

/** What the text being edited changes against the version it started from. */
function DiffPanel({ live, edited }: { live: WorkflowDefinition; edited: WorkflowDefinition }) {
  const d = diffDefinitions(live, edited);
  return (
    <section className="note diff" aria-label="Changes against the version shown" data-testid="diff">
      {d.identical ? (
        <p>No changes.</p>
      ) : (
        <ul className="list">
          {d.added.map((k) => (
            <li key={`a${k}`}>
              Added task <strong>{k}</strong>
            </li>
          ))}
          {d.removed.map((k) => (
            <li key={`r${k}`}>
              Removed task <strong>{k}</strong>
            </li>
          ))}
          {d.changed.map((c) => {
            const before = live.tasks.find((t) => t.key === c.key) as Record<string, unknown> | undefined;
            const after = edited.tasks.find((t) => t.key === c.key) as Record<string, unknown> | undefined;
            return (
              <li key={`c${c.key}`}>
                Changed task <strong>{c.key}</strong>: {c.fields.join(', ')}
                <ChangeList changes={c.fields.map((f) => ({ path: f, before: before?.[f], after: after?.[f] }))} />
              </li>
            );
          })}
          {d.fields.map((f) => (
            <li key={`f${f}`}>
              Changed {f}
              <ChangeList
                changes={[{ path: f, before: (live as Record<string, unknown>)[f], after: (edited as Record<string, unknown>)[f] }]}
              />
            </li>
          ))}
          {d.reordered && <li>Tasks reordered</li>}
        </ul>
      )}
    </section>
  );
}

const short = (v: unknown) => {
  if (v === undefined) return '(none)';
  const t = JSON.stringify(v);
  return t.length > 120 ? `${t.slice(0, 119)}…` : t;
};

/** Values before and after, one line each change. */
function ChangeList({ changes }: { changes: ReadonlyArray<{ path: string; before?: unknown; after?: unknown }> }) {
  return (
    <ul className="changes small">
      {changes.map((c) => (
        <li key={c.path}>
          <code>{c.path}</code>: <del>{short(c.before)}</del> → <ins>{short(c.after)}</ins>
        </li>
      ))}
    </ul>
  );
}

/** The server's structured diff between two versions (GET /api/workflows/{id}/versions/{a}/diff/{b}). */
export function VersionDiffView({ diff }: { diff: WorkflowVersionDiff }) {
  if (diff.identical)
    return (
      <p>
        Version {diff.from} and version {diff.to} are the same.
      </p>
    );
  const t = diff.tasks;
  return (
    <ul className="list">
      {t.added.map((a) => (
        <li key={`a${a.key}`}>
          Added task <strong>{a.key}</strong> (position {a.position + 1})
        </li>
      ))}
      {t.removed.map((r) => (
        <li key={`r${r.key}`}>
          Removed task <strong>{r.key}</strong>
        </li>
      ))}
      {t.changed.map((c) => (
        <li key={`c${c.key}`}>
          Changed task <strong>{c.key}</strong>
          <ChangeList changes={c.changes} />
        </li>
      ))}
      {diff.fields.length > 0 && (
        <li>
          Changed the definition
          <ChangeList changes={diff.fields} />
        </li>
      )}
      {t.order && (
        <li>
          Tasks reordered: {t.order.before.join(', ')} → {t.order.after.join(', ')}
        </li>
      )}
    </ul>
  );
}

function VersionsTab({ id, current, pick }: { id: string; current: number; pick(v: number): void }) {
  const qc = useQueryClient();
  const q = useQuery({ queryKey: ['versions', id], queryFn: () => listWorkflowVersions(id) });
  const [compare, setCompare] = useState<number | null>(null);
  const [confirmDialog, ask] = useConfirm();
  const live = q.data?.items.reduce((m, v) => Math.max(m, v.version), 0) ?? 0;
  const diff = useQuery({
    queryKey: ['diff', id, compare, live],
    queryFn: () => diffWorkflowVersions(id, compare!, live),
    enabled: compare !== null && live > 0,
  });
  const rollback = useMutation({
    mutationFn: (v: number) => rollbackWorkflow(id, v, live),
    onSuccess: () => {
      setCompare(null);
      void qc.invalidateQueries({ queryKey: ['workflow', id] });
      void qc.invalidateQueries({ queryKey: ['versions', id] });
      void qc.invalidateQueries({ queryKey: ['workflows'] });
    },
  });
  if (q.isPending) return <Loading what="versions" />;
  if (q.isError) return <ErrorState error={q.error} retry={() => void q.refetch()} />;
  return (
    <>
      {confirmDialog}
      <ul className="list">
        {q.data.items.map((v) => (
          <li key={v.version}>
            <button
              type="button"
              className="link"
              onClick={() => pick(v.version)}
              aria-current={v.version === current ? 'true' : undefined}
            >
              Version {v.version}
            </button>{' '}
            <span className="muted small">
              {when(v.createdAt)} by {v.createdBy}
              {v.version === live ? ' · live' : ''}
            </span>
            {v.version !== live && (
              <>
                {' '}
                <button
                  type="button"
                  className="link small"
                  aria-expanded={compare === v.version}
                  onClick={() => setCompare(compare === v.version ? null : v.version)}
                >
                  Compare with live
                  <span className="sr-only">
                    {' '}
                    (version {v.version} against version {live})
                  </span>
                </button>{' '}
                <button
                  type="button"
                  className="link small"
                  disabled={rollback.isPending}
                  onClick={async () => {
                    if (
                      await ask({
                        title: `Publish version ${v.version} again?`,
                        body: (
                          <p>
                            Version {v.version} becomes version {live + 1}, the live version: new runs use it. Runs already going keep their
                            version.
                          </p>
                        ),
                        confirm: `Publish as version ${live + 1}`,
                      })
                    )
                      rollback.mutate(v.version);
                  }}
                >
                  Roll back to this<span className="sr-only"> (version {v.version})</span>
                </button>
              </>
            )}
          </li>
        ))}
      </ul>
      {rollback.isError && <RequestProblems error={rollback.error} />}
      {rollback.isSuccess && (
        <p role="status" className="ok-line">
          Version {rollback.data.version} published from an earlier version.
        </p>
      )}
      {compare !== null && (
        <section className="note diff" aria-label={`Version ${compare} against the live version ${live}`} data-testid="version-diff">
          <h3 className="small">
            From version {compare} to the live version {live}
          </h3>
          {diff.isPending && <Loading what="the differences" />}
          {diff.isError && <ErrorState error={diff.error} retry={() => void diff.refetch()} />}
          {diff.data && <VersionDiffView diff={diff.data} />}
        </section>
      )}
    </>
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
          <span className="muted small">
            v{r.workflowVersion} · {r.trigger}
          </span>
        </li>
      ))}
    </ul>
  );
}

function SchedulesTab({ workflowId }: { workflowId: string }) {
  const { loading, missing } = useMissing([
    'GET /api/workflows/{id}/schedules',
    'POST /api/workflows/{id}/schedules',
    'DELETE /api/workflows/{id}/schedules/{scheduleId}',
  ]);
  if (loading) return <Loading what="schedules" />;
  if (missing.length) return <NotAvailable feature="Schedules" needs={missing} />;
  return <Schedules workflowId={workflowId} />;
}

const ZONES: string[] = (() => {
  try {
    return (Intl as unknown as { supportedValuesOf?(k: string): string[] }).supportedValuesOf?.('timeZone') ?? [];
  } catch {
    return [];
  }
})();

function Schedules({ workflowId }: { workflowId: string }) {
  const qc = useQueryClient();
  const q = useQuery({ queryKey: ['schedules', workflowId], queryFn: () => listSchedules(workflowId), refetchInterval: 30_000 });
  const [cron, setCron] = useState('0 6 * * 1-5');
  const [timezone, setTimezone] = useState(browserZone);
  const [input, setInput] = useState('{}');
  const [catchUp, setCatchUp] = useState<'skip' | 'all'>('skip');
  const [confirmDialog, ask] = useConfirm();
  const parsed = parseJson(input);
  const refresh = () => void qc.invalidateQueries({ queryKey: ['schedules', workflowId] });
  const create = useMutation({
    mutationFn: () =>
      createSchedule(workflowId, {
        cron,
        timezone,
        input: (('value' in parsed ? parsed.value : {}) ?? {}) as never,
        enabled: true,
        catchUp,
      }),
    onSuccess: refresh,
  });
  const remove = useMutation({ mutationFn: (id: string) => deleteSchedule(workflowId, id), onSuccess: refresh });
  const local = browserZone();
  return (
    <>
      {confirmDialog}
      {q.isPending && <Loading what="schedules" />}
      {q.isError && <ErrorState error={q.error} retry={() => void q.refetch()} />}
      {q.data && q.data.items.length === 0 && <p className="muted">No schedules: this workflow runs only when triggered.</p>}
      {q.data && q.data.items.length > 0 && (
        <ul className="schedules">
          {q.data.items.map((sc) => {
            return (
              <li key={sc.id} className="schedule" data-schedule={sc.id}>
                <p>
                  <code>{sc.cron}</code> in {sc.timezone} · {sc.enabled ? 'enabled' : 'disabled'} · missed fire times:{' '}
                  {sc.catchUp === 'all' ? 'all run when the platform is back' : 'skipped'}
                </p>
                <p className="small">
                  Next fire: <span data-testid="next-fire">{when(sc.nextFireAt, sc.timezone)}</span>
                  {sc.nextFireAt && sc.timezone !== local && <span className="muted"> ({when(sc.nextFireAt)} your time)</span>}
                  {sc.overdue && (
                    <span
                      className="badge badge-failed overdue"
                      title="This fire time passed over two minutes ago and no run was started for it: Demiton was stopped, or its timer is failing."
                    >
                      overdue
                    </span>
                  )}
                  {sc.overdue && <span className="muted"> — the timer has not fired it</span>}
                </p>
                <p className="small">
                  Last fire: {sc.lastFireAt ? when(sc.lastFireAt, sc.timezone) : 'never'}
                  {sc.lastRunId && (
                    <>
                      {' '}
                      · <Link to={`/runs/${sc.lastRunId}`}>its run</Link>
                    </>
                  )}
                </p>
                {sc.lastError && (
                  <p className="small problems">
                    The last fire started no run ({when(sc.lastError.at, sc.timezone)}): {sc.lastError.message}
                  </p>
                )}
                <button
                  type="button"
                  className="link small"
                  aria-label={`Delete schedule ${sc.cron}`}
                  onClick={async () => {
                    if (
                      await ask({
                        title: 'Delete this schedule?',
                        body: (
                          <p>
                            The schedule <code>{sc.cron}</code> ({sc.timezone}) stops starting runs. Runs it already started are kept.
                          </p>
                        ),
                        confirm: 'Delete schedule',
                      })
                    )
                      remove.mutate(sc.id);
                  }}
                >
                  Delete
                </button>
              </li>
            );
          })}
        </ul>
      )}
      {remove.isError && <RequestProblems error={remove.error} />}
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
          <label htmlFor="s-tz">Time zone</label>
          <input
            id="s-tz"
            value={timezone}
            onChange={(e) => setTimezone(e.target.value)}
            list="s-tz-list"
            aria-describedby="s-tz-help"
            required
          />
          <datalist id="s-tz-list">
            {ZONES.map((z) => (
              <option key={z} value={z} />
            ))}
          </datalist>
          <p className="help" id="s-tz-help">
            A region and city as the IANA time-zone database names them (e.g. <code>Europe/Berlin</code>), so fire times follow that place's
            clock, daylight saving included.
          </p>
        </div>
        <div className="field">
          <label htmlFor="s-catch">Missed fire times</label>
          <select
            id="s-catch"
            value={catchUp}
            onChange={(e) => setCatchUp(e.target.value as 'skip' | 'all')}
            aria-describedby="s-catch-help"
          >
            <option value="skip">skip them</option>
            <option value="all">run them all</option>
          </select>
          <p className="help" id="s-catch-help">
            Catch-up: when the platform was stopped while fire times passed, either skip those times or run once for each when it is back.
          </p>
        </div>
        <div className="field">
          <label htmlFor="s-input">Input of every run (JSON)</label>
          <textarea
            id="s-input"
            className="code"
            rows={3}
            value={input}
            onChange={(e) => setInput(e.target.value)}
            aria-invalid={'issue' in parsed}
          />
          {'issue' in parsed && (
            <p className="problems">
              {parsed.issue.path}: {parsed.issue.message}
            </p>
          )}
        </div>
        {create.isError && <RequestProblems error={create.error} />}
        <div className="actions">
          <button type="submit" disabled={'issue' in parsed || create.isPending}>
            Add schedule
          </button>
        </div>
      </form>
    </>
  );
}

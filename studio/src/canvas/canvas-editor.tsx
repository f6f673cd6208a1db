/**
 * Editing a workflow on the canvas: add a task from a searchable palette (the catalogue's
 * operations by connector, and the built-in task types), connect by dragging or with the task
 * panel's "Waits for" boxes, delete, undo and redo, zoom to fit; the selected task's panel edits
 * its key, condition, trigger rule, error rule, connector and input (studio/src/expressions: a
 * form from the operation's input schema, any field an expression, else JSON; the condition in the
 * expression editor).
 *
 * The JSON text is the one state: every canvas edit writes a new text (through `onEdit`), and the
 * canvas draws whatever text parses. While the text does not parse the canvas shows the last
 * definition that did and refuses edits, so the text with its error is never overwritten.
 * Every action is a button or a field (Tab reaches it); Ctrl+Z, Ctrl+Shift+Z and Ctrl+Y work
 * anywhere on the canvas outside text fields.
 */
import { useQuery } from '@tanstack/react-query';
import { useId, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { parseJson } from '../components/definition-editor';
import { listAdapters, listConnectors, listWorkflows, type AdapterInfo, type WorkflowDefinition } from '../services/api';
import { useCurrentProject } from '../state/current-project';
import { JsonataField, jsonataPathsOf, TaskInputForm, useTaskExpressions } from '../expressions/task-expressions';
import { addTask, connect, disconnect, EditRefused, freshKey, removeTask, replaceTask } from './graph-edit';
import { GraphLegend } from './graph-legend';
import { graphOf, resolvedNeeds, type TaskDef } from './graph-model';
import { LazyCanvas } from './lazy-canvas';
import { StepTest, type StepTestProps } from './step-test';

export interface CanvasEditorProps {
  text: string;
  /** A canvas edit: the new definition text, one undo step (consecutive edits with the same `mergeKey` make one step). */
  onEdit(text: string, mergeKey?: string): void;
  undo(): void;
  redo(): void;
  canUndo: boolean;
  canRedo: boolean;
  label: string;
  /** Testing the selected atomic task (the workflow page gives it once the workflow exists). */
  stepTest?: Omit<StepTestProps, 'taskKey'>;
}

/** One entry of the palette: what it adds, and the words it is found by. */
export interface PaletteEntry {
  id: string;
  group: string;
  label: string;
  description: string;
  make(keys: readonly TaskDef[]): TaskDef;
}

/** The palette: each connector's call operations (platform and the project's connectors), then the built-in task types. */
export function paletteEntries(
  adapters: readonly AdapterInfo[],
  connectors: ReadonlyArray<{ name: string; resolvedSystemType: string | null }>,
  workflows: readonly string[],
): PaletteEntry[] {
  const bySystem = new Map(adapters.map((a) => [a.systemType, a]));
  const sources = [{ name: 'platform', system: 'platform' }, ...connectors.map((c) => ({ name: c.name, system: c.resolvedSystemType }))];
  const out: PaletteEntry[] = [];
  for (const s of sources) {
    const a = s.system ? bySystem.get(s.system) : undefined;
    for (const op of a?.operations ?? []) {
      if (op.kind !== 'call') continue;
      out.push({
        id: `${s.name}/${op.name}`,
        group: s.name === 'platform' ? 'Platform' : `Connector ${s.name}`,
        label: `${s.name} · ${op.name}`,
        description: op.description,
        make: (tasks) => ({ key: freshKey(tasks, op.name), type: 'atomic', connector: s.name, operation: op.name, input: {} }),
      });
    }
  }
  const generator = adapters.flatMap((a) => a.operations.filter((o) => o.kind === 'generator').map((o) => ({ a, o })))[0];
  out.push({
    id: 'builtin/workflow',
    group: 'Built-in',
    label: 'Start another workflow',
    description: 'Runs another workflow of the project as a child run and waits for it.',
    make: (tasks) => ({ key: freshKey(tasks, 'child'), type: 'workflow', workflow: workflows[0] ?? 'workflow-name' }),
  });
  out.push({
    id: 'builtin/chunked',
    group: 'Built-in',
    label: 'For each record (chunked)',
    description: 'Reads records from a generator and runs an operation or a workflow for each, in chunks.',
    make: (tasks) =>
      ({
        key: freshKey(tasks, 'each'),
        type: 'chunked',
        concurrency: 10,
        generator: { connector: generator?.a.systemType === 'platform' ? 'platform' : 'platform', operation: generator?.o.name ?? 'range' },
        each: { workflow: workflows[0] ?? 'workflow-name' },
      }) as TaskDef,
  });
  out.push({
    id: 'builtin/wait-signal',
    group: 'Built-in',
    label: 'Wait for a signal',
    description: 'Holds the run, with no worker, until someone sends the signal to it (its payload is the output).',
    make: (tasks) => ({ key: freshKey(tasks, 'wait'), type: 'wait', signal: 'continue' }) as TaskDef,
  });
  out.push({
    id: 'builtin/wait-time',
    group: 'Built-in',
    label: 'Wait for a time',
    description: 'Holds the run, with no worker, for a duration or until a date-time (a durable timer).',
    make: (tasks) => ({ key: freshKey(tasks, 'wait'), type: 'wait', durationMs: 60_000 }) as TaskDef,
  });
  out.push({
    id: 'builtin/approval',
    group: 'Built-in',
    label: 'Approval',
    description: 'Asks people to approve or reject in their Inbox; rejection fails the task.',
    make: (tasks) =>
      ({ key: freshKey(tasks, 'approve'), type: 'approval', title: 'Approve this run', approvers: { roles: ['admin'] } }) as TaskDef,
  });
  return out;
}

const matches = (e: PaletteEntry, q: string) =>
  q
    .toLowerCase()
    .split(/\s+/)
    .filter(Boolean)
    .every((w) => `${e.group} ${e.label} ${e.description}`.toLowerCase().includes(w));

const isDefinition = (v: unknown): v is WorkflowDefinition =>
  typeof v === 'object' &&
  v !== null &&
  Array.isArray((v as { tasks?: unknown }).tasks) &&
  (v as { tasks: unknown[] }).tasks.every((t) => typeof t === 'object' && t !== null && typeof (t as { key?: unknown }).key === 'string');

export function CanvasEditor({ text, onEdit, undo, redo, canUndo, canRedo, label, stepTest }: CanvasEditorProps) {
  const { projectId, ready } = useCurrentProject();
  const adapters = useQuery({ queryKey: ['adapters'], queryFn: listAdapters, staleTime: 60_000 });
  const connectors = useQuery({ queryKey: ['connectors', projectId], queryFn: () => listConnectors(projectId), enabled: ready });
  const workflows = useQuery({ queryKey: ['workflows', projectId], queryFn: () => listWorkflows(projectId), enabled: ready });
  const [selected, setSelected] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [paletteOpen, setPaletteOpen] = useState(false);
  const [query, setQuery] = useState('');
  const [fit, setFit] = useState(0);
  const [announce, setAnnounce] = useState('');
  const searchRef = useRef<HTMLInputElement>(null);
  const ids = useId();

  const parsed = parseJson(text);
  const valid = 'value' in parsed && isDefinition(parsed.value) ? parsed.value : null;
  const lastValid = useRef<WorkflowDefinition | null>(valid);
  if (valid) lastValid.current = valid;
  const def = valid ?? lastValid.current;
  const graph = useMemo(() => graphOf(def?.tasks ?? []), [def]);
  const entries = useMemo(
    () =>
      paletteEntries(
        adapters.data?.items ?? [],
        connectors.data?.items ?? [],
        (workflows.data?.items ?? []).map((w) => w.name),
      ),
    [adapters.data, connectors.data, workflows.data],
  );
  const shown = entries.filter((e) => matches(e, query)).slice(0, 40);

  // The task panel keeps its fields' own text while typing; it starts again from the definition
  // when the text changed by anything else (undo, redo, the JSON, the canvas).
  const panelText = useRef<string | null>(null);
  const revision = useRef({ text, n: 0 });
  if (text !== revision.current.text) revision.current = { text, n: revision.current.n + (text === panelText.current ? 0 : 1) };

  const apply = (
    f: (d: WorkflowDefinition) => WorkflowDefinition,
    said: string,
    select?: string | null,
    mergeKey?: string,
    fromPanel = false,
  ) => {
    if (!valid) {
      setProblem('The JSON below has an error: fix it there first; the canvas does not change text it cannot read.');
      return;
    }
    try {
      const next = JSON.stringify(f(valid), null, 2);
      panelText.current = fromPanel ? next : null;
      onEdit(next, mergeKey);
      setProblem(null);
      setAnnounce(said);
      if (select !== undefined) setSelected(select);
    } catch (err) {
      if (err instanceof EditRefused) setProblem(err.message);
      else throw err;
    }
  };
  const choose = (e: PaletteEntry) => {
    if (!valid) return apply((d) => d, '');
    const task = e.make(valid.tasks);
    const after = selected ?? valid.tasks.at(-1)?.key ?? null;
    apply((d) => addTask(d, task, after), `Added task ${task.key}${after ? ` after ${after}` : ''}.`, task.key);
    setPaletteOpen(false);
    setQuery('');
    setFit((n) => n + 1);
  };
  const onKeyDown = (e: KeyboardEvent) => {
    const t = e.target as HTMLElement;
    // The canvas sits inside the page's save form: Enter in one of its fields must not save.
    if (e.key === 'Enter' && t instanceof HTMLInputElement) e.preventDefault();
    if (t.closest('input, textarea, select')) return;
    const mod = e.ctrlKey || e.metaKey;
    if (mod && e.key.toLowerCase() === 'z' && !e.shiftKey) {
      e.preventDefault();
      undo();
    } else if (mod && (e.key.toLowerCase() === 'y' || (e.key.toLowerCase() === 'z' && e.shiftKey))) {
      e.preventDefault();
      redo();
    }
  };
  const task = def?.tasks.find((t) => t.key === selected) ?? null;

  return (
    <section className="canvas-editor" aria-label={label} onKeyDown={onKeyDown}>
      <div className="toolbar" role="toolbar" aria-label="Canvas actions">
        <button
          type="button"
          aria-expanded={paletteOpen}
          aria-controls={`${ids}-palette`}
          onClick={() => {
            setPaletteOpen(!paletteOpen);
            setTimeout(() => searchRef.current?.focus(), 0);
          }}
        >
          Add task…
        </button>
        <button
          type="button"
          className="secondary"
          disabled={!task}
          onClick={() => task && apply((d) => removeTask(d, task.key), `Deleted task ${task.key}.`, null)}
        >
          Delete task
        </button>
        <button type="button" className="secondary" disabled={!canUndo} onClick={undo} aria-keyshortcuts="Control+Z">
          Undo
        </button>
        <button type="button" className="secondary" disabled={!canRedo} onClick={redo} aria-keyshortcuts="Control+Shift+Z Control+Y">
          Redo
        </button>
        <button type="button" className="secondary" onClick={() => setFit((n) => n + 1)}>
          Zoom to fit
        </button>
      </div>
      <p className="sr-only" role="status" aria-live="polite">
        {announce}
      </p>
      {!valid && (
        <p className="note" role="note">
          The JSON below does not read as a definition yet: the canvas shows the last one that did, and waits for the JSON to be fixed
          before it changes anything.
        </p>
      )}
      {problem && (
        <p className="problems" role="alert">
          {problem}
        </p>
      )}
      {paletteOpen && (
        <div className="palette" id={`${ids}-palette`}>
          <label htmlFor={`${ids}-search`}>Search operations and task types</label>
          <input
            id={`${ids}-search`}
            ref={searchRef}
            type="search"
            value={query}
            onChange={(e) => setQuery(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Escape') setPaletteOpen(false);
              if (e.key === 'Enter' && shown[0]) {
                e.preventDefault();
                choose(shown[0]);
              }
            }}
            aria-describedby={`${ids}-palette-help`}
          />
          <p className="help" id={`${ids}-palette-help`}>
            The task is added after the selected task ({selected ?? def?.tasks.at(-1)?.key ?? 'none: it starts with the run'}). Enter adds
            the first match.
          </p>
          {adapters.isError && <p className="small muted">The operations catalogue could not be read; the built-in types are listed.</p>}
          <ul className="palette-list" aria-label="Operations and task types">
            {shown.map((e) => (
              <li key={e.id}>
                <button type="button" className="palette-item" onClick={() => choose(e)}>
                  <strong>{e.label}</strong> <span className="small muted">{e.group}</span>
                  <span className="small muted palette-desc">{e.description}</span>
                </button>
              </li>
            ))}
            {!shown.length && <li className="small muted">Nothing matches “{query}”.</li>}
          </ul>
        </div>
      )}
      <div className="canvas-with-panel">
        <LazyCanvas
          graph={graph}
          label={`${label}: task graph`}
          selected={selected}
          onSelect={setSelected}
          editable={!!valid}
          fitKey={fit}
          onConnect={(s, t) => apply((d) => connect(d, s, t), `${t} now waits for ${s}.`)}
          onDeleteTask={(k) => apply((d) => removeTask(d, k), `Deleted task ${k}.`, null)}
          onDeleteEdge={(s, t) => apply((d) => disconnect(d, s, t), `${t} no longer waits for ${s}.`)}
          fallback={<p className="small muted">The canvas needs a newer browser; edit the JSON below.</p>}
        />
        {task && def && (
          <div className="side-panels">
            <TaskPanel
              key={`${task.key}|${revision.current.n}`}
              task={task}
              def={def}
              adapters={adapters.data?.items ?? []}
              connectors={connectors.data?.items ?? []}
              disabled={!valid}
              onReplace={(next, said, mergeKey) => apply((d) => replaceTask(d, task.key, next), said, next.key, mergeKey, true)}
              onNeed={(need, on) =>
                apply(
                  (d) => (on ? connect(d, need, task.key) : disconnect(d, need, task.key)),
                  `${task.key} ${on ? 'now waits' : 'no longer waits'} for ${need}.`,
                )
              }
            />
            {stepTest && task.type === 'atomic' && valid && <StepTest key={task.key} {...stepTest} taskKey={task.key} />}
          </div>
        )}
      </div>
      <GraphLegend />
    </section>
  );
}

function TaskPanel({
  task,
  def,
  adapters,
  connectors,
  disabled,
  onReplace,
  onNeed,
}: {
  task: TaskDef;
  def: WorkflowDefinition;
  adapters: readonly AdapterInfo[];
  connectors: ReadonlyArray<{ name: string; resolvedSystemType: string | null }>;
  disabled: boolean;
  onReplace(next: TaskDef, said: string, mergeKey?: string): void;
  onNeed(need: string, on: boolean): void;
}) {
  const id = useId();
  const [key, setKey] = useState(task.key);
  const expressions = useTaskExpressions(def, task.key, adapters, connectors);
  const needs = resolvedNeeds(def.tasks)[def.tasks.findIndex((t) => t.key === task.key)] ?? [];
  const set = (patch: Partial<TaskDef>, said: string, mergeKey?: string) => {
    const next = { ...task, ...patch } as Record<string, unknown>;
    for (const [k, v] of Object.entries(patch)) if (v === undefined) delete next[k];
    onReplace(next as TaskDef, said, mergeKey);
  };
  const op =
    task.type === 'atomic'
      ? adapters
          .find((a) =>
            task.connector === 'platform'
              ? a.systemType === 'platform'
              : a.systemType === connectors.find((c) => c.name === task.connector)?.resolvedSystemType,
          )
          ?.operations.find((o) => o.name === task.operation)
      : undefined;
  // Connectors that offer this operation: platform and the project's connectors of a type whose adapter has it.
  const pick =
    task.type === 'atomic'
      ? [
          ...(adapters.find((a) => a.systemType === 'platform')?.operations.some((o) => o.name === task.operation) ? ['platform'] : []),
          ...connectors
            .filter((c) => adapters.find((a) => a.systemType === c.resolvedSystemType)?.operations.some((o) => o.name === task.operation))
            .map((c) => c.name),
        ]
      : [];
  if (task.type === 'atomic' && !pick.includes(task.connector)) pick.unshift(task.connector);
  return (
    <section className="task-panel" aria-label={`Task ${task.key}`}>
      <h3>Task {task.key}</h3>
      <fieldset disabled={disabled}>
        <div className="field">
          <label htmlFor={`${id}-key`}>Key</label>
          <input
            id={`${id}-key`}
            value={key}
            onChange={(e) => setKey(e.target.value)}
            onBlur={() => key !== task.key && key.trim() && set({ key: key.trim() }, `Renamed ${task.key} to ${key.trim()}.`)}
            onKeyDown={(e) => e.key === 'Enter' && key !== task.key && key.trim() && set({ key: key.trim() }, `Renamed to ${key.trim()}.`)}
          />
        </div>
        {task.type === 'atomic' && (
          <div className="field">
            <label htmlFor={`${id}-conn`}>Connector</label>
            <select
              id={`${id}-conn`}
              value={task.connector}
              onChange={(e) => set({ connector: e.target.value }, `Connector ${e.target.value}.`)}
            >
              {pick.map((c) => (
                <option key={c} value={c}>
                  {c}
                </option>
              ))}
            </select>
            <p className="help">
              Operation <code>{task.operation}</code>
              {op ? ` — ${op.description}` : ''}
            </p>
          </div>
        )}
        <fieldset className="group">
          <legend>Waits for</legend>
          {def.tasks.filter((t) => t.key !== task.key).length === 0 && <p className="help">No other task yet: it starts with the run.</p>}
          {def.tasks
            .filter((t) => t.key !== task.key)
            .map((t) => (
              <label key={t.key} className="check">
                <input type="checkbox" checked={needs.includes(t.key)} onChange={(e) => onNeed(t.key, e.target.checked)} /> {t.key}
              </label>
            ))}
        </fieldset>
        <JsonataField
          label="Runs only when (JSONata, optional)"
          value={task.when ?? ''}
          placeholder="steps.lookup.found = true"
          scope={expressions.scope}
          previewContext={expressions.previewContext}
          onCommit={(cond) =>
            cond !== (task.when ?? '') && set({ when: cond.trim() || undefined }, cond.trim() ? `Condition set.` : 'Condition removed.')
          }
          help={
            <>
              Evaluated over <code>input</code>, <code>steps</code> and <code>run</code> when the needs are met; false skips the task.
            </>
          }
        />
        <div className="field">
          <label htmlFor={`${id}-after`}>Runs after its needs</label>
          <select
            id={`${id}-after`}
            value={task.runAfter ?? 'success'}
            onChange={(e) =>
              set(
                { runAfter: e.target.value === 'success' ? undefined : (e.target.value as 'failure' | 'always') },
                'Trigger rule changed.',
              )
            }
          >
            <option value="success">succeeded (default)</option>
            <option value="failure">failed: a failure handler</option>
            <option value="always">ended, whatever happened: a finally</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${id}-err`}>When this task fails</label>
          <select
            id={`${id}-err`}
            value={task.onError ?? 'fail'}
            onChange={(e) => set({ onError: e.target.value === 'fail' ? undefined : 'continue' }, 'Error rule changed.')}
          >
            <option value="fail">fail the run unless a handler handles it (default)</option>
            <option value="continue">continue: the run goes on</option>
          </select>
        </div>
        {task.type === 'atomic' && (
          <fieldset className="group">
            <legend>Input</legend>
            <p className="help">
              Text may hold <code>{'{{ expression }}'}</code> over <code>input</code> and <code>steps</code>.
              {op && Object.keys(op.inputSchema).length ? '' : ' This operation publishes no input schema: edit the input as JSON.'}
            </p>
            <TaskInputForm
              schema={op && Object.keys(op.inputSchema).length ? op.inputSchema : null}
              value={(task.input ?? {}) as Record<string, unknown>}
              scope={expressions.scope}
              previewContext={expressions.previewContext}
              jsonataPaths={jsonataPathsOf(task)}
              onChange={(input) => {
                if (JSON.stringify(input) !== JSON.stringify(task.input ?? {}))
                  set({ input } as Partial<TaskDef>, 'Input changed.', `input:${task.key}`);
              }}
            />
          </fieldset>
        )}
      </fieldset>
    </section>
  );
}

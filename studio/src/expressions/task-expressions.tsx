/**
 * The task panel's expressions and input, wired to the workflow: the scope of the selected task
 * (the workflow's input schema, the output schemas of the operations of the tasks before it) and
 * the last run of the workflow on this page (`/workflows/:id`), whose data fills in what has no
 * schema and feeds the previews. Used by the canvas editor's task panel.
 */
import { useQuery } from '@tanstack/react-query';
import { useId, useMemo, useState, type ReactNode } from 'react';
import { useParams } from 'react-router';
import type { TaskDef } from '../canvas/graph-model';
import { getRun, listRuns, type AdapterInfo, type WorkflowDefinition } from '../services/api';
import { scopeOf, type ExpressionScope, type JsonSchema, type PreviewContext } from './expression-scope';
import { LazyExpressionEditor } from './lazy-expression-editor';
import { kindOf, SchemaForm } from './schema-form';

type Connectors = ReadonlyArray<{ name: string; resolvedSystemType: string | null }>;

/** The catalogue entry of the operation an atomic task calls (platform, or its connector's adapter). */
export function operationOf(task: TaskDef, adapters: readonly AdapterInfo[], connectors: Connectors) {
  if (task.type !== 'atomic') return undefined;
  const system = task.connector === 'platform' ? 'platform' : connectors.find((c) => c.name === task.connector)?.resolvedSystemType;
  return adapters.find((a) => a.systemType === system)?.operations.find((o) => o.name === task.operation);
}

/** Input fields of a task that are one whole JSONata expression, as the server checks them: platform `transform`'s `expression`. */
export function jsonataPathsOf(task: TaskDef): string[] {
  return task.type === 'atomic' && task.connector === 'platform' && task.operation === 'transform' ? ['expression'] : [];
}

/** What expressions see of a run: its input, each ended task's output (a failed one's error, as the engine shows it), its id. */
export function previewContextOf(run: {
  id: string;
  input?: unknown;
  tasks: ReadonlyArray<{
    key: string;
    status: string;
    attempts: number;
    output?: unknown;
    error?: { code: string; message: string } | null;
  }>;
}): PreviewContext {
  const steps: Record<string, unknown> = {};
  for (const t of run.tasks) {
    if (t.status === 'SUCCEEDED') steps[t.key] = t.output;
    else if (t.status === 'FAILED')
      steps[t.key] = t.output ?? (t.error ? { error: { code: t.error.code, message: t.error.message, attempts: t.attempts } } : null);
  }
  return { input: run.input, steps, run: { id: run.id } };
}

/** The last run of the workflow on this page, as preview data; null before its first run or off a workflow page. */
export function useLastRun(): PreviewContext | null {
  const { id } = useParams();
  const last = useQuery({
    queryKey: ['runs', 'last', id],
    queryFn: () => listRuns({ workflowId: id, limit: 1 }),
    enabled: !!id,
    staleTime: 30_000,
  });
  const runId = last.data?.items[0]?.id;
  const run = useQuery({ queryKey: ['run', runId], queryFn: () => getRun(runId!), enabled: !!runId, staleTime: 30_000 });
  return useMemo(() => (run.data ? previewContextOf(run.data) : null), [run.data]);
}

/** The scope of `taskKey` and the last run's data. */
export function useTaskExpressions(
  def: WorkflowDefinition,
  taskKey: string,
  adapters: readonly AdapterInfo[],
  connectors: Connectors,
): { scope: ExpressionScope; previewContext: PreviewContext | null } {
  const previewContext = useLastRun();
  const scope = useMemo(
    () =>
      scopeOf(
        def.tasks,
        taskKey,
        (def.inputSchema as JsonSchema | undefined) ?? null,
        (t) => (operationOf(t, adapters, connectors)?.outputSchema as JsonSchema | null | undefined) ?? null,
        previewContext,
      ),
    [def, taskKey, adapters, connectors, previewContext],
  );
  return { scope, previewContext };
}

/**
 * A task's input: the schema form when the operation publishes an object schema, else the input
 * as JSON. Calls `onChange` with each new input object.
 */
export function TaskInputForm({
  schema,
  value,
  onChange,
  scope,
  previewContext,
  jsonataPaths,
}: {
  schema: JsonSchema | null;
  value: Record<string, unknown>;
  onChange(input: Record<string, unknown>): void;
  scope: ExpressionScope;
  previewContext: PreviewContext | null;
  /** Fields holding one whole JSONata expression (see `jsonataPathsOf`). */
  jsonataPaths?: readonly string[];
}) {
  const id = useId();
  const [raw, setRaw] = useState(() => JSON.stringify(value, null, 2));
  const [problem, setProblem] = useState<string | null>(null);
  if (schema && kindOf(schema) === 'object')
    return (
      <SchemaForm
        schema={schema}
        value={value}
        onChange={onChange}
        scope={scope}
        previewContext={previewContext}
        jsonataPaths={jsonataPaths ?? []}
      />
    );
  return (
    <div className="field">
      <label htmlFor={`${id}-raw`}>Input (JSON object)</label>
      <textarea
        id={`${id}-raw`}
        className="code"
        rows={8}
        value={raw}
        aria-invalid={problem ? true : undefined}
        aria-describedby={problem ? `${id}-problem` : undefined}
        onChange={(e) => {
          setRaw(e.target.value);
          try {
            const v: unknown = JSON.parse(e.target.value || '{}');
            if (!v || typeof v !== 'object' || Array.isArray(v)) return setProblem('The input must be a JSON object.');
            setProblem(null);
            onChange(v as Record<string, unknown>);
          } catch (err) {
            setProblem(`Not valid JSON: ${(err as Error).message}`);
          }
        }}
      />
      {problem && (
        <p className="problems" id={`${id}-problem`}>
          {problem}
        </p>
      )}
    </div>
  );
}

/** A one-line JSONata field (a task's `when`), committed when focus leaves it or on Enter. */
export function JsonataField({
  label,
  help,
  value,
  onCommit,
  scope,
  previewContext,
  placeholder,
}: {
  label: string;
  help: ReactNode;
  value: string;
  onCommit(text: string): void;
  scope: ExpressionScope;
  previewContext: PreviewContext | null;
  placeholder?: string;
}) {
  const id = useId();
  const [text, setText] = useState(value);
  return (
    <div className="field">
      <span className="label" id={`${id}-label`}>
        {label}
      </span>
      <LazyExpressionEditor
        value={text}
        onChange={setText}
        onCommit={onCommit}
        mode="jsonata"
        labelledBy={`${id}-label`}
        describedBy={`${id}-help`}
        scope={scope}
        previewContext={previewContext}
        placeholder={placeholder}
      />
      <p className="help" id={`${id}-help`}>
        {help}
      </p>
    </div>
  );
}

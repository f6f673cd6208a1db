/**
 * What an expression of one task can read, for completion: `input` (from the workflow's input
 * schema, else the last run's input), `steps.<key>` for the tasks that run before it (its needs,
 * read as the engine reads them — an omitted `needs` is the task before it — and their needs in
 * turn: exactly the steps the server accepts a reference to, shared/engine/check-definition.ts),
 * each from its operation's output schema or, without one, from the last run's actual output; and
 * `run.id`. Pure: no JSONata, no CodeMirror, so forms in the main chunk can build a scope cheaply.
 */
import { resolvedNeeds, type TaskDef } from '../canvas/graph-model';

export type JsonSchema = Record<string, unknown>;

/** One step a task may read: its key, whether it is a direct need, and what it is known by. */
export interface StepInScope {
  key: string;
  /** True for a need of the task itself; false for a need of a need. */
  direct: boolean;
  /** The output schema of the task's operation, when it publishes one. */
  schema: JsonSchema | null;
  /** The task's output in the last run, when it ran. */
  sample: unknown;
  /** True when the task runs after a failure (`runAfter: failure | always`): its needs may hold `error`. */
  mayHaveError: boolean;
}

export interface ExpressionScope {
  inputSchema: JsonSchema | null;
  inputSample: unknown;
  steps: StepInScope[];
}

/** The data of the last run, as an expression of the task saw it (`input`, `steps`, `run`). */
export interface PreviewContext {
  input: unknown;
  steps: Record<string, unknown>;
  run: { id: string };
}

/** The keys of the tasks that run before `taskKey`: its needs first, then their needs, breadth first. */
export function stepsBefore(
  tasks: ReadonlyArray<Pick<TaskDef, 'key' | 'needs'>>,
  taskKey: string,
): Array<{ key: string; direct: boolean }> {
  const needs = resolvedNeeds(tasks);
  const byKey = new Map(tasks.map((t, i) => [t.key, needs[i]!]));
  const out: Array<{ key: string; direct: boolean }> = [];
  const seen = new Set<string>([taskKey]);
  let frontier = byKey.get(taskKey) ?? [];
  let direct = true;
  while (frontier.length) {
    const next: string[] = [];
    for (const k of frontier) {
      if (seen.has(k) || !byKey.has(k)) continue;
      seen.add(k);
      out.push({ key: k, direct });
      next.push(...byKey.get(k)!);
    }
    frontier = next;
    direct = false;
  }
  return out;
}

/** One completion: a name that may follow the path typed so far. */
export interface ScopeEntry {
  name: string;
  /** Where the name comes from, in words (`output schema of lookup`, `last run`). */
  detail: string;
  /** The schema's description or the sample value, shortened. */
  info?: string;
  /** JSON type when known (`object`, `string`, …). */
  type?: string;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The properties a schema declares (through `allOf`/`anyOf`/`oneOf` too), and `items` for arrays. */
function schemaProperties(schema: JsonSchema): Map<string, JsonSchema> {
  const out = new Map<string, JsonSchema>();
  const visit = (s: unknown, depth: number) => {
    if (!isObject(s) || depth > 8) return;
    if (isObject(s['properties'])) for (const [k, v] of Object.entries(s['properties'])) if (!out.has(k) && isObject(v)) out.set(k, v);
    // JSONata maps a path over an array: `steps.list.items.id` reads each item's id.
    if (isObject(s['items'])) visit(s['items'], depth + 1);
    for (const k of ['allOf', 'anyOf', 'oneOf'] as const) if (Array.isArray(s[k])) for (const x of s[k] as unknown[]) visit(x, depth + 1);
  };
  visit(schema, 0);
  return out;
}

function schemaType(s: JsonSchema): string | undefined {
  const t = s['type'];
  return typeof t === 'string' ? t : Array.isArray(t) ? t.filter((x) => x !== 'null').join(' | ') : undefined;
}

/** The names a value offers after it (an array's items are looked through, as JSONata does). */
function sampleProperties(v: unknown): Map<string, unknown> {
  const out = new Map<string, unknown>();
  const visit = (x: unknown, depth: number) => {
    if (Array.isArray(x) && depth < 3) for (const item of x.slice(0, 20)) visit(item, depth + 1);
    else if (isObject(x)) for (const [k, val] of Object.entries(x)) if (!out.has(k)) out.set(k, val);
  };
  visit(v, 0);
  return out;
}

const short = (v: unknown) => {
  const s = JSON.stringify(v) ?? 'undefined';
  return s.length > 60 ? `${s.slice(0, 57)}…` : s;
};
const typeOfValue = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);

/** What a schema (or, without one, a sample) offers after `path`, as completions. */
function descend(schema: JsonSchema | null, sample: unknown, path: readonly string[], what: string): ScopeEntry[] {
  let s: JsonSchema | null = schema;
  let v: unknown = sample;
  for (const name of path) {
    s = s ? (schemaProperties(s).get(name) ?? null) : null;
    v = sampleProperties(v).get(name);
  }
  if (s) {
    const props = schemaProperties(s);
    if (props.size)
      return [...props].map(([name, p]) => ({
        name,
        detail: `${what}, schema`,
        ...(typeof p['description'] === 'string' ? { info: p['description'] } : {}),
        ...(schemaType(p) ? { type: schemaType(p)! } : {}),
      }));
  }
  return [...sampleProperties(v)].map(([name, x]) => ({ name, detail: `${what}, last run`, info: short(x), type: typeOfValue(x) }));
}

/** The names that may follow `path` (the dotted names typed before the cursor) in an expression of the scope's task. */
export function completionsAt(scope: ExpressionScope, path: readonly string[]): ScopeEntry[] {
  if (path.length === 0)
    return [
      { name: 'input', detail: 'the run input', type: 'object' },
      { name: 'steps', detail: 'outputs of the tasks that run before this one', type: 'object' },
      { name: 'run', detail: 'this run', type: 'object' },
    ];
  const [root, ...rest] = path;
  if (root === 'input') return descend(scope.inputSchema, scope.inputSample, rest, 'input');
  if (root === 'run') return rest.length ? [] : [{ name: 'id', detail: 'the run id', type: 'string' }];
  if (root !== 'steps') return [];
  if (rest.length === 0)
    return scope.steps.map((s) => ({
      name: s.key,
      detail: s.direct ? 'a need of this task' : 'runs before this task (a need of its needs)',
      type: 'object',
    }));
  const [key, ...inner] = rest;
  const step = scope.steps.find((s) => s.key === key);
  if (!step) return [];
  const found = descend(step.schema, step.sample, inner, `output of ${step.key}`);
  if (inner.length === 0 && step.mayHaveError && !found.some((e) => e.name === 'error'))
    found.push({ name: 'error', detail: `error of ${step.key} when it failed`, info: '{ code, message }', type: 'object' });
  return found;
}

/**
 * The dotted path and the partial name before the cursor: `steps.look` → path ['steps'], word
 * 'look'; `$x + input.` → path ['input'], word ''. `from` is where the partial name starts.
 * Null inside a string literal or where no name is being typed.
 */
export function pathBefore(text: string, cursor: number): { path: string[]; word: string; from: number } | null {
  const before = text.slice(0, cursor);
  const m = /([A-Za-z_][\w]*(?:\.[A-Za-z_][\w]*)*\.)?([A-Za-z_][\w]*)?$/.exec(before);
  if (!m || (!m[1] && !m[2])) return null;
  const start = cursor - m[0].length;
  // A name right after `$` is a variable, after a digit or quote not a path.
  if (start > 0 && /[$\w"'`]/.test(before[start - 1]!)) return null;
  const path = m[1] ? m[1].slice(0, -1).split('.') : [];
  const word = m[2] ?? '';
  return { path, word, from: cursor - word.length };
}

/** In `{{ }}` text: whether the cursor stands inside an expression (after a `{{` not yet closed). */
export function insideTemplateExpression(text: string, cursor: number): boolean {
  const before = text.slice(0, cursor);
  return before.lastIndexOf('{{') > before.lastIndexOf('}}');
}

/** The scope of `taskKey` in a definition, given what is known of each task's output. */
export function scopeOf(
  tasks: readonly TaskDef[],
  taskKey: string,
  inputSchema: JsonSchema | null,
  outputSchemaOf: (task: TaskDef) => JsonSchema | null,
  lastRun: PreviewContext | null,
): ExpressionScope {
  const byKey = new Map(tasks.map((t) => [t.key, t]));
  const self = byKey.get(taskKey);
  const afterFailure = self?.runAfter === 'failure' || self?.runAfter === 'always';
  return {
    inputSchema: inputSchema && Object.keys(inputSchema).length ? inputSchema : null,
    inputSample: lastRun?.input,
    steps: stepsBefore(tasks, taskKey).map(({ key, direct }) => ({
      key,
      direct,
      schema: outputSchemaOf(byKey.get(key)!),
      sample: lastRun?.steps[key],
      mayHaveError: afterFailure,
    })),
  };
}

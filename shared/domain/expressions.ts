/**
 * Input mapping with JSONata. A string that is exactly `{{ expr }}` takes the expression's value
 * (any JSON type); a string with `{{ … }}` inside is interpolated; other values pass through.
 * Compiled expressions are cached: definitions are immutable, so the same strings recur on every
 * run and every chunk.
 *
 * An expression is code its author runs on the platform's event loop (in the Functions host the
 * same loop answers the API), so every evaluation is bounded (`EXPRESSION_LIMITS`): it yields to
 * the event loop after a slice of continuous work, and fails with `expression_limit` when it runs
 * too long, nests too deep or builds too large a sequence or string. Regex literals run on RE2
 * (linear-regex.ts).
 */
import jsonata from 'jsonata';
import { BoundedCache } from './bounded-cache';
import { ExpressionError, ExpressionLimitError, type FieldIssue } from './errors';
import { LinearRegExp, patternProblem } from './linear-regex';

const WHOLE = /^\s*\{\{([\s\S]*?)\}\}\s*$/;
const PART = /\{\{([\s\S]*?)\}\}/g;
const MAX_CACHE = 5_000;
const cache = new BoundedCache<string, jsonata.Expression>(MAX_CACHE);

/**
 * Bounds on one evaluation.
 * - `timeMs`: wall time. A `$map` over 1,000 objects takes about 25 ms on this project's 2-core
 *   machine, so 5 s leaves room for a transform over a few hundred thousand records.
 * - `sliceMs`: continuous work before the evaluation yields to the event loop (setImmediate), so
 *   a long evaluation delays an HTTP request by about this much, not by its whole run.
 * - `depth`: nested evaluation frames; non-tail recursion deeper than this fails instead of
 *   holding ever more suspended frames (a user function call takes about 6, so recursion may go
 *   about 800 deep; a tail call takes none and is bounded by `timeMs`).
 * - `sequenceItems`, `stringChars`: the largest sequence or string one step may build; a doubling
 *   loop fails at the step that passes them instead of allocating gigabytes.
 * - `resultDepth`: nesting of the value returned (it is copied, stored and serialised).
 */
export const EXPRESSION_LIMITS = {
  timeMs: 5_000,
  sliceMs: 10,
  depth: 5_000,
  sequenceItems: 1_000_000,
  stringChars: 10_000_000,
  resultDepth: 1_000,
} as const;

/** Thrown inside an evaluation when a bound is passed; `evaluate` turns it into `ExpressionLimitError`. */
class LimitReached extends Error {}

const BUDGET = Symbol('demiton.expressionBudget');
interface Budget {
  started: number;
  sliceStarted: number;
  steps: number;
}
interface Frame {
  base: { [BUDGET]?: Budget };
}

/**
 * JSONata's `__evaluate_entry` hook, called before every node: checks the clock every 64 nodes
 * (performance.now() on each would cost more than the node), fails past `timeMs` and yields past
 * `sliceMs`. The budget lives on the evaluation's own root frame, so a cached expression
 * evaluated concurrently keeps one budget per evaluation. Cost, measured on this project's
 * 2-core machine: a short expression (`$uppercase(…) & …`) is unchanged at ~0.08 ms; a path over
 * 200 items (`$sum(input.items.id)`) goes from ~0.42 to ~0.60 ms, as JSONata awaits the hook at
 * every node. Plain paths (`{{ input.x }}`) and constant inputs never reach JSONata.
 */
function onEntry(_node: unknown, _input: unknown, env: Frame): Promise<void> | undefined {
  const base = env.base;
  const b = base[BUDGET];
  if (b === undefined) {
    const now = performance.now();
    base[BUDGET] = { started: now, sliceStarted: now, steps: 0 };
    return undefined;
  }
  if ((++b.steps & 63) !== 0) return undefined;
  const now = performance.now();
  if (now - b.started > EXPRESSION_LIMITS.timeMs) throw new LimitReached(`ran longer than ${EXPRESSION_LIMITS.timeMs} ms`);
  if (now - b.sliceStarted < EXPRESSION_LIMITS.sliceMs) return undefined;
  return new Promise((resolve) =>
    setImmediate(() => {
      b.sliceStarted = performance.now();
      resolve();
    }),
  );
}

/** JSONata's `__evaluate_exit` hook: bounds the size of every intermediate string and array. */
function onExit(_node: unknown, _input: unknown, _env: unknown, result: unknown): void {
  if (typeof result === 'string') {
    if (result.length > EXPRESSION_LIMITS.stringChars)
      throw new LimitReached(`built a string longer than ${EXPRESSION_LIMITS.stringChars} characters`);
  } else if (Array.isArray(result) && result.length > EXPRESSION_LIMITS.sequenceItems) {
    throw new LimitReached(`built a sequence longer than ${EXPRESSION_LIMITS.sequenceItems} items`);
  }
}

/** `$pad` with its width bounded before it allocates (JSONata's own builds `new Array(width)`). */
function boundedPad(str: string | undefined, width: number, char?: string): string | undefined {
  if (str === undefined) return undefined;
  const w = Math.trunc(width);
  if (Math.abs(w) > EXPRESSION_LIMITS.stringChars)
    throw new LimitReached(`$pad to ${Math.abs(w)} characters (at most ${EXPRESSION_LIMITS.stringChars})`);
  const fill = char === undefined || char.length === 0 ? ' ' : char;
  const missing = Math.abs(w) - Array.from(str).length;
  if (missing <= 0) return str;
  const padding = Array.from(fill.repeat(Math.ceil(missing / Array.from(fill).length)))
    .slice(0, missing)
    .join('');
  return w > 0 ? str + padding : padding + str;
}

const OPTIONS = {
  stack: EXPRESSION_LIMITS.depth,
  sequence: EXPRESSION_LIMITS.sequenceItems,
  RegexEngine: LinearRegExp as unknown as RegExpConstructor,
};

/** Compiles (or fetches from cache) one JSONata expression, with its bounds. Throws jsonata's error on bad syntax. */
export function compile(expr: string): jsonata.Expression {
  let c = cache.get(expr);
  if (!c) {
    c = jsonata(expr, OPTIONS);
    c.assign(Symbol.for('jsonata.__evaluate_entry') as unknown as string, onEntry);
    c.assign(Symbol.for('jsonata.__evaluate_exit') as unknown as string, onExit);
    c.registerFunction('pad', boundedPad, '<s-ns?:s>');
    cache.set(expr, c);
  }
  return c;
}

// JSONata's own codes for the bounds it enforces with OPTIONS (stack depth, range size, sequence length).
const JSONATA_LIMIT_CODES = new Set(['D1011', 'D2014', 'D2015']);

/** The bound an evaluation error reports, or null when it is an ordinary failure. */
function limitOf(err: unknown): string | null {
  let e: unknown = err;
  // $eval wraps what its inner evaluation threw in `error`.
  for (let i = 0; i < 8 && e && typeof e === 'object'; i++) {
    if (e instanceof LimitReached) return e.message;
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && JSONATA_LIMIT_CODES.has(code)) return describe(e);
    // V8's own limits: the call stack, string and array lengths.
    if (e instanceof RangeError) return e.message;
    e = (e as { error?: unknown; cause?: unknown }).error ?? (e as { cause?: unknown }).cause;
  }
  return null;
}

function describe(err: unknown): string {
  if (err && typeof err === 'object' && 'message' in err) {
    const e = err as { message: string; position?: number; token?: string };
    return e.position !== undefined ? `${e.message} (at position ${e.position})` : e.message;
  }
  return String(err);
}

// The names of an expression that is only a dotted path of plain names (`record.index`), or null.
const PLAIN_KEYS = new Set(['type', 'value', 'position']);
const paths = new WeakMap<jsonata.Expression, readonly string[] | null>();
function plainPath(compiled: jsonata.Expression): readonly string[] | null {
  let names = paths.get(compiled);
  if (names === undefined) {
    const ast = compiled.ast() as { type?: string; steps?: Array<Record<string, unknown>> };
    const simple =
      ast.type === 'path' &&
      Object.keys(ast).every((k) => k === 'type' || k === 'steps') &&
      Array.isArray(ast.steps) &&
      ast.steps.every((s) => s['type'] === 'name' && typeof s['value'] === 'string' && Object.keys(s).every((k) => PLAIN_KEYS.has(k)));
    names = simple ? ast.steps!.map((s) => s['value'] as string) : null;
    paths.set(compiled, names);
  }
  return names;
}

/**
 * A plain path's value looked up directly, when every step is an own property of a plain (non-
 * array) object and the value is a string, number, boolean or null: exactly what JSONata would
 * return, without its evaluator (per chunk, `{{ record.x }}` is most of a fan-out's allocations).
 * `undefined` for anything else, which JSONata then evaluates.
 */
function lookUp(names: readonly string[], context: unknown): unknown {
  let v = context;
  for (const name of names) {
    if (v === null || typeof v !== 'object' || Array.isArray(v) || !Object.hasOwn(v, name)) return undefined;
    v = (v as Record<string, unknown>)[name];
  }
  return v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? v : undefined;
}

/** Evaluates one expression against `context`; `undefined` results become `null`. */
export async function evaluate(expr: string, context: unknown, taskKey: string): Promise<unknown> {
  let compiled: jsonata.Expression;
  try {
    compiled = compile(expr);
  } catch (err) {
    throw new ExpressionError(taskKey, expr, describe(err), { cause: err });
  }
  const names = plainPath(compiled);
  if (names) {
    const v = lookUp(names, context);
    if (v !== undefined) return v;
  }
  try {
    const v = await compiled.evaluate(context);
    return v === undefined ? null : normalise(v, 0);
  } catch (err) {
    const limit = limitOf(err);
    if (limit !== null) throw new ExpressionLimitError(taskKey, expr, limit, { cause: err });
    throw new ExpressionError(taskKey, expr, describe(err), { cause: err });
  }
}

// JSONata returns arrays with a `sequence` flag and may return functions; keep plain JSON only.
function normalise(v: unknown, depth: number): unknown {
  if (typeof v === 'function') return null;
  if (v && typeof v === 'object' && depth >= EXPRESSION_LIMITS.resultDepth)
    throw new LimitReached(`returned a value nested deeper than ${EXPRESSION_LIMITS.resultDepth} levels`);
  if (Array.isArray(v)) return v.map((x) => normalise(x, depth + 1));
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, normalise(x, depth + 1)]));
  return v;
}

function toText(v: unknown): string {
  if (v === null || v === undefined) return '';
  return typeof v === 'string' ? v : typeof v === 'object' ? JSON.stringify(v) : String(v);
}

/** Maps a value (recursively) against `context`. */
export async function mapValue(value: unknown, context: unknown, taskKey: string): Promise<unknown> {
  if (typeof value === 'string') {
    if (!value.includes('{{')) return value;
    const whole = WHOLE.exec(value);
    if (whole && !whole[1]!.includes('{{') && !whole[1]!.includes('}}')) return evaluate(whole[1]!.trim(), context, taskKey);
    const parts: Promise<unknown>[] = [];
    value.replace(PART, (_m, expr: string) => {
      parts.push(evaluate(expr.trim(), context, taskKey));
      return '';
    });
    const values = await Promise.all(parts);
    let i = 0;
    return value.replace(PART, () => toText(values[i++]));
  }
  if (Array.isArray(value)) return Promise.all(value.map((v) => mapValue(v, context, taskKey)));
  if (value && typeof value === 'object') {
    const entries = await Promise.all(Object.entries(value).map(async ([k, v]) => [k, await mapValue(v, context, taskKey)] as const));
    return Object.fromEntries(entries);
  }
  return value;
}

/** Every `{{ expr }}` inside a value, with the JSON path where it stands. */
export function* expressionsIn(value: unknown, path: string): Generator<{ path: string; expr: string }> {
  if (typeof value === 'string') {
    for (const m of value.matchAll(PART)) yield { path, expr: m[1]!.trim() };
  } else if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) yield* expressionsIn(value[i], `${path}[${i}]`);
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) yield* expressionsIn(v, `${path}.${k}`);
  }
}

/**
 * Checks syntax, and refuses what is unbounded on its face: a regex literal RE2 cannot run
 * (backreferences, lookaround), a range of constants or a `$pad` to a constant width past the
 * limits. Returns an issue for a bad expression, or null.
 */
export function checkSyntax(expr: string, path: string): FieldIssue | null {
  let compiled: jsonata.Expression;
  try {
    compiled = compile(expr);
  } catch (err) {
    return { path, message: `invalid expression '${expr}': ${describe(err)}` };
  }
  const problem = unboundedPart(compiled.ast());
  return problem ? { path, message: `expression '${expr}' is refused: ${problem}` } : null;
}

interface AstNode {
  type?: string;
  value?: unknown;
  lhs?: AstNode;
  rhs?: AstNode;
  procedure?: AstNode;
  arguments?: AstNode[];
}

/** The first part of an AST that is unbounded on its face, described, or null. */
function unboundedPart(ast: unknown): string | null {
  const stack: unknown[] = [ast];
  const seen = new Set<object>();
  while (stack.length) {
    const node = stack.pop();
    if (!node || typeof node !== 'object' || seen.has(node)) continue;
    seen.add(node);
    const n = node as AstNode;
    if (n.type === 'regex' && n.value instanceof RegExp) {
      const bad = patternProblem(n.value.source, n.value.flags);
      if (bad) return bad;
    }
    if (n.type === 'binary' && n.value === '..' && n.lhs?.type === 'number' && n.rhs?.type === 'number') {
      const size = (n.rhs.value as number) - (n.lhs.value as number) + 1;
      if (size > EXPRESSION_LIMITS.sequenceItems)
        return `the range [${String(n.lhs.value)}..${String(n.rhs.value)}] has ${size} items (at most ${EXPRESSION_LIMITS.sequenceItems})`;
    }
    if (n.type === 'function' && n.procedure?.type === 'variable' && n.procedure.value === 'pad') {
      const width = n.arguments?.[1];
      if (width?.type === 'number' && Math.abs(width.value as number) > EXPRESSION_LIMITS.stringChars)
        return `$pad to ${String(width.value)} characters (at most ${EXPRESSION_LIMITS.stringChars})`;
    }
    for (const v of Object.values(node)) {
      if (Array.isArray(v)) stack.push(...v);
      else if (v && typeof v === 'object' && !(v instanceof RegExp)) stack.push(v);
    }
  }
  return null;
}

/** The step keys an expression reads (`steps.<key>` / `steps["key"]`), found on the parsed AST. */
export function stepReferences(expr: string): string[] {
  const found = new Set<string>();
  let ast: unknown;
  try {
    ast = compile(expr).ast();
  } catch {
    return [];
  }
  const visit = (node: unknown): void => {
    if (!node || typeof node !== 'object') return;
    const n = node as { type?: string; steps?: Array<{ type?: string; value?: unknown }> };
    if (n.type === 'path' && Array.isArray(n.steps) && n.steps.length >= 2) {
      const [first, second] = n.steps;
      if (first?.type === 'name' && first.value === 'steps' && second?.type === 'name' && typeof second.value === 'string') {
        found.add(second.value);
      }
    }
    for (const v of Object.values(node)) {
      if (Array.isArray(v)) v.forEach(visit);
      else if (v && typeof v === 'object') visit(v);
    }
  };
  visit(ast);
  return [...found];
}

/**
 * Input mapping with JSONata. A string that is exactly `{{ expr }}` takes the expression's value
 * (any JSON type); a string with `{{ … }}` inside is interpolated; other values pass through.
 * Compiled expressions are cached: definitions are immutable, so the same strings recur on every
 * run and every chunk.
 */
import jsonata from 'jsonata';
import { ExpressionError, type FieldIssue } from './errors';

const WHOLE = /^\s*\{\{([\s\S]*?)\}\}\s*$/;
const PART = /\{\{([\s\S]*?)\}\}/g;
const MAX_CACHE = 5_000;
const cache = new Map<string, jsonata.Expression>();

/** Compiles (or fetches from cache) one JSONata expression. Throws jsonata's error on bad syntax. */
export function compile(expr: string): jsonata.Expression {
  let c = cache.get(expr);
  if (!c) {
    c = jsonata(expr);
    if (cache.size >= MAX_CACHE) cache.delete(cache.keys().next().value as string);
    cache.set(expr, c);
  }
  return c;
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
    return v === undefined ? null : normalise(v);
  } catch (err) {
    throw new ExpressionError(taskKey, expr, describe(err), { cause: err });
  }
}

// JSONata returns arrays with a `sequence` flag and may return functions; keep plain JSON only.
function normalise(v: unknown): unknown {
  if (typeof v === 'function') return null;
  if (Array.isArray(v)) return v.map(normalise);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, normalise(x)]));
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

/** Checks syntax; returns an issue for a bad expression, or null. */
export function checkSyntax(expr: string, path: string): FieldIssue | null {
  try {
    compile(expr);
    return null;
  } catch (err) {
    return { path, message: `invalid expression '${expr}': ${describe(err)}` };
  }
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

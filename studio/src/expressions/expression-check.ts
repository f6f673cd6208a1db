/**
 * Parse errors and previews of expressions, with the `jsonata` package the server compiles them
 * with (shared/domain/expressions.ts), so an error the editor marks is the error a save would
 * report, at the same position. Templates follow the server's mapping rules: a text that is
 * exactly `{{ expr }}` takes the expression's value (any JSON type), a text with `{{ … }}` inside
 * is interpolated, and the expression inside the braces is trimmed before it is compiled.
 *
 * Only the editor's lazy chunk imports this module: JSONata stays out of the main chunk.
 */
import jsonata from 'jsonata';
import type { PreviewContext } from './expression-scope';

export type ExpressionMode = 'jsonata' | 'template';

/** A parse error, with the characters it is about (offsets in the whole text). */
export interface ExpressionProblem {
  from: number;
  to: number;
  message: string;
}

// The server's patterns (shared/domain/expressions.ts): the whole text, or each part.
const WHOLE = /^\s*\{\{([\s\S]*?)\}\}\s*$/;
const PART = /\{\{([\s\S]*?)\}\}/g;

/** Each `{{ expr }}` of a template: the trimmed expression and where it starts in the text. */
export function templateParts(text: string): Array<{ expr: string; from: number; to: number }> {
  const out: Array<{ expr: string; from: number; to: number }> = [];
  for (const m of text.matchAll(PART)) {
    const inner = m[1]!;
    const lead = inner.length - inner.trimStart().length;
    const from = m.index + 2 + lead;
    out.push({ expr: inner.trim(), from, to: from + inner.trim().length });
  }
  return out;
}

function problemOf(expr: string, offset: number): ExpressionProblem | null {
  try {
    jsonata(expr);
    return null;
  } catch (err) {
    const e = err as { message?: string; position?: number };
    const message = e.message ?? String(err);
    // JSONata's position is the character after the token it stopped at (1-based end).
    const at = typeof e.position === 'number' ? Math.min(Math.max(e.position - 1, 0), expr.length) : 0;
    const from = offset + Math.min(at, Math.max(expr.length - 1, 0));
    return {
      from,
      to: Math.max(from + 1, offset + Math.min(at + 1, expr.length)),
      message: typeof e.position === 'number' ? `${message} (at position ${e.position})` : message,
    };
  }
}

/** The parse errors of a text: one JSONata expression, or a template's `{{ }}` parts. An empty expression is none. */
export function problemsOf(text: string, mode: ExpressionMode): ExpressionProblem[] {
  if (mode === 'jsonata') {
    if (!text.trim()) return [];
    const lead = text.length - text.trimStart().length;
    const p = problemOf(text.trim(), lead);
    return p ? [p] : [];
  }
  return templateParts(text).flatMap((part) => {
    if (!part.expr) return [{ from: part.from - 2, to: part.from + 2, message: 'An empty {{ }}: write an expression inside' }];
    const p = problemOf(part.expr, part.from);
    return p ? [p] : [];
  });
}

/** Bound on a preview's evaluation: the expression is the author's own, but a loop must not hang the page. */
export const PREVIEW_TIME_MS = 1_000;

async function evaluate(expr: string, context: PreviewContext): Promise<unknown> {
  const compiled = jsonata(expr);
  const started = performance.now();
  let steps = 0;
  compiled.assign(Symbol.for('jsonata.__evaluate_entry') as unknown as string, () => {
    if ((++steps & 63) === 0 && performance.now() - started > PREVIEW_TIME_MS)
      throw new Error(`The preview stopped after ${PREVIEW_TIME_MS} ms; the server allows longer.`);
  });
  const v: unknown = await compiled.evaluate(context);
  return v === undefined ? null : JSON.parse(JSON.stringify(v, (_k, x: unknown) => (typeof x === 'function' ? null : x)) ?? 'null');
}

const toText = (v: unknown) =>
  v === null || v === undefined ? '' : typeof v === 'string' ? v : typeof v === 'object' ? JSON.stringify(v) : String(v);

/** The value a text takes against the last run's data, as the server would map it, or the error it meets. */
export async function previewOf(
  text: string,
  mode: ExpressionMode,
  context: PreviewContext,
): Promise<{ value: unknown } | { error: string }> {
  try {
    if (mode === 'jsonata') return { value: await evaluate(text.trim(), context) };
    if (!text.includes('{{')) return { value: text };
    const whole = WHOLE.exec(text);
    if (whole && !whole[1]!.includes('{{') && !whole[1]!.includes('}}')) return { value: await evaluate(whole[1]!.trim(), context) };
    const values = await Promise.all(templateParts(text).map((p) => evaluate(p.expr, context)));
    let i = 0;
    return { value: text.replace(PART, () => toText(values[i++])) };
  } catch (err) {
    const e = err as { message?: string };
    return { error: e.message ?? String(err) };
  }
}

/**
 * The expression editor's model, without a browser: which steps a task may read (its needs, read
 * as the engine reads them, and their needs), what completes after `input.`, `steps.` and
 * `steps.<key>.` (schemas first, the last run's data without one), parse errors at the server's
 * positions (the same `jsonata` package), and previews mapped as the server maps templates.
 */
import { CompletionContext } from '@codemirror/autocomplete';
import { EditorState } from '@codemirror/state';
import { describe, expect, it } from 'vitest';
import { checkSyntax, mapValue } from '../../../shared/domain/expressions';
import type { TaskDef } from '../canvas/graph-model';
import { previewOf, problemsOf, templateParts } from './expression-check';
import { completionSource } from './expression-editor';
import { completionsAt, pathBefore, scopeOf, stepsBefore, type ExpressionScope } from './expression-scope';

const echo = (key: string, extra: Partial<TaskDef> = {}) =>
  ({ key, type: 'atomic', connector: 'platform', operation: 'echo', input: {}, ...extra }) as TaskDef;

// lookup → (update | create) → post; side starts with the run.
const tasks: TaskDef[] = [
  echo('lookup'),
  echo('update'),
  echo('create', { needs: ['lookup'] }),
  echo('side', { needs: [] }),
  echo('post', { needs: ['update', 'create'] }),
  echo('mail', { needs: ['post'], runAfter: 'failure' }),
];
const lookupSchema = {
  type: 'object',
  properties: { found: { type: 'boolean', description: 'True when a record matched' }, id: { type: 'string' } },
};
const lastRun = {
  input: { customer: { name: 'Ada', tags: ['a'] } },
  steps: { lookup: { found: true, id: 'c-1' }, update: { rows: [{ n: 1 }, { n: 2 }] }, create: { made: 'x' } },
  run: { id: 'r-1' },
};
const scopeFor = (key: string, withRun = true): ExpressionScope =>
  scopeOf(
    tasks,
    key,
    { type: 'object', properties: { customer: { type: 'object', properties: { name: { type: 'string' }, email: { type: 'string' } } } } },
    (t) => (t.key === 'lookup' ? lookupSchema : null),
    withRun ? lastRun : null,
  );
const names = (scope: ExpressionScope, path: string[]) => completionsAt(scope, path).map((e) => e.name);

describe('steps in scope', () => {
  it('are the needs (an omitted needs is the task before it) and their needs, never a parallel or later task', () => {
    expect(stepsBefore(tasks, 'update')).toEqual([{ key: 'lookup', direct: true }]);
    expect(stepsBefore(tasks, 'create')).toEqual([{ key: 'lookup', direct: true }]);
    expect(stepsBefore(tasks, 'post')).toEqual([
      { key: 'update', direct: true },
      { key: 'create', direct: true },
      { key: 'lookup', direct: false },
    ]);
    expect(stepsBefore(tasks, 'side')).toEqual([]);
    expect(stepsBefore(tasks, 'lookup')).toEqual([]);
  });

  it('completes steps.* from the needs only', () => {
    expect(names(scopeFor('update'), ['steps'])).toEqual(['lookup']);
    expect(names(scopeFor('post'), ['steps'])).toEqual(['update', 'create', 'lookup']);
    expect(names(scopeFor('side'), ['steps'])).toEqual([]);
  });
});

describe('completion', () => {
  it('offers input, steps and run at the start', () => {
    expect(names(scopeFor('post'), [])).toEqual(['input', 'steps', 'run']);
    expect(names(scopeFor('post'), ['run'])).toEqual(['id']);
  });

  it('reads input.* from the input schema, nested', () => {
    expect(names(scopeFor('post'), ['input'])).toEqual(['customer']);
    expect(names(scopeFor('post'), ['input', 'customer'])).toEqual(['name', 'email']);
  });

  it('reads steps.<key>.* from the output schema, with its descriptions, and from the last run without one', () => {
    const s = scopeFor('post');
    expect(completionsAt(s, ['steps', 'lookup'])).toEqual([
      { name: 'found', detail: 'output of lookup, schema', info: 'True when a record matched', type: 'boolean' },
      { name: 'id', detail: 'output of lookup, schema', type: 'string' },
    ]);
    // No schema: the last run's output, looking through arrays as JSONata does.
    expect(names(s, ['steps', 'update'])).toEqual(['rows']);
    expect(names(s, ['steps', 'update', 'rows'])).toEqual(['n']);
    expect(completionsAt(s, ['steps', 'create'])[0]).toMatchObject({ name: 'made', detail: 'output of create, last run', info: '"x"' });
    // Neither a schema nor a run: nothing to offer, and a step out of scope offers nothing.
    expect(names(scopeFor('post', false), ['steps', 'update'])).toEqual([]);
    expect(names(s, ['steps', 'side'])).toEqual([]);
  });

  it("offers a failure handler its needs' error", () => {
    expect(names(scopeFor('mail'), ['steps', 'post'])).toEqual(['error']);
  });

  it('finds the path before the cursor', () => {
    expect(pathBefore('steps.look', 10)).toEqual({ path: ['steps'], word: 'look', from: 6 });
    expect(pathBefore('$sum(input.', 11)).toEqual({ path: ['input'], word: '', from: 11 });
    expect(pathBefore('$inp', 4)).toBeNull();
  });

  it('serves CodeMirror: steps.<need> inside {{ }} only, and nothing outside the braces', () => {
    const scope = scopeFor('update');
    const source = completionSource(() => scope, 'template');
    const at = (doc: string, explicit = false) =>
      source(new CompletionContext(EditorState.create({ doc }), doc.length, explicit))?.options.map((o) => o.label) ?? null;
    expect(at('Hello {{ steps.')).toEqual(['lookup']);
    expect(at('Hello {{ steps.lookup.')).toEqual(['found', 'id']);
    expect(at('Hello {{ steps.lookup }} steps.')).toBeNull();
    expect(completionSource(() => scope, 'jsonata')(new CompletionContext(EditorState.create({ doc: 'inp' }), 3, false))).toMatchObject({
      from: 0,
    });
  });
});

describe('parse errors', () => {
  it('marks a bad JSONata expression with the message the server gives', () => {
    const [p] = problemsOf('input.(', 'jsonata');
    const server = checkSyntax('input.(', 'when');
    expect(server).not.toBeNull();
    expect(server!.message).toContain(p!.message);
    expect(p).toMatchObject({ from: 6, to: 7 });
    expect(problemsOf('steps.lookup.found = true', 'jsonata')).toEqual([]);
    expect(problemsOf('   ', 'jsonata')).toEqual([]);
  });

  it("marks each bad {{ }} part of a template at its place in the text, as the server's check finds them", () => {
    const text = 'Hi {{ input.name }}, {{ steps.( }} and {{  }}';
    expect(templateParts(text).map((p) => p.expr)).toEqual(['input.name', 'steps.(', '']);
    const found = problemsOf(text, 'template');
    expect(found).toHaveLength(2);
    expect(text.slice(found[0]!.from, found[0]!.to)).toBe('(');
    expect(found[1]!.message).toMatch(/empty/);
    expect(problemsOf('no expression at all', 'template')).toEqual([]);
  });
});

describe('preview', () => {
  it('evaluates as the server maps: a whole {{ }} keeps its type, text is interpolated', async () => {
    for (const text of [
      '{{ steps.lookup.found }}',
      'Dear {{ input.customer.name }}, id {{ steps.lookup.id }}',
      '{{ $sum(steps.update.rows.n) }}',
    ]) {
      const mine = await previewOf(text, 'template', lastRun);
      expect(mine).toEqual({ value: await mapValue(text, lastRun, 't') });
    }
    expect(await previewOf('{{ steps.lookup.found }}', 'template', lastRun)).toEqual({ value: true });
    expect(await previewOf('$count(input.customer.tags) + 1', 'jsonata', lastRun)).toEqual({ value: 2 });
    expect(await previewOf('input.nothing', 'jsonata', lastRun)).toEqual({ value: null });
  });

  it('reports an evaluation error, and stops an endless loop', async () => {
    expect(await previewOf('$number("x") + $notAFunction()', 'jsonata', lastRun)).toMatchObject({ error: expect.any(String) });
    const r = await previewOf('($f := function($n) { $f($n + 1) + 1 }; $f(0))', 'jsonata', lastRun);
    expect(r).toMatchObject({ error: expect.any(String) });
  }, 20_000);
});

import { describe, expect, it } from 'vitest';
import { ExpressionError } from './errors';
import { checkSyntax, expressionsIn, mapValue, stepReferences } from './expressions';

const ctx = { input: { name: 'Ada', n: 3, tags: ['a', 'b'] }, steps: { greet: { message: 'Hello Ada' } }, record: { index: 7 }, run: { id: 'r1' } };

describe('input mapping', () => {
  it('takes the value of a whole {{ expr }} with its JSON type', async () => {
    expect(await mapValue('{{ input.n }}', ctx, 't')).toBe(3);
    expect(await mapValue('{{ input.tags }}', ctx, 't')).toEqual(['a', 'b']);
    expect(await mapValue('{{ record.index + 1 }}', ctx, 't')).toBe(8);
    expect(await mapValue('  {{ steps.greet }}  ', ctx, 't')).toEqual({ message: 'Hello Ada' });
  });

  it('interpolates {{ }} inside a string', async () => {
    expect(await mapValue('Hello {{ input.name }}, #{{ record.index }} of run {{ run.id }}', ctx, 't')).toBe('Hello Ada, #7 of run r1');
    expect(await mapValue('tags: {{ input.tags }}', ctx, 't')).toBe('tags: ["a","b"]');
    expect(await mapValue('missing: [{{ input.nope }}]', ctx, 't')).toBe('missing: []');
  });

  it('maps nested objects and arrays and passes other values through', async () => {
    const out = await mapValue({ a: ['{{ input.n }}', 1, true, null], b: { c: 'x {{ input.name }}' } }, ctx, 't');
    expect(out).toEqual({ a: [3, 1, true, null], b: { c: 'x Ada' } });
  });

  it('yields null for an expression with no result', async () => {
    expect(await mapValue('{{ input.nothing }}', ctx, 't')).toBeNull();
  });

  it('fails with an error naming the task and the expression', async () => {
    const err = (await mapValue('{{ $nosuchfn(1) }}', ctx, 'shout').catch((e: unknown) => e)) as ExpressionError;
    expect(err).toBeInstanceOf(ExpressionError);
    expect(err.code).toBe('expression_failed');
    expect(err.message).toContain("Task 'shout'");
    expect(err.message).toContain('$nosuchfn(1)');
    const syntax = (await mapValue('{{ input.( }}', ctx, 'greet').catch((e: unknown) => e)) as ExpressionError;
    expect(syntax).toBeInstanceOf(ExpressionError);
    expect(syntax.message).toContain("Task 'greet'");
  });
});

describe('expression analysis', () => {
  it('finds every expression with its path', () => {
    expect([...expressionsIn({ a: 'x {{ input.a }} {{ steps.b.c }}', d: ['{{ record }}'] }, 'tasks[0].input')]).toEqual([
      { path: 'tasks[0].input.a', expr: 'input.a' },
      { path: 'tasks[0].input.a', expr: 'steps.b.c' },
      { path: 'tasks[0].input.d[0]', expr: 'record' },
    ]);
  });

  it('reports bad syntax with the path', () => {
    expect(checkSyntax('input.(', 'p')).toMatchObject({ path: 'p' });
    expect(checkSyntax('$uppercase(input.name)', 'p')).toBeNull();
  });

  it('finds step references on the parsed expression, not by text', () => {
    expect(stepReferences('$uppercase(steps.greet.message) & steps.other').sort()).toEqual(['greet', 'other']);
    expect(stepReferences('"steps.fake" & input.steps')).toEqual([]);
  });
});

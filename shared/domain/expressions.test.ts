import jsonata from 'jsonata';
import { describe, expect, it } from 'vitest';
import { ExpressionError } from './errors';
import { checkSyntax, evaluate, expressionsIn, mapValue, stepReferences } from './expressions';

const ctx = {
  input: { name: 'Ada', n: 3, tags: ['a', 'b'] },
  steps: { greet: { message: 'Hello Ada' } },
  record: { index: 7 },
  run: { id: 'r1' },
};

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

  it('gives what JSONata gives for plain paths (looked up without it) and for everything around them', async () => {
    const context = {
      record: {
        index: 0,
        name: 'x',
        ok: false,
        nil: null,
        nested: { deep: { v: 2 } },
        list: [1, 2],
        one: [3],
        objs: [{ v: 1 }, { v: 2 }],
        'a b': 5,
        and: 6,
      },
      input: [{ v: 1 }],
      steps: {},
    };
    const exprs = [
      'record.index',
      'record.name',
      'record.ok',
      'record.nil',
      'record.missing',
      'record.nested.deep.v',
      'record.nested',
      'record.list',
      'record.one',
      'record.objs.v',
      'record.`a b`',
      'record.and',
      'record',
      'input.v',
      'record.index.x',
      'record.toString',
      'true',
      'null',
      'record.list[0]',
      'record.one[]',
      '$.record.index',
    ];
    for (const expr of exprs) {
      const expected = await jsonata(expr).evaluate(context);
      const got = await evaluate(expr, context, 't');
      expect([expr, got]).toEqual([
        expr,
        expected === undefined || typeof expected === 'function' ? null : JSON.parse(JSON.stringify(expected)),
      ]);
    }
  });
});

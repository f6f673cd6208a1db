import { describe, expect, it } from 'vitest';
import { jsonErrorOffset, parseJson, unionErrorsNarrowed } from './definition-editor';

describe('parseJson', () => {
  it('names the line and column where JSON breaks', () => {
    const r = parseJson('{\n  "name": "x",\n  "tasks": [ }\n}');
    expect('issue' in r && r.issue.path).toBe('line 3, column 14');
    expect('issue' in r && r.issue.message).toBe('Not valid JSON: unexpected "}"');
  });
  it('says when the document ends too early or is empty', () => {
    const r = parseJson('{"a": [1, 2');
    expect('issue' in r && r.issue.message).toBe('Not valid JSON: the document ends too early');
    expect('issue' in parseJson('  ') && (parseJson('  ') as { issue: { message: string } }).issue.message).toBe(
      'Not valid JSON: the document is empty',
    );
  });
  it('agrees with JSON.parse on what is valid', () => {
    for (const ok of ['{}', '[1,-2.5e3,"a\\"b",true,null,{"x":[]}]', ' "s" ']) expect(jsonErrorOffset(ok)).toBe(-1);
    for (const bad of ['{"a":}', '[1,]', '01', '"\u0001"', '{} x', 'tru']) expect(jsonErrorOffset(bad)).toBeGreaterThanOrEqual(0);
  });
});

describe('unionErrorsNarrowed', () => {
  const U = '#/properties/tasks/items/oneOf';
  const e = (instancePath: string, keyword: string, schemaPath: string, params: Record<string, unknown> = {}) => ({
    instancePath,
    keyword,
    schemaPath,
    params,
    message: keyword,
  });
  it('drops the branches whose type does not match, keeping the matching branch’s errors', () => {
    const errors = [
      e('/tasks/0', 'required', `${U}/0/required`, { missingProperty: 'operation' }),
      e('/tasks/0', 'required', `${U}/1/required`, { missingProperty: 'workflow' }),
      e('/tasks/0/type', 'const', `${U}/1/properties/type/const`, { allowedValue: 'workflow' }),
      e('/tasks/0', 'required', `${U}/2/required`, { missingProperty: 'each' }),
      e('/tasks/0/type', 'const', `${U}/2/properties/type/const`, { allowedValue: 'chunked' }),
      e('/tasks/0', 'oneOf', U),
    ];
    expect(unionErrorsNarrowed(errors).map((x) => x.schemaPath)).toEqual([`${U}/0/required`, U]);
  });
  it('names the allowed values once when no branch matches', () => {
    const errors = [0, 1, 2].flatMap((k) => [
      e('/tasks/1', 'required', `${U}/${k}/required`),
      e('/tasks/1/type', 'const', `${U}/${k}/properties/type/const`, { allowedValue: ['atomic', 'workflow', 'chunked'][k] }),
    ]);
    expect(unionErrorsNarrowed(errors).map((x) => [x.instancePath, x.message])).toEqual([
      ['/tasks/1/type', 'must be one of "atomic", "workflow", "chunked"'],
    ]);
  });
  it('leaves errors outside unions alone', () => {
    const errors = [e('/name', 'type', '#/properties/name/type')];
    expect(unionErrorsNarrowed(errors)).toEqual(errors);
  });
});

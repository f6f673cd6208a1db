import { describe, expect, it } from 'vitest';
import { jsonErrorOffset, parseJson } from './definition-editor';

describe('parseJson', () => {
  it('names the line and column where JSON breaks', () => {
    const r = parseJson('{\n  "name": "x",\n  "tasks": [ }\n}');
    expect('issue' in r && r.issue.path).toBe('line 3, column 14');
    expect('issue' in r && r.issue.message).toBe('Not valid JSON: unexpected "}"');
  });
  it('says when the document ends too early or is empty', () => {
    const r = parseJson('{"a": [1, 2');
    expect('issue' in r && r.issue.message).toBe('Not valid JSON: the document ends too early');
    expect('issue' in parseJson('  ') && (parseJson('  ') as { issue: { message: string } }).issue.message).toBe('Not valid JSON: the document is empty');
  });
  it('agrees with JSON.parse on what is valid', () => {
    for (const ok of ['{}', '[1,-2.5e3,"a\\"b",true,null,{"x":[]}]', ' "s" ']) expect(jsonErrorOffset(ok)).toBe(-1);
    for (const bad of ['{"a":}', '[1,]', '01', '"\u0001"', '{} x', 'tru']) expect(jsonErrorOffset(bad)).toBeGreaterThanOrEqual(0);
  });
});

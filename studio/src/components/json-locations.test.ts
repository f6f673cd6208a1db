import { describe, expect, it } from 'vitest';
import { issueLine, jsonPathOffsets, lineOf } from './json-locations';

const doc = JSON.stringify(
  {
    name: 'x',
    tasks: [
      { key: 'a', type: 'atomic', connector: 'platform', operation: 'echo', input: { message: 'hi', list: [1, { deep: true }] } },
      { key: 'b', type: 'teleport' },
    ],
  },
  null,
  2,
);
const lines = doc.split('\n');
const lineWith = (s: string) => lines.findIndex((l) => l.includes(s)) + 1;

describe('jsonPathOffsets', () => {
  it('finds keys, array elements and nested values in the server’s path format', () => {
    const o = jsonPathOffsets(doc);
    expect(lineOf(doc, o.get('name')!)).toBe(lineWith('"name"'));
    expect(lineOf(doc, o.get('tasks[0].input.message')!)).toBe(lineWith('"message"'));
    expect(lineOf(doc, o.get('tasks[0].input.list[1].deep')!)).toBe(lineWith('"deep"'));
    expect(lineOf(doc, o.get('tasks[1].type')!)).toBe(lineWith('teleport'));
    expect(o.get('')).toBe(0);
  });
  it('reads escaped keys and one-line documents', () => {
    const t = '{"a\\"b": [10, "x,y", null], "c": {}}';
    const o = jsonPathOffsets(t);
    expect(o.get('a"b')).toBe(1);
    expect(o.get('a"b[1]')).toBe(t.indexOf('"x,y"'));
    expect(o.get('a"b[2]')).toBe(t.indexOf('null'));
    expect(o.get('c')).toBe(t.indexOf('"c"'));
  });
});

describe('issueLine', () => {
  const o = jsonPathOffsets(doc);
  it('marks the line of the value an issue names', () => {
    expect(issueLine(doc, { path: 'tasks[1].type', message: 'must be equal to one of the allowed values' }, o)).toBe(lineWith('teleport'));
  });
  it('falls back to the enclosing value for a missing property, and the key for an unknown one', () => {
    expect(issueLine(doc, { path: 'tasks[1].connector', message: 'Required' }, o)).toBe(lineWith('"key": "b"') - 1);
    expect(issueLine(doc, { path: 'tasks[0].input', message: "unknown property 'list'" }, o)).toBe(lineWith('"list"'));
  });
  it('reads JSON syntax positions, the root, and gives up on a problem code', () => {
    expect(issueLine('{', { path: 'line 3, column 4', message: 'Not valid JSON' }, new Map())).toBe(3);
    expect(issueLine(doc, { path: '(root)', message: "must have required property 'tasks'" }, o)).toBe(1);
    expect(issueLine(doc, { path: 'workflow_name_taken', message: 'taken' }, o)).toBeNull();
    expect(issueLine(doc, { path: 'version mismatch!', message: 'x' }, o)).toBeNull();
  });
});

/** The canvas's edits keep every task's meaning they do not mean to change; undo/redo walks the texts. */
import { describe, expect, it } from 'vitest';
import {
  addTask,
  connect,
  disconnect,
  EditRefused,
  freshKey,
  record,
  redo,
  removeTask,
  replaceTask,
  startHistory,
  undo,
} from './graph-edit';
import { resolvedNeeds, type TaskDef } from './graph-model';
import type { WorkflowDefinition } from '../services/api';

const echo = (key: string, extra: Partial<TaskDef> = {}) =>
  ({ key, type: 'atomic', connector: 'platform', operation: 'echo', ...extra }) as TaskDef;
const wf = (...tasks: TaskDef[]): WorkflowDefinition => ({ name: 'w', tasks });
const needsOf = (d: WorkflowDefinition) => Object.fromEntries(d.tasks.map((t, i) => [t.key, resolvedNeeds(d.tasks)[i]]));

describe('canvas edits', () => {
  it('adds a task after a chosen task or with the run, leaving the others as written', () => {
    const d = wf(echo('a'), echo('b'));
    const after = addTask(d, echo('c'), 'b');
    expect(after.tasks[2]).toEqual(echo('c'));
    const branch = addTask(d, echo('c'), 'a');
    expect(branch.tasks[2]!.needs).toEqual(['a']);
    expect(branch.tasks[1]!.needs).toBeUndefined();
    expect(addTask(d, echo('c'), null).tasks[2]!.needs).toEqual([]);
    expect(() => addTask(d, echo('a'), null)).toThrow(EditRefused);
    expect(() => addTask(d, echo('c'), 'ghost')).toThrow('There is no task ghost.');
  });

  it('connects by adding a need, refusing itself, duplicates and cycles', () => {
    const d = wf(echo('a'), echo('b', { needs: [] }), echo('c', { needs: ['a'] }));
    const joined = connect(d, 'b', 'c');
    expect(needsOf(joined).c).toEqual(['a', 'b']);
    expect(() => connect(d, 'c', 'c')).toThrow('A task cannot wait for itself.');
    expect(() => connect(joined, 'b', 'c')).toThrow('c already waits for b.');
    expect(() => connect(joined, 'c', 'a')).toThrow(/would make a cycle/);
  });

  it('disconnects; a task left without needs starts with the run (an explicit [])', () => {
    const d = wf(echo('a'), echo('b'));
    const cut = disconnect(d, 'a', 'b');
    expect(cut.tasks[1]!.needs).toEqual([]);
    expect(() => disconnect(cut, 'a', 'b')).toThrow(EditRefused);
  });

  it('removes a task from a chain: the next task waits for what it waited for', () => {
    const d = wf(echo('a'), echo('b'), echo('c'));
    const r = removeTask(d, 'b');
    expect(r.tasks.map((t) => t.key)).toEqual(['a', 'c']);
    expect(r.tasks[1]!.needs).toBeUndefined();
    expect(needsOf(r)).toEqual({ a: [], c: ['a'] });
  });

  it('removes a branch of an if/else: the join keeps its other need, and written needs stay written', () => {
    const d = wf(
      echo('lookup'),
      echo('update', { needs: ['lookup'], when: 'x' }),
      echo('create', { needs: ['lookup'] }),
      echo('post', { needs: ['update', 'create'] }),
    );
    const r = removeTask(d, 'update');
    expect(needsOf(r)).toEqual({ lookup: [], create: ['lookup'], post: ['lookup', 'create'] });
  });

  it('removing the first task gives the tasks after it the needs they had, written where the list moved', () => {
    const d = wf(echo('a'), echo('b'), echo('c'), echo('d', { needs: [] }));
    const r = removeTask(d, 'a');
    expect(needsOf(r)).toEqual({ b: [], c: ['b'], d: [] });
    expect(r.tasks[1]!.needs).toBeUndefined();
  });

  it('renames a task and the needs that name it', () => {
    const d = wf(echo('a'), echo('b'), echo('c', { needs: ['a', 'b'] }));
    const r = replaceTask(d, 'a', echo('first'));
    expect(r.tasks.map((t) => t.key)).toEqual(['first', 'b', 'c']);
    expect(needsOf(r)).toEqual({ first: [], b: ['first'], c: ['first', 'b'] });
    expect(() => replaceTask(d, 'a', echo('b'))).toThrow('A task named b exists already.');
  });

  it('makes fresh keys', () => {
    expect(freshKey([{ key: 'echo' }, { key: 'echo-2' }], 'echo')).toBe('echo-3');
    expect(freshKey([], 'Upsert record!')).toBe('Upsert-record');
  });

  it('undoes and redoes, merges consecutive typing, and drops the redo branch on a new edit', () => {
    let h = startHistory('1');
    h = record(h, '2');
    h = record(h, '3', true);
    expect(h).toEqual({ past: ['1'], present: '3', future: [] });
    h = undo(h);
    expect(h.present).toBe('1');
    expect(undo(h)).toBe(h);
    h = redo(h);
    expect(h.present).toBe('3');
    h = undo(h);
    h = record(h, '4');
    expect(h).toEqual({ past: ['1'], present: '4', future: [] });
    expect(redo(h)).toBe(h);
  });
});

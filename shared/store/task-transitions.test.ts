import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as runBatches from './run-batches';
import * as runReplay from './run-replay';
import * as runs from './runs';
import * as taskTransitions from './task-transitions';
import * as waits from './waits';
import { TASK_STATES, TASK_TRANSITIONS, canTransition, transitionTable } from './task-transitions';

const root = join(__dirname, '..', '..');
const modules: Record<string, Record<string, unknown>> = {
  'run-batches': runBatches,
  'run-replay': runReplay,
  runs,
  'task-transitions': taskTransitions,
  waits,
};

describe('the task state machine', () => {
  it('docs/architecture.md shows exactly the table of TASK_TRANSITIONS', () => {
    const doc = readFileSync(join(root, 'docs', 'architecture.md'), 'utf8');
    const start = doc.indexOf('<!-- task-transitions:start -->');
    const end = doc.indexOf('<!-- task-transitions:end -->');
    expect(start).toBeGreaterThan(0);
    expect(doc.slice(start + '<!-- task-transitions:start -->'.length, end).trim()).toBe(transitionTable());
  });

  it('names, for every transition, a statement function that exists in its module', () => {
    for (const t of TASK_TRANSITIONS) {
      const [mod, fn] = t.statement.split('.') as [string, string];
      expect(typeof modules[mod]?.[fn], t.statement).toBe('function');
    }
  });

  it('reaches every state from PENDING, and leaves none but the ended ones without a way out', () => {
    const reached = new Set<string>(['PENDING']);
    for (let grew = true; grew;) {
      grew = false;
      for (const t of TASK_TRANSITIONS) if (t.from.some((f) => reached.has(f)) && !reached.has(t.to)) grew = reached.add(t.to) !== null;
    }
    expect([...reached].sort()).toEqual([...TASK_STATES].sort());
    expect(canTransition('SUCCEEDED', 'RUNNING')).toBe(false);
    expect(canTransition('SKIPPED', 'RUNNING')).toBe(false);
    // Only a replay after a fix takes an ended task back to PENDING; an ordinary rerun keeps it.
    expect(TASK_TRANSITIONS.filter((t) => t.to === 'PENDING' && t.from.includes('SKIPPED')).map((t) => t.statement)).toEqual([
      'run-replay.replayRunTasks',
    ]);
    expect(canTransition('PENDING', 'SKIPPED')).toBe(true);
  });

  it('the database accepts exactly the states of the code', () => {
    // The latest migration that sets task_runs_status_check.
    const sql = readFileSync(join(root, 'shared', 'db', 'migrations', '0019_durable_waits.sql'), 'utf8');
    const listed = /task_runs_status_check\s+CHECK \(status IN \(([^)]*)\)\)/
      .exec(sql)![1]!
      .split(',')
      .map((s) => s.trim().replace(/'/g, ''));
    expect(listed.sort()).toEqual([...TASK_STATES].sort());
  });
});

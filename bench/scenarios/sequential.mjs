/**
 * Scenario 4, the 40-task chain: a workflow of T no-op steps (platform `echo`, constant input)
 * run one after another; end to end = finished_at − created_at, median of N runs triggered one
 * at a time over HTTP (each after the previous one ended). One unmeasured run first warms the worker.
 */
import { oneAtATime } from './one-at-a-time.mjs';

export const chainWorkflow = (tasks) => ({
  name: 'bench-sequential',
  tasks: Array.from({ length: tasks }, (_, i) => ({
    key: `step_${i + 1}`,
    type: 'atomic',
    connector: 'platform',
    operation: 'echo',
    input: { step: i + 1 },
  })),
});

export function sequential(ctx, { tasks, runs }) {
  return oneAtATime(ctx, { definition: chainWorkflow(tasks), runs });
}

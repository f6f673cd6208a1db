/**
 * Scenario 6, parallel branches: B branches of L `echo` steps each (the first of each branch
 * `needs: []`, the rest the step before), and a join that needs the last step of every branch;
 * end to end, median of N runs one at a time, as the 40-task chain is measured (#15: 4 × 10
 * joined, median ≤ 40 ms).
 */
import { oneAtATime } from './one-at-a-time.mjs';

export const parallelWorkflow = (branches, length) => ({
  name: `bench-parallel-${branches}x${length}`,
  // Every branch may run at once.
  maxParallel: Math.max(branches, 10),
  tasks: [
    ...Array.from({ length: branches }, (_, b) =>
      Array.from({ length }, (_, i) => ({
        key: `b${b + 1}_${i + 1}`,
        type: 'atomic',
        connector: 'platform',
        operation: 'echo',
        input: { branch: b + 1, step: i + 1 },
        ...(i === 0 ? { needs: [] } : { needs: [`b${b + 1}_${i}`] }),
      })),
    ).flat(),
    {
      key: 'join',
      type: 'atomic',
      connector: 'platform',
      operation: 'echo',
      input: { joined: branches },
      needs: Array.from({ length: branches }, (_, b) => `b${b + 1}_${length}`),
    },
  ],
});

export async function parallel(ctx, { branches, length, runs }) {
  return { branches, branchLength: length, ...(await oneAtATime(ctx, { definition: parallelWorkflow(branches, length), runs })) };
}

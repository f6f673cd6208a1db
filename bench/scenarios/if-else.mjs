/**
 * Scenario 7, skipped branches: an if/else workflow (check → `yes` when n is even, `no` when n is
 * odd → join), so half the runs skip one branch and the other half the other, against the same
 * graph without `when` (both branches run). Each round commits N runs of one variant and lets
 * one warm worker drain them (runs/s over first start → last end, server clock); rounds alternate
 * the two variants and their order, and the median of each is compared (#15: within 10 %).
 */
import { commitAndEnqueue } from '../seed-runs.mjs';

const echo = (key, extra = {}) => ({
  key,
  type: 'atomic',
  connector: 'platform',
  operation: 'echo',
  input: { n: '{{ input.n }}' },
  ...extra,
});

export const ifElseWorkflow = (name, withWhen) => ({
  name,
  tasks: [
    echo('check'),
    echo('yes', { needs: ['check'], ...(withWhen ? { when: 'input.n % 2 = 0' } : {}) }),
    echo('no', { needs: ['check'], ...(withWhen ? { when: 'input.n % 2 = 1' } : {}) }),
    echo('join', { needs: ['yes', 'no'] }),
  ],
});

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2) : null;
};

export async function ifElse(ctx, { runs, rounds, warmUp, queue, budgetSec }) {
  const variants = {
    when: await ctx.createWorkflow(ifElseWorkflow('bench-if-else', true)),
    noWhen: await ctx.createWorkflow(ifElseWorkflow('bench-if-else-no-when', false)),
  };
  const tasks = ['check', 'yes', 'no', 'join'].map((key) => ({ key, type: 'atomic' }));
  const worker = await ctx.startWorker();
  const measured = { when: [], noWhen: [] };
  let skipped = null;
  const round = async (variant, count) => {
    const ids = await commitAndEnqueue({
      pg: ctx.pg,
      distRoot: ctx.distRoot,
      queue,
      orgId: ctx.orgId,
      workflowId: variants[variant],
      version: 1,
      tasks,
      count,
      inputFor: (i) => ({ n: i }),
    });
    await ctx.waitForIds(ids, budgetSec * 1000);
    return { ids, ...(await ctx.spanOf(ids)) };
  };
  try {
    // Unmeasured: the worker compiles both paths once.
    for (const v of ['when', 'noWhen']) await round(v, warmUp);
    for (let r = 0; r < rounds; r++) {
      for (const v of r % 2 ? ['noWhen', 'when'] : ['when', 'noWhen']) {
        const { ids, ...span } = await round(v, runs);
        measured[v].push(span);
        if (v === 'when' && skipped === null) {
          const { rows } = await ctx.pg.query(
            `SELECT count(*) FILTER (WHERE status = 'SKIPPED')::int AS skipped, count(*)::int AS tasks
               FROM task_runs WHERE org_id = $1::uuid AND run_id = ANY($2::uuid[])`,
            [ctx.orgId, ids],
          );
          skipped = rows[0];
        }
      }
    }
  } finally {
    await worker.stop();
  }
  const summary = (v) => ({
    runsPerSecMedian: median(measured[v].map((m) => m.runsPerSec)),
    runs: measured[v].reduce((a, m) => a + m.runs, 0),
    succeeded: measured[v].reduce((a, m) => a + m.succeeded, 0),
    rounds: measured[v],
  });
  return { runsPerRound: runs, rounds, warmUpRuns: warmUp, when: summary('when'), noWhen: summary('noWhen'), skippedTasks: skipped };
}

/**
 * BullMQ (the Redis job queue most compared with), at its best: one Worker per cell over a grid of
 * `concurrency`, jobs removed on completion as in BullMQ's own throughput examples; the best cell
 * is the figure. Redis here keeps its data in memory (no fsync per job), so BullMQ's jobs are not
 * durable the way a committed PostgreSQL row is: the report says so beside the figure.
 */
import { createRequire } from 'node:module';
import { bestCell, cpuMsPerJob, round3 } from './sweep.mjs';

const require = createRequire(import.meta.url);

/** Adds `jobs` no-op jobs and drains them with one Worker per `concurrency` value; resolves to the sweep. */
export async function bullMqSweep({ redisUrl, prefix, jobs, concurrency, budgetSec, log = () => undefined }) {
  const cells = [];
  for (const c of concurrency) {
    try {
      cells.push({ concurrency: c, ...(await burnDown({ redisUrl, prefix: `${prefix}:${c}`, jobs, concurrency: c, budgetSec })) });
    } catch (err) {
      cells.push({ concurrency: c, error: String(err?.message ?? err).slice(0, 500) });
    }
    const x = cells.at(-1);
    log(`  bullmq: concurrency ${c}: ${x.error ?? `${x.jobsPerSec} jobs/s in ${x.seconds} s`}`);
  }
  const best = bestCell(cells);
  return {
    version: require('bullmq/package.json').version,
    jobs,
    settings: { removeOnComplete: true, budgetSec },
    durable: false,
    jobsPerSec: best?.jobsPerSec ?? null,
    best,
    cells,
  };
}

async function burnDown({ redisUrl, prefix, jobs, concurrency, budgetSec }) {
  const { Queue, Worker } = require('bullmq');
  const u = new URL(redisUrl);
  const connection = { host: u.hostname, port: Number(u.port || 6379), maxRetriesPerRequest: null };
  const name = 'bench-noop';
  const queue = new Queue(name, { connection, prefix });
  let worker;
  try {
    for (let i = 0; i < jobs; i += 1_000) {
      await queue.addBulk(
        Array.from({ length: Math.min(1_000, jobs - i) }, (_, j) => ({
          name: 'noop',
          data: { n: i + j },
          opts: { removeOnComplete: true },
        })),
      );
    }
    let done = 0;
    const cpu0 = process.cpuUsage();
    // From the first job's start, as the other queues are measured (not the Worker's connection).
    let t0 = null;
    await new Promise((resolve) => {
      const timer = setTimeout(resolve, budgetSec * 1000);
      worker = new Worker(
        name,
        async () => {
          t0 ??= performance.now();
        },
        { connection, prefix, concurrency },
      );
      worker.on('completed', () => {
        if (++done === jobs) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    const seconds = t0 === null ? null : (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    return {
      jobs: done,
      complete: done === jobs,
      seconds: seconds === null ? null : round3(seconds),
      jobsPerSec: seconds ? Math.round(done / seconds) : 0,
      cpuMsPerJob: cpuMsPerJob(cpu, done),
    };
  } finally {
    await worker?.close(true).catch(() => undefined);
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close();
  }
}

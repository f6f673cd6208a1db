/**
 * BullMQ (the Redis job queue most compared with) burning down no-op jobs with one Worker.
 * Jobs are removed on completion, as in BullMQ's own throughput examples; `concurrency` is the
 * same as the Demiton worker's so both hold the same number of jobs in flight.
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** Adds `jobs` no-op jobs, then drains them with one Worker; resolves to jobs/s. */
export async function bullMqBurnDown({ redisUrl, prefix, jobs, concurrency }) {
  const { Queue, Worker } = require('bullmq');
  const u = new URL(redisUrl);
  const connection = { host: u.hostname, port: Number(u.port || 6379), maxRetriesPerRequest: null };
  const name = 'bench-noop';
  const queue = new Queue(name, { connection, prefix });
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
    let t0 = 0;
    const cpu0 = process.cpuUsage();
    const finished = new Promise((resolve) => {
      t0 = performance.now();
      const worker = new Worker(name, async () => undefined, { connection, prefix, concurrency });
      worker.on('completed', () => {
        if (++done === jobs) resolve(worker);
      });
    });
    const worker = await finished;
    const seconds = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const cpuMsPerJob = Math.round(((cpu.user + cpu.system) / 1000 / Math.max(1, done)) * 1000) / 1000;
    await worker.close();
    return {
      jobs: done,
      seconds: Math.round(seconds * 1000) / 1000,
      jobsPerSec: Math.round(done / seconds),
      cpuMsPerJob,
      concurrency,
      version: require('bullmq/package.json').version,
    };
  } finally {
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close();
  }
}

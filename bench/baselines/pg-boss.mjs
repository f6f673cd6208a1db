/**
 * pg-boss (the Postgres job queue most compared with) burning down no-op jobs with one worker.
 * pg-boss 10.x is the newest major that runs on Node 20 (11+ declare node >= 22).
 *
 * The worker is a tight fetch → complete loop (one consumer, `batchSize` jobs per fetch, the next
 * fetch as soon as the batch is completed). That is pg-boss at its fastest: its `work()` helper
 * sleeps up to `pollingIntervalSeconds` (≥ 0.5 s) between fetches even when jobs are waiting.
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** Inserts `jobs` no-op jobs, then drains them with one consumer; resolves to jobs/s. */
export async function pgBossBurnDown({ databaseUrl, schema, jobs, batchSize }) {
  const PgBoss = require('pg-boss');
  const boss = new PgBoss({ connectionString: databaseUrl, schema, max: 4, supervise: false, schedule: false, migrate: true });
  boss.on('error', () => undefined);
  await boss.start();
  try {
    const name = 'bench-noop';
    await boss.createQueue(name);
    for (let i = 0; i < jobs; i += 1_000) {
      await boss.insert(Array.from({ length: Math.min(1_000, jobs - i) }, (_, j) => ({ name, data: { n: i + j } })));
    }
    let done = 0;
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    for (;;) {
      const batch = await boss.fetch(name, { batchSize });
      if (!batch?.length) break;
      await boss.complete(
        name,
        batch.map((j) => j.id),
      );
      done += batch.length;
    }
    const seconds = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    // Client CPU per job (this process runs nothing else meanwhile), to set beside the worker's CPU per run.
    const cpuMsPerJob = Math.round(((cpu.user + cpu.system) / 1000 / Math.max(1, done)) * 1000) / 1000;
    return {
      jobs: done,
      seconds: Math.round(seconds * 1000) / 1000,
      jobsPerSec: Math.round(done / seconds),
      cpuMsPerJob,
      batchSize,
      version: require('pg-boss/package.json').version,
    };
  } finally {
    await boss.stop({ graceful: false, wait: true }).catch(() => undefined);
  }
}

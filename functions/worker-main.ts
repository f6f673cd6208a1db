/**
 * `npm run worker`: a worker process alone, draining the shared Redis queue. Start several to
 * scale out. Needs DATABASE_URL and REDIS_URL: the embedded database and queue live inside one
 * local host process and cannot be shared.
 */
import { ConfigError } from '../shared/domain/errors';
import { Worker } from '../shared/engine/worker';
import { createPlatform, describeBackends } from '../shared/platform';
import { configFromEnv } from './platform-instance';

async function main(): Promise<void> {
  let worker: Worker;
  try {
    const config = configFromEnv();
    const missing = [
      ...(config.database.kind === 'embedded' ? [{ path: 'DATABASE_URL', message: 'required for a separate worker process (the embedded database lives inside the local host)' }] : []),
      ...(config.queue.kind === 'embedded' ? [{ path: 'REDIS_URL', message: 'required for a separate worker process (the embedded queue lives inside the local host)' }] : []),
    ];
    if (missing.length) throw new ConfigError(missing);
    const platform = await createPlatform(config);
    worker = new Worker(platform, { concurrency: config.worker.concurrency, workerId: config.worker.id });
    worker.start();
    console.log(`Demiton worker ${worker.id} started (concurrency ${config.worker.concurrency}); ${describeBackends(platform)}`);
    const stop = async (signal: string) => {
      console.log(`${signal}: worker stopping after the runs in hand…`);
      await worker.stop();
      await platform.close();
      process.exit(0);
    };
    process.on('SIGINT', () => void stop('SIGINT'));
    process.on('SIGTERM', () => void stop('SIGTERM'));
  } catch (err) {
    console.error(`Demiton worker could not start: ${(err as Error).message}`);
    process.exit(1);
  }
}

void main();

/**
 * `npm run worker`: a worker process alone, draining the shared Redis queue. Start several to
 * scale out. Needs DATABASE_URL and REDIS_URL: the embedded database and queue live inside one
 * local host process and cannot be shared.
 */
import { ConfigError } from '../shared/domain/errors';
import { Worker } from '../shared/engine/worker';
import { startTelemetry } from '../shared/observability/telemetry';
import { ServiceBusReceivers } from '../shared/triggers/service-bus-receivers';
import { createPlatform, describeBackends } from '../shared/platform';
import { configFromEnv } from './platform-instance';

async function main(): Promise<void> {
  let worker: Worker;
  try {
    const config = configFromEnv();
    const missing = [
      ...(config.database.kind === 'embedded'
        ? [{ path: 'DATABASE_URL', message: 'required for a separate worker process (the embedded database lives inside the local host)' }]
        : []),
      ...(config.queue.kind === 'embedded'
        ? [{ path: 'REDIS_URL', message: 'required for a separate worker process (the embedded queue lives inside the local host)' }]
        : []),
    ];
    if (missing.length) throw new ConfigError(missing);
    const telemetry = await startTelemetry(config, 'worker');
    const platform = await createPlatform(config);
    worker = new Worker(platform, {
      concurrency: config.worker.concurrency,
      workerId: config.worker.id,
      shutdownGraceMs: config.shutdownGraceMs,
    });
    worker.start();
    // Service Bus triggers configured through the API: one receiver per trigger across all workers.
    const receivers = new ServiceBusReceivers(platform, { holder: worker.id });
    receivers.start();
    console.log(`Demiton worker ${worker.id} started (concurrency ${config.worker.concurrency}); ${describeBackends(platform)}`);
    let stopping = false;
    // SIGTERM (container stop, scale-in): no new work; runs in hand get WORKER_SHUTDOWN_GRACE_SECONDS
    // to finish, then are handed back to the queue for another worker.
    const stop = async (signal: string) => {
      if (stopping) return;
      stopping = true;
      console.log(`${signal}: worker stopping (runs in hand get ${config.shutdownGraceMs / 1000} s, then are handed back)…`);
      await receivers.stop();
      await worker.stop();
      await platform.close();
      await telemetry.shutdown();
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

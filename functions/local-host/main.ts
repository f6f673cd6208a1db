/**
 * `npm start`: one process on port 7071 (PORT overrides) that serves the API under /api and the
 * studio at /, runs the worker loop in-process (DEMITON_WORKER=off leaves it out) and the timer
 * jobs on intervals. With no DATABASE_URL / REDIS_URL it runs on embedded PostgreSQL (PGlite)
 * and an in-process queue.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ConfigError } from '../../shared/domain/errors';
import { Worker } from '../../shared/engine/worker';
import { sweepPendingRuns } from '../../shared/engine/recovery-sweep';
import { ServiceBusReceivers } from '../../shared/triggers/service-bus-receivers';
import { createPlatform, describeBackends, type Platform } from '../../shared/platform';
import type { Config } from '../../shared/config';
import { toHandler } from '../http-kit';
import { configFromEnv, setPlatform } from '../platform-instance';
import { routes } from '../routes';
import { timers } from '../timers';
import { startLocalHost } from './server';
import { startTelemetry, type Telemetry } from '../../shared/observability/telemetry';

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

/** Where the studio's built files are: STUDIO_DIR, else studio/dist, else the placeholder page. */
export function studioDirectory(config: Config, root: string): string | null {
  if (config.http.studioDir) return resolve(config.http.studioDir);
  for (const d of [join(root, 'studio', 'dist'), join(root, 'studio', 'placeholder')]) if (existsSync(join(d, 'index.html'))) return d;
  return null;
}

export interface RunningHost {
  url: string;
  platform: Platform;
  worker: Worker | null;
  stop(): Promise<void>;
}

/** Starts platform, HTTP server, worker and timers from a config. */
export async function runLocalHost(config: Config, root = resolve(__dirname, '..', '..', '..')): Promise<RunningHost> {
  const host = config.http.host ?? '127.0.0.1';
  if (!config.devMode && !config.entra) {
    throw new ConfigError([
      {
        path: 'DEMITON_DEV_MODE',
        message:
          'no identity provider is configured (ENTRA_TENANT_ID) and development mode is off: set ENTRA_TENANT_ID, or DEMITON_DEV_MODE=on to develop on loopback (`npm start` sets it when ENTRA_TENANT_ID is unset)',
      },
    ]);
  }
  if (config.devMode && !LOOPBACK.has(host)) {
    throw new ConfigError([
      { path: 'HOST', message: `development mode (no identity provider) binds to loopback only; '${host}' is not loopback` },
    ]);
  }
  const platform = await createPlatform(config);
  setPlatform(platform);
  const worker = config.worker.enabled
    ? new Worker(platform, { concurrency: config.worker.concurrency, workerId: config.worker.id, shutdownGraceMs: config.shutdownGraceMs })
    : null;
  const http = await startLocalHost({
    routes,
    handlerFor: (r) => toHandler(r, async () => platform),
    port: config.http.port,
    host,
    maxBodyBytes: config.http.maxBodyBytes,
    studioDir: studioDirectory(config, root),
    logger: platform.logger,
    loopbackOnly: config.devMode,
  });
  // The embedded queue starts empty, so every PENDING run is re-enqueued at once; with Redis only stale ones.
  await sweepPendingRuns(platform, platform.queue.backend === 'embedded' ? 0 : 30_000).catch((err) =>
    platform.logger.warn({ err }, 'start-up sweep failed'),
  );
  worker?.start();
  // Service Bus triggers configured through the API: received where the worker runs.
  const receivers = worker ? new ServiceBusReceivers(platform, { holder: worker.id }) : null;
  receivers?.start();
  const intervals = timers.map((t) =>
    setInterval(() => {
      t.run(platform).catch((err) => platform.logger.warn({ err, timer: t.name }, 'timer job failed'));
    }, t.everyMs).unref(),
  );
  return {
    url: http.url,
    platform,
    worker,
    async stop() {
      intervals.forEach(clearInterval);
      await http.close();
      await receivers?.stop();
      await worker?.stop();
      await platform.close();
    },
  };
}

async function main(): Promise<void> {
  let config: Config;
  try {
    config = configFromEnv();
  } catch (err) {
    console.error((err as Error).message);
    process.exit(1);
  }
  let running: RunningHost;
  let telemetry: Telemetry;
  try {
    telemetry = await startTelemetry(config, 'local-host');
    running = await runLocalHost(config);
  } catch (err) {
    console.error(`Demiton could not start: ${(err as Error).message}`);
    process.exit(1);
  }
  const lines = [
    `Demiton local host listening on ${running.url}`,
    `  API:    ${running.url}/api   (OpenAPI: ${running.url}/api/openapi.json)`,
    `  Studio: ${running.url}/`,
    `  ${describeBackends(running.platform)}`,
    `  worker: ${running.worker ? `in-process, id ${running.worker.id}, concurrency ${config.worker.concurrency}` : 'off (DEMITON_WORKER=off)'}`,
    config.devMode
      ? '  DEVELOPMENT MODE (DEMITON_DEV_MODE=on): no identity provider; every request acts as the built-in admin of the built-in organisation; bound to loopback, answering loopback Host names only.'
      : '',
  ].filter(Boolean);
  console.log(lines.join('\n'));
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    // Runs in hand get WORKER_SHUTDOWN_GRACE_SECONDS to finish, then are handed back to the queue.
    console.log(`${signal}: stopping (runs in hand get ${config.shutdownGraceMs / 1000} s, then are handed back)…`);
    await running.stop();
    await telemetry.shutdown();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

if (require.main === module) void main();

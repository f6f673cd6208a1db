/**
 * Azure Functions registrations (v4 programming model). `package.json` `main` points at the
 * compiled form of this file, so `func start` and Azure load exactly these handlers: the same
 * route table and timer table that the local host serves.
 *
 * On the Premium plan the host process is long-lived, so the worker loop runs inside it, started
 * by the appStart hook and drained by appTerminate (DEMITON_WORKER=off leaves it out).
 */
import { app } from '@azure/functions';
import { Worker } from '../shared/engine/worker';
import { startTelemetry, type Telemetry } from '../shared/observability/telemetry';
import { ServiceBusReceivers } from '../shared/triggers/service-bus-receivers';
import { registerServiceBusTriggers } from './service-bus';
import { toHandler } from './http-kit';
import { configFromEnv, getPlatform } from './platform-instance';
import { routes } from './routes';
import { timers } from './timers';
import { startWorkerWhenReady, type WorkerStarter } from './worker-start';

// With telemetry on, logs leave through OpenTelemetry (shared/observability/logs.ts) with the
// traces; the capability tells the Functions host that this worker sends its own, so the host does
// not forward the worker's output to Application Insights a second time.
app.setup({ enableHttpStream: true, capabilities: { WorkerOpenTelemetryEnabled: telemetryConfigured() } });

function telemetryConfigured(): boolean {
  try {
    return configFromEnv().telemetry.exporter !== 'none';
  } catch {
    // A bad configuration is reported by appStart and per request; no exporter starts then.
    return false;
  }
}

for (const route of routes) {
  app.http(route.name, { methods: [route.method as 'GET'], route: route.route, authLevel: 'anonymous', handler: toHandler(route) });
}

for (const t of timers) {
  app.timer(t.name, {
    schedule: t.schedule,
    handler: async () => {
      await t.run(await getPlatform());
    },
  });
}

// Service Bus triggers are configuration (SERVICE_BUS_TRIGGERS): the host binds entities at start.
// A bad configuration must not stop the HTTP functions from loading: they report it per request.
try {
  registerServiceBusTriggers(app, configFromEnv().serviceBus.triggers);
} catch (err) {
  console.error(`Service Bus triggers not registered: ${(err as Error).message}`);
}

let worker: WorkerStarter | null = null;
let receivers: ServiceBusReceivers | null = null;
let telemetry: Telemetry | null = null;

// PostgreSQL or Redis may not be ready when the instance starts: the worker's start is retried
// with backoff in the background (worker-start.ts) and appStart returns at once.
app.hook.appStart(async () => {
  const config = configFromEnv();
  telemetry = await startTelemetry(config, 'functions');
  if (!config.worker.enabled) return;
  worker = startWorkerWhenReady({
    platform: getPlatform,
    start: (platform) => {
      const w = new Worker(platform, {
        concurrency: config.worker.concurrency,
        workerId: config.worker.id,
        shutdownGraceMs: config.shutdownGraceMs,
      });
      w.start();
      // Service Bus triggers configured through the API (the SERVICE_BUS_TRIGGERS bindings above stay).
      receivers = new ServiceBusReceivers(platform, { holder: w.id });
      receivers.start();
      return w;
    },
    onRetry: (err, attempt, next) =>
      console.warn(`Demiton worker not started (attempt ${attempt}: ${(err as Error).message}); retrying in ${next / 1000} s`),
  });
});

// Host drain (scale-in, deployment, restart): stop taking work, finish or hand back within the grace period.
app.hook.appTerminate(async () => {
  await receivers?.stop();
  await worker?.stop();
  await telemetry?.shutdown();
});

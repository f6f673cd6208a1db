/**
 * Starts the process's telemetry from the configuration: Application Insights through
 * `@azure/monitor-opentelemetry` (loaded only when configured: it pulls a large SDK), OTLP over
 * HTTP, the console, or nothing. Entry points (the Functions app, the local host, the worker
 * process) call `startTelemetry` once, before the platform; it is the one place that sets up
 * OpenTelemetry: traces, metrics, and logs (every pino line, bridged by logs.ts).
 */
import type { TracerProvider } from '@opentelemetry/api';
import type { Config } from '../config';
import { installLoggerProvider, uninstallLoggerProvider } from './logs';
import { installMeterProvider, uninstallMeterProvider } from './metrics';
import { installTracerProvider, uninstallTracerProvider } from './tracing';

export interface Telemetry {
  readonly exporter: Config['telemetry']['exporter'];
  /** Flushes what is buffered and stops exporting. */
  shutdown(): Promise<void>;
}

const OFF: Telemetry = { exporter: 'none', shutdown: async () => undefined };

/** Installs tracer and meter providers for `config.telemetry.exporter`; `role` names the process (cloud role). */
export async function startTelemetry(config: Config, role: string): Promise<Telemetry> {
  const t = config.telemetry;
  if (t.exporter === 'none') return OFF;
  const { resourceFromAttributes } = await import('@opentelemetry/resources');
  const resource = resourceFromAttributes({ 'service.name': 'demiton', 'service.namespace': 'demiton', 'service.instance.id': role });

  if (t.exporter === 'azure-monitor') {
    const { useAzureMonitor, shutdownAzureMonitor } = await import('@azure/monitor-opentelemetry');
    // Entra-authenticated ingestion (App Insights local auth is off in the Bicep) with the
    // user-assigned identity named by AZURE_CLIENT_ID; DefaultAzureCredential reads that itself.
    const { DefaultAzureCredential } = await import('@azure/identity');
    useAzureMonitor({
      azureMonitorExporterOptions: { connectionString: t.appInsightsConnectionString, credential: new DefaultAzureCredential() },
      resource,
      // Our own spans and metrics carry the run/task story; the HTTP/pg/redis auto-instrumentations
      // would add a span per query on the hot path.
      instrumentationOptions: {
        http: { enabled: false },
        postgreSql: { enabled: false },
        redis: { enabled: false },
        redis4: { enabled: false },
        azureSdk: { enabled: true },
      },
    });
    const { trace, metrics } = await import('@opentelemetry/api');
    // The distro registers its logger provider (Azure Monitor log exporter) globally.
    const { logs } = await import('@opentelemetry/api-logs');
    installTracerProvider(trace.getTracerProvider());
    installMeterProvider(metrics.getMeterProvider());
    installLoggerProvider(logs.getLoggerProvider());
    return {
      exporter: 'azure-monitor',
      async shutdown() {
        uninstallLoggerProvider();
        await shutdownAzureMonitor();
        uninstallTracerProvider();
        uninstallMeterProvider();
      },
    };
  }

  const { BasicTracerProvider, BatchSpanProcessor, ConsoleSpanExporter } = await import('@opentelemetry/sdk-trace-base');
  const { MeterProvider, PeriodicExportingMetricReader, ConsoleMetricExporter } = await import('@opentelemetry/sdk-metrics');
  const { LoggerProvider, BatchLogRecordProcessor, ConsoleLogRecordExporter } = await import('@opentelemetry/sdk-logs');
  let spanExporter;
  let metricExporter;
  let logExporter;
  if (t.exporter === 'otlp') {
    const { OTLPTraceExporter } = await import('@opentelemetry/exporter-trace-otlp-http');
    const { OTLPMetricExporter } = await import('@opentelemetry/exporter-metrics-otlp-http');
    const { OTLPLogExporter } = await import('@opentelemetry/exporter-logs-otlp-http');
    const base = t.otlpEndpoint!.replace(/\/+$/, '');
    spanExporter = new OTLPTraceExporter({ url: `${base}/v1/traces` });
    metricExporter = new OTLPMetricExporter({ url: `${base}/v1/metrics` });
    logExporter = new OTLPLogExporter({ url: `${base}/v1/logs` });
  } else {
    spanExporter = new ConsoleSpanExporter();
    metricExporter = new ConsoleMetricExporter();
    logExporter = new ConsoleLogRecordExporter();
  }
  const tracerProvider = new BasicTracerProvider({ resource, spanProcessors: [new BatchSpanProcessor(spanExporter)] });
  const meterProvider = new MeterProvider({
    resource,
    readers: [new PeriodicExportingMetricReader({ exporter: metricExporter, exportIntervalMillis: 60_000 })],
  });
  const loggerProvider = new LoggerProvider({ resource, processors: [new BatchLogRecordProcessor(logExporter)] });
  installTracerProvider(tracerProvider as unknown as TracerProvider);
  installMeterProvider(meterProvider);
  installLoggerProvider(loggerProvider);
  return {
    exporter: t.exporter,
    async shutdown() {
      uninstallLoggerProvider();
      await Promise.allSettled([tracerProvider.shutdown(), meterProvider.shutdown(), loggerProvider.shutdown()]);
      uninstallTracerProvider();
      uninstallMeterProvider();
    },
  };
}

/**
 * Deployment settings are checked at start-up with errors that name the variable: the telemetry,
 * Service Bus and shutdown settings this deployment adds, and a sweep of junk values over every
 * variable of the schema.
 */
import { describe, expect, it } from 'vitest';
import { envSchema, loadConfig } from '../../../shared/config';
import { ConfigError } from '../../../shared/domain/errors';

function issues(env: Record<string, string>): Array<{ path: string; message: string }> {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return [...(err as ConfigError).issues];
  }
  return [];
}

const ORG = '33333333-3333-4333-8333-333333333333';
const WF = '44444444-4444-4444-8444-444444444444';

describe('deployment settings', () => {
  it('telemetry: auto picks Application Insights, then OTLP, then none', () => {
    expect(loadConfig({}).telemetry.exporter).toBe('none');
    expect(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' }).telemetry.exporter).toBe('otlp');
    const ai = loadConfig({ APPLICATIONINSIGHTS_CONNECTION_STRING: 'InstrumentationKey=abc;IngestionEndpoint=https://x/', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' });
    expect(ai.telemetry).toMatchObject({ exporter: 'azure-monitor', appInsightsConnectionString: 'InstrumentationKey=abc;IngestionEndpoint=https://x/' });
    expect(loadConfig({ TELEMETRY_EXPORTER: 'console' }).telemetry.exporter).toBe('console');
  });

  it('telemetry: a chosen exporter without its destination names the missing variable', () => {
    expect(issues({ TELEMETRY_EXPORTER: 'azure-monitor' })).toEqual([{ path: 'APPLICATIONINSIGHTS_CONNECTION_STRING', message: "required when TELEMETRY_EXPORTER is 'azure-monitor'" }]);
    expect(issues({ TELEMETRY_EXPORTER: 'otlp' })[0]?.path).toBe('OTEL_EXPORTER_OTLP_ENDPOINT');
    expect(issues({ TELEMETRY_EXPORTER: 'jaeger' })[0]).toMatchObject({ path: 'TELEMETRY_EXPORTER', message: expect.stringContaining("'azure-monitor'") });
    expect(issues({ APPLICATIONINSIGHTS_CONNECTION_STRING: 'abc' })[0]).toMatchObject({ path: 'APPLICATIONINSIGHTS_CONNECTION_STRING', message: expect.stringContaining('InstrumentationKey=') });
    expect(issues({ OTEL_EXPORTER_OTLP_ENDPOINT: 'grpc://x' })[0]?.path).toBe('OTEL_EXPORTER_OTLP_ENDPOINT');
  });

  it('Service Bus triggers: parsed from JSON; each mistake names SERVICE_BUS_TRIGGERS and says what is wrong', () => {
    const ok = loadConfig({ SERVICE_BUS_TRIGGERS: JSON.stringify([{ name: 'orders', queue: 'orders', orgId: ORG, workflowId: WF }, { name: 't', topic: 'a', subscription: 'b', orgId: ORG, workflowId: WF }]) });
    expect(ok.serviceBus.triggers.map((t) => t.name)).toEqual(['orders', 't']);
    const cases: Array<[unknown, RegExp]> = [
      ['{not json', /expected a JSON array of triggers/],
      [{ name: 'x' }, /expected a JSON array/],
      [[{ name: 'x', queue: 'q', orgId: ORG }], /workflow id/],
      [[{ name: 'x', queue: 'q', topic: 't', subscription: 's', orgId: ORG, workflowId: WF }], /either 'queue', or 'topic' and 'subscription'/],
      [[{ name: 'x', topic: 't', orgId: ORG, workflowId: WF }], /either 'queue', or 'topic' and 'subscription'/],
      [[{ name: '1bad', queue: 'q', orgId: ORG, workflowId: WF }], /function name/],
      [[{ name: 'x', queue: 'q', orgId: 'nope', workflowId: WF }], /organisation id/],
      [[{ name: 'x', queue: 'q', orgId: ORG, workflowId: WF, extra: 1 }], /extra|unrecognized/i],
      [
        [
          { name: 'x', queue: 'q', orgId: ORG, workflowId: WF },
          { name: 'x', queue: 'r', orgId: ORG, workflowId: WF },
        ],
        /unique/,
      ],
    ];
    for (const [value, message] of cases) {
      const found = issues({ SERVICE_BUS_TRIGGERS: typeof value === 'string' ? value : JSON.stringify(value) });
      expect(found.length, JSON.stringify(value)).toBeGreaterThan(0);
      expect(found.every((i) => i.path === 'SERVICE_BUS_TRIGGERS'), JSON.stringify(found)).toBe(true);
      expect(found.map((i) => i.message).join('; ')).toMatch(message);
    }
  });

  it('shutdown grace: seconds, 0-600', () => {
    expect(loadConfig({ WORKER_SHUTDOWN_GRACE_SECONDS: '5' }).shutdownGraceMs).toBe(5_000);
    expect(loadConfig({}).shutdownGraceMs).toBe(20_000);
    expect(issues({ WORKER_SHUTDOWN_GRACE_SECONDS: '601' })[0]).toEqual({ path: 'WORKER_SHUTDOWN_GRACE_SECONDS', message: 'must be at most 600' });
    expect(issues({ WORKER_SHUTDOWN_GRACE_SECONDS: 'soon' })[0]?.path).toBe('WORKER_SHUTDOWN_GRACE_SECONDS');
  });

  it('every variable of the schema: a junk value is either accepted or rejected with an error naming that variable', () => {
    const junk = ['-1', 'x'.repeat(300), 'not a url', '{', '0', 'on'];
    let rejected = 0;
    for (const key of Object.keys(envSchema.shape)) {
      for (const value of junk) {
        const found = issues({ [key]: value });
        if (found.length === 0) continue;
        rejected++;
        // Cross-variable rules (e.g. a client secret needs a client id) may name the partner variable.
        expect(found.some((i) => i.path === key) || found.every((i) => /^[A-Z][A-Z0-9_]+$/.test(i.path)), `${key}=${value.slice(0, 20)} → ${JSON.stringify(found)}`).toBe(true);
        expect(found.every((i) => i.path !== '(environment)' && i.message.length > 0)).toBe(true);
      }
    }
    expect(rejected).toBeGreaterThan(Object.keys(envSchema.shape).length);
  });
});

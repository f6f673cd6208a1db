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
    const ai = loadConfig({
      APPLICATIONINSIGHTS_CONNECTION_STRING: 'InstrumentationKey=abc;IngestionEndpoint=https://x/',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318',
    });
    expect(ai.telemetry).toMatchObject({
      exporter: 'azure-monitor',
      appInsightsConnectionString: 'InstrumentationKey=abc;IngestionEndpoint=https://x/',
    });
    expect(loadConfig({ TELEMETRY_EXPORTER: 'console' }).telemetry.exporter).toBe('console');
  });

  it('telemetry: a chosen exporter without its destination names the missing variable', () => {
    expect(issues({ TELEMETRY_EXPORTER: 'azure-monitor' })).toEqual([
      { path: 'APPLICATIONINSIGHTS_CONNECTION_STRING', message: "required when TELEMETRY_EXPORTER is 'azure-monitor'" },
    ]);
    expect(issues({ TELEMETRY_EXPORTER: 'otlp' })[0]?.path).toBe('OTEL_EXPORTER_OTLP_ENDPOINT');
    expect(issues({ TELEMETRY_EXPORTER: 'jaeger' })[0]).toMatchObject({
      path: 'TELEMETRY_EXPORTER',
      message: expect.stringContaining("'azure-monitor'"),
    });
    expect(issues({ APPLICATIONINSIGHTS_CONNECTION_STRING: 'abc' })[0]).toMatchObject({
      path: 'APPLICATIONINSIGHTS_CONNECTION_STRING',
      message: expect.stringContaining('InstrumentationKey='),
    });
    expect(issues({ OTEL_EXPORTER_OTLP_ENDPOINT: 'grpc://x' })[0]?.path).toBe('OTEL_EXPORTER_OTLP_ENDPOINT');
  });

  it('Service Bus triggers: parsed from JSON; each mistake names SERVICE_BUS_TRIGGERS and says what is wrong', () => {
    const ok = loadConfig({
      SERVICE_BUS_TRIGGERS: JSON.stringify([
        { name: 'orders', queue: 'orders', orgId: ORG, workflowId: WF },
        { name: 't', topic: 'a', subscription: 'b', orgId: ORG, workflowId: WF },
      ]),
    });
    expect(ok.serviceBus.triggers.map((t) => t.name)).toEqual(['orders', 't']);
    const cases: Array<[unknown, RegExp]> = [
      ['{not json', /expected a JSON array of triggers/],
      [{ name: 'x' }, /expected a JSON array/],
      [[{ name: 'x', queue: 'q', orgId: ORG }], /workflow id/],
      [
        [{ name: 'x', queue: 'q', topic: 't', subscription: 's', orgId: ORG, workflowId: WF }],
        /either 'queue', or 'topic' and 'subscription'/,
      ],
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
      expect(
        found.every((i) => i.path === 'SERVICE_BUS_TRIGGERS'),
        JSON.stringify(found),
      ).toBe(true);
      expect(found.map((i) => i.message).join('; ')).toMatch(message);
    }
  });

  it('shutdown grace: seconds, 0-600', () => {
    expect(loadConfig({ WORKER_SHUTDOWN_GRACE_SECONDS: '5' }).shutdownGraceMs).toBe(5_000);
    expect(loadConfig({}).shutdownGraceMs).toBe(20_000);
    expect(issues({ WORKER_SHUTDOWN_GRACE_SECONDS: '601' })[0]).toEqual({
      path: 'WORKER_SHUTDOWN_GRACE_SECONDS',
      message: 'must be at most 600',
    });
    expect(issues({ WORKER_SHUTDOWN_GRACE_SECONDS: 'soon' })[0]?.path).toBe('WORKER_SHUTDOWN_GRACE_SECONDS');
  });

  it('Entra sign-in settings: compiled into database.auth / queue.auth, defaults unchanged, each mistake names the variable', () => {
    const OID = '7e57c0de-0b1e-4c7a-9d1e-000000000001';
    const CID = '11111111-2222-4333-8444-555555555555';
    // Defaults keep the secret-based sign-in.
    const plain = loadConfig({ DATABASE_URL: 'postgres://u:p@db:5432/d', REDIS_URL: 'redis://:k@r:6379' });
    expect(plain.database).toMatchObject({ auth: { kind: 'password' } });
    expect(plain.queue).toMatchObject({ auth: { kind: 'key' } });
    const entra = loadConfig({
      DATABASE_URL: 'postgresql://psql.postgres.database.azure.com:5432/demiton?sslmode=require',
      DATABASE_AUTH: 'entra',
      DATABASE_ENTRA_USER: 'id-demiton',
      REDIS_URL: 'rediss://r.westeurope.redis.azure.net:10000',
      REDIS_AUTH: 'entra',
      REDIS_ENTRA_USER: OID,
      AZURE_CLIENT_ID: CID,
    });
    expect(entra.database).toMatchObject({ auth: { kind: 'entra', user: 'id-demiton', clientId: CID } });
    expect(entra.queue).toMatchObject({ auth: { kind: 'entra', user: OID, clientId: CID } });
    // Without AZURE_CLIENT_ID: DefaultAzureCredential; a loopback host may go without TLS (tests).
    const local = loadConfig({
      DATABASE_URL: 'postgres://127.0.0.1:5432/d?sslmode=disable',
      DATABASE_AUTH: 'entra',
      DATABASE_ENTRA_USER: 'me',
      REDIS_URL: 'redis://localhost:6379',
      REDIS_AUTH: 'entra',
      REDIS_ENTRA_USER: OID,
    });
    expect(local.database).toMatchObject({ auth: { kind: 'entra', clientId: undefined } });

    const cases: Array<[Record<string, string>, string, RegExp]> = [
      [{ DATABASE_AUTH: 'entra', DATABASE_ENTRA_USER: 'me' }, 'DATABASE_AUTH', /needs DATABASE_URL/],
      [{ DATABASE_URL: 'postgres://db/d', DATABASE_AUTH: 'entra' }, 'DATABASE_ENTRA_USER', /required when DATABASE_AUTH is 'entra'/],
      [
        { DATABASE_URL: 'postgres://me:secret@db/d', DATABASE_AUTH: 'entra', DATABASE_ENTRA_USER: 'me' },
        'DATABASE_URL',
        /must not contain a password/,
      ],
      [
        { DATABASE_URL: 'postgres://admin@db/d', DATABASE_AUTH: 'entra', DATABASE_ENTRA_USER: 'me' },
        'DATABASE_URL',
        /names user 'admin'.*leave the user out/,
      ],
      [
        { DATABASE_URL: 'postgres://db.example.com/d?sslmode=disable', DATABASE_AUTH: 'entra', DATABASE_ENTRA_USER: 'me' },
        'DATABASE_URL',
        /sslmode=disable.*needs TLS/,
      ],
      [{ DATABASE_URL: 'postgres://u:p@db/d', DATABASE_ENTRA_USER: 'me' }, 'DATABASE_ENTRA_USER', /DATABASE_AUTH is 'password'/],
      [{ DATABASE_AUTH: 'token' }, 'DATABASE_AUTH', /expected 'password' or 'entra'/],
      [{ REDIS_AUTH: 'entra', REDIS_ENTRA_USER: OID }, 'REDIS_AUTH', /needs REDIS_URL/],
      [{ REDIS_URL: 'rediss://r:10000', REDIS_AUTH: 'entra' }, 'REDIS_ENTRA_USER', /required when REDIS_AUTH is 'entra'/],
      [{ REDIS_URL: 'rediss://:key@r:10000', REDIS_AUTH: 'entra', REDIS_ENTRA_USER: OID }, 'REDIS_URL', /must not contain an access key/],
      [{ REDIS_URL: 'rediss://someone@r:10000', REDIS_AUTH: 'entra', REDIS_ENTRA_USER: OID }, 'REDIS_URL', /names user 'someone'/],
      [
        { REDIS_URL: 'redis://r.westeurope.redis.azure.net:10000', REDIS_AUTH: 'entra', REDIS_ENTRA_USER: OID },
        'REDIS_URL',
        /needs TLS: use rediss:\/\//,
      ],
      [{ REDIS_URL: 'rediss://r:10000', REDIS_ENTRA_USER: OID }, 'REDIS_ENTRA_USER', /REDIS_AUTH is 'key'/],
      [
        { REDIS_URL: 'rediss://r:10000', REDIS_AUTH: 'entra', REDIS_ENTRA_USER: 'my-identity' },
        'REDIS_ENTRA_USER',
        /object \(principal\) id/,
      ],
      [{ AZURE_CLIENT_ID: 'id-demiton' }, 'AZURE_CLIENT_ID', /client id of the user-assigned managed identity/],
    ];
    for (const [env, path, message] of cases) {
      const found = issues(env);
      expect(
        found.some((i) => i.path === path && message.test(i.message)),
        `${JSON.stringify(env)} → ${JSON.stringify(found)}`,
      ).toBe(true);
    }
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
        expect(
          found.some((i) => i.path === key) || found.every((i) => /^[A-Z][A-Z0-9_]+$/.test(i.path)),
          `${key}=${value.slice(0, 20)} → ${JSON.stringify(found)}`,
        ).toBe(true);
        expect(found.every((i) => i.path !== '(environment)' && i.message.length > 0)).toBe(true);
      }
    }
    expect(rejected).toBeGreaterThan(Object.keys(envSchema.shape).length);
  });
});

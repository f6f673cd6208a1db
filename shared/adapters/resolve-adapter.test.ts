import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { AdapterRegistration, ConnectorDescriptor } from './adapter';
import { createDefaultRegistry } from './registry';
import { AdapterRegistry, AdapterResolutionError } from './resolve-adapter';

const conn = (c: Partial<ConnectorDescriptor>): ConnectorDescriptor => ({ id: 'c1', name: 'crm', settings: {}, secrets: {}, ...c });

const fake = (systemType: string, extra: Partial<AdapterRegistration> = {}): AdapterRegistration => ({
  systemType,
  category: 'operational',
  operations: { ping: { kind: 'call', description: 'ping', input: z.object({}), run: async () => systemType } },
  create: () => ({ systemType, category: 'operational', operations: {} }),
  ...extra,
});

describe('adapter resolution chain', () => {
  const registry = new AdapterRegistry([
    fake('alpha', { infer: (s) => s['host'] === 'alpha.example.com', connectionTypes: ['sql'] }),
    fake('beta', { infer: (s) => String(s['url'] ?? '').includes('/beta/'), connectionTypes: ['sql', 'http'] }),
  ]);

  it('1. an exact system type wins over inference and connection type', () => {
    expect(registry.resolve(conn({ systemType: 'beta', connectionType: 'sql', settings: { host: 'alpha.example.com' } }))).toMatchObject({
      step: 'system-type',
      registration: { systemType: 'beta' },
    });
  });

  it('2. an unknown system type falls through to inference from settings', () => {
    expect(registry.resolve(conn({ systemType: 'gamma', settings: { url: 'https://x/beta/api' } }))).toMatchObject({
      step: 'inferred-system-type',
      registration: { systemType: 'beta' },
    });
  });

  it('3. without a match, the generic connection type picks the first adapter serving it', () => {
    expect(registry.resolve(conn({ connectionType: 'http', settings: { host: 'other' } }))).toMatchObject({
      step: 'connection-type',
      registration: { systemType: 'beta' },
    });
    expect(registry.resolve(conn({ connectionType: 'sql' }))).toMatchObject({
      step: 'connection-type',
      registration: { systemType: 'alpha' },
    });
  });

  it('4. nothing matches: AdapterResolutionError names every step tried', () => {
    const err = (() => {
      try {
        registry.resolve(conn({ name: 'legacy', systemType: 'sap-r3', connectionType: 'rfc', settings: { host: 'sap.example.com' } }));
      } catch (e) {
        return e;
      }
    })() as AdapterResolutionError;
    expect(err).toBeInstanceOf(AdapterResolutionError);
    expect(err.code).toBe('adapter_not_found');
    expect(err.retryable).toBe(false);
    expect(err.connectorName).toBe('legacy');
    expect(err.tried).toEqual(["system type 'sap-r3'", 'system type inferred from connector settings', "connection type 'rfc'"]);
    expect(err.message).toBe(
      "No adapter for connector 'legacy'; tried system type 'sap-r3', system type inferred from connector settings, connection type 'rfc'.",
    );
  });

  it('getAdapter builds through the resolved registration, passing the environment', () => {
    let seen: unknown;
    const r = new AdapterRegistry([
      fake('alpha', { create: (_c, env) => ((seen = env), { systemType: 'alpha', category: 'operational', operations: {} }) }),
    ]);
    expect(r.getAdapter(conn({ systemType: 'alpha' })).systemType).toBe('alpha');
    expect(seen).toBe(r.environment);
  });

  it('refuses a system type registered twice', () => {
    expect(() => new AdapterRegistry([fake('a'), fake('a')])).toThrow(/registered twice/);
  });
});

describe('the default registry', () => {
  const registry = createDefaultRegistry();

  it('registers the built-ins, specific systems before the generic HTTP fallback, and resolves each by system type', () => {
    const types = registry.list().map((r) => r.systemType);
    const mine = [
      'platform',
      'business-central',
      'dynamics-365-finance',
      'microsoft-graph',
      'webhook',
      'azure-blob',
      'postgres',
      'mysql',
      'sftp',
      'smtp',
      'rabbitmq',
      'mqtt',
      'nats',
      'http',
    ];
    expect(types).toEqual(expect.arrayContaining(mine));
    expect(types[0]).toBe('platform');
    expect(types.at(-1)).toBe('http');
    for (const t of types) expect(registry.resolve(conn({ systemType: t })).registration.systemType).toBe(t);
    const categories = new Set(registry.list().map((r) => r.category));
    for (const c of ['platform', 'erp', 'finance', 'identity', 'comms', 'datasource', 'operational'])
      expect(categories.has(c as never)).toBe(true);
  });

  it('infers systems from settings (driver hints, ports, hosts)', () => {
    const infer = (settings: Record<string, unknown>) => registry.resolve(conn({ settings })).registration.systemType;
    expect(infer({ host: 'db.internal', driver: 'postgresql' })).toBe('postgres');
    expect(infer({ host: 'db.internal', port: 5432 })).toBe('postgres');
    expect(infer({ host: 'db.internal', driver: 'mariadb' })).toBe('mysql');
    expect(infer({ host: 'files.internal', port: 22, username: 'edi' })).toBe('sftp');
    expect(infer({ host: 'smtp.office365.com', port: 587 })).toBe('smtp');
  });

  it('falls back to generic connection types', () => {
    const byType = (connectionType: string) => registry.resolve(conn({ connectionType, settings: { host: 'unknown.internal' } }));
    expect(byType('sql')).toMatchObject({ step: 'connection-type', registration: { systemType: 'postgres' } });
    expect(byType('mariadb').registration.systemType).toBe('mysql');
    expect(byType('sftp').registration.systemType).toBe('sftp');
    expect(byType('email').registration.systemType).toBe('smtp');
    expect(byType('rest').registration.systemType).toBe('http');
    expect(byType('blob').registration.systemType).toBe('azure-blob');
  });

  it('declared operations carry input schemas and refuse to run unbound', async () => {
    const pg = registry.list().find((r) => r.systemType === 'postgres')!;
    expect(Object.keys(pg.operations)).toEqual(['execute', 'query']);
    expect(pg.operations['query']!.kind).toBe('generator');
    const exec = pg.operations['execute']!;
    if (exec.kind !== 'call') throw new Error('expected call');
    await expect(async () => exec.run({ sql: 'SELECT 1', params: [], maxRows: 1 }, {} as never)).rejects.toMatchObject({
      code: 'operation_unbound',
    });
  });
});

/**
 * The connection picker of an operation (issue #20): GET /api/connectors?type=<systemType> lists
 * the project's connectors that resolve to that adapter, whether saved with the system type or
 * with only a generic connection type; an unknown type is a 400 problem.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, startTestHost, createTestPlatform, type TestPlatform } from '../../helpers/test-platform';

let platform: TestPlatform;
let host: { url: string; close(): Promise<void> };

beforeAll(async () => {
  platform = await createTestPlatform();
  host = await startTestHost(platform);
});

afterAll(async () => {
  await host?.close();
  await platform?.close();
});

const sql = { host: '127.0.0.1', port: 5432, database: 'test', user: 'postgres', ssl: 'disable' };

describe('connectors by adapter type', () => {
  it('lists only the connectors that resolve to the adapter asked for', async () => {
    const made = [
      await api(host.url, 'POST', '/api/connectors', { name: 'warehouse', systemType: 'postgres', settings: sql, secrets: {} }),
      await api(host.url, 'POST', '/api/connectors', { name: 'reporting', connectionType: 'sql', settings: sql, secrets: {} }),
      await api(host.url, 'POST', '/api/connectors', {
        name: 'crm',
        systemType: 'http',
        settings: { baseUrl: 'http://127.0.0.1:9/', auth: { type: 'none' } },
        secrets: {},
      }),
    ];
    expect(made.map((r) => r.status)).toEqual([201, 201, 201]);

    const names = async (query: string) =>
      (await api(host.url, 'GET', `/api/connectors${query}`)).body.items.map((c: { name: string }) => c.name);
    expect(await names('?type=postgres')).toEqual(['reporting', 'warehouse']);
    expect(await names('?type=http')).toEqual(['crm']);
    expect(await names('?type=mysql')).toEqual([]);
    expect(await names('')).toEqual(['crm', 'reporting', 'warehouse']);

    const unknown = await api(host.url, 'GET', '/api/connectors?type=nope');
    expect(unknown.status).toBe(400);
    expect(unknown.body).toMatchObject({ code: 'invalid_query', errors: [{ path: 'type' }] });
    expect(unknown.headers.get('content-type')).toContain('application/problem+json');
  });
});

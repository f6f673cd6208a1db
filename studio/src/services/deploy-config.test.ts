import { createServer, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { apiBaseUrl, configureApi } from './api';
import { applyDeployConfig } from './deploy-config';

// A loopback server standing in for the Static Web App that serves (or lacks) /config.json.
let server: Server | null = null;
async function serve(status: number, type: string, body: string): Promise<typeof fetch> {
  server = createServer((req, res) => {
    if (req.url !== '/config.json') return void res.writeHead(404).end();
    res.writeHead(status, { 'content-type': type }).end(body);
  });
  await new Promise<void>((ok) => server!.listen(0, '127.0.0.1', ok));
  const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  return (input, init) => fetch(`${base}${String(input)}`, init);
}

afterEach(async () => {
  await new Promise((ok) => (server ? server.close(ok) : ok(undefined)));
  server = null;
  configureApi({ baseUrl: '' });
});

describe('applyDeployConfig', () => {
  it('points the API client at the Function App named by /config.json', async () => {
    const f = await serve(200, 'application/json', JSON.stringify({ apiBaseUrl: 'https://func-demo.azurewebsites.net' }));
    expect(await applyDeployConfig(f)).toBe('https://func-demo.azurewebsites.net');
    expect(apiBaseUrl()).toBe('https://func-demo.azurewebsites.net');
  });

  it('keeps this origin without the file, with an HTML fallback, or with a base that is not an https origin', async () => {
    for (const [status, type, body] of [
      [404, 'text/plain', 'not found'],
      [200, 'text/html', '<!doctype html>'],
      [200, 'application/json', JSON.stringify({ apiBaseUrl: 'http://func-demo.azurewebsites.net' })],
      [200, 'application/json', JSON.stringify({ apiBaseUrl: 'https://func-demo.azurewebsites.net/api?x=1' })],
    ] as const) {
      const f = await serve(status, type, body);
      expect(await applyDeployConfig(f)).toBe('');
      expect(apiBaseUrl()).toBe('');
      await new Promise((ok) => server!.close(ok));
      server = null;
    }
  });
});

/**
 * The studio ↔ API path pinned: the studio calls the Function App directly (no Static Web Apps
 * linked backend, whose proxy replaces the Authorization header and cuts streams at ~45 s); the
 * Function App's CORS allows exactly the studio origin, without credentials; the deploy step
 * writes the Function App origin into the studio's CSP connect-src and /config.json.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseBicepFile, property, resources, type SyntaxNode } from './bicep-source';

const ROOT = resolve(__dirname, '..', '..');
const BICEP = join(ROOT, 'bicep');

/** The body object of the top-level resource `symbol`. */
function resourceBody(root: SyntaxNode, symbol: string): SyntaxNode {
  const decl = root.namedChildren.find((n) => n.type === 'resource_declaration' && n.namedChildren[0]?.text === symbol);
  const body = decl?.namedChildren.find((c) => c.type === 'object');
  if (!body) throw new Error(`resource ${symbol} not found`);
  return body;
}

/** The body object of the top-level module `symbol`'s params. */
function moduleParams(root: SyntaxNode, symbol: string): SyntaxNode {
  const decl = root.namedChildren.find((n) => n.type === 'module_declaration' && n.namedChildren[0]?.text === symbol);
  const body = decl?.namedChildren.find((c) => c.type === 'object');
  const params = property(body ?? null, 'params');
  if (!params) throw new Error(`module ${symbol} has no params`);
  return params;
}

describe('studio ↔ API path (Bicep and deploy config)', () => {
  it('the Function App allows exactly the studio origin by CORS, without credentials', () => {
    const fa = parseBicepFile(join(BICEP, 'modules', 'function-app.bicep'));
    const siteConfig = property(property(resourceBody(fa, 'site'), 'properties'), 'siteConfig');
    const cors = property(siteConfig, 'cors');
    expect(cors, 'siteConfig.cors').not.toBeNull();
    const origins = property(cors, 'allowedOrigins')!;
    expect(origins.type).toBe('array');
    expect(origins.namedChildren.map((n) => n.text)).toEqual(['studioOrigin']);
    expect(property(cors, 'supportCredentials')?.text).toBe('false');
  });

  it('main.bicep hands the Static Web App origin to the Function App, and no linked backend remains', () => {
    const main = parseBicepFile(join(BICEP, 'main.bicep'));
    expect(property(moduleParams(main, 'functionApp'), 'studioOrigin')?.text).toBe('studio.outputs.origin');
    const swa = parseBicepFile(join(BICEP, 'modules', 'static-web-app.bicep'));
    expect(resources(swa).map((r) => r.type)).toEqual(['Microsoft.Web/staticSites']);
    const origin = swa.namedChildren.find((n) => n.type === 'output_declaration' && n.namedChildren[0]?.text === 'origin');
    expect(origin?.text).toMatch(/= 'https:\/\/\$\{site\.properties\.defaultHostname\}'$/);
  });

  it('the deploy step adds the API origin to connect-src and writes config.json; the rest of the CSP stays', async () => {
    const { writeDeployConfig, apiOrigin } = await import('../../studio/scripts/deploy-config.mjs');
    const template = JSON.parse(readFileSync(join(ROOT, 'studio', 'staticwebapp.config.json'), 'utf8')) as {
      globalHeaders: Record<string, string>;
    };
    const dir = mkdtempSync(join(tmpdir(), 'studio-dist-'));
    try {
      expect(writeDeployConfig('https://func-demo-abc.azurewebsites.net/', dir)).toBe('https://func-demo-abc.azurewebsites.net');
      expect(JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'))).toEqual({ apiBaseUrl: 'https://func-demo-abc.azurewebsites.net' });
      const written = JSON.parse(readFileSync(join(dir, 'staticwebapp.config.json'), 'utf8')) as {
        globalHeaders: Record<string, string>;
        routes: unknown;
      };
      expect(written.globalHeaders['Content-Security-Policy']).toBe(
        "default-src 'self'; connect-src 'self' https://login.microsoftonline.com https://func-demo-abc.azurewebsites.net; frame-src https://login.microsoftonline.com; img-src 'self' data:; style-src 'self' 'unsafe-inline'",
      );
      expect(template.globalHeaders['Content-Security-Policy']).toContain("connect-src 'self' https://login.microsoftonline.com;");
      expect(written.routes).toEqual((template as unknown as { routes: unknown }).routes);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(() => apiOrigin('http://func.azurewebsites.net')).toThrow(/https/);
    expect(() => apiOrigin('https://func.azurewebsites.net/api')).toThrow(/origin/);
    expect(() => apiOrigin('https://user:pw@func.azurewebsites.net')).toThrow(/origin/);
  });

  it('the studio routes no /api through Static Web Apps', () => {
    const template = JSON.parse(readFileSync(join(ROOT, 'studio', 'staticwebapp.config.json'), 'utf8')) as {
      routes: Array<{ route: string }>;
    };
    expect(template.routes.map((r) => r.route)).not.toContain('/api/*');
  });
});

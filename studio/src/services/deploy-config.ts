/**
 * Where the API is, for a deployed studio: `/config.json` next to index.html, written at deploy
 * time by studio/scripts/deploy-config.mjs ({ "apiBaseUrl": "https://func-….azurewebsites.net" }).
 * On Azure the studio calls the Function App directly with its Entra token (see docs/deploy.md);
 * without the file (local host, `npm run dev:studio`) it calls its own origin.
 */
import { configureApi } from './api';

/** Reads /config.json and points the API client at its apiBaseUrl; returns the base URL used ('' = this origin). */
export async function applyDeployConfig(fetchFn: typeof fetch = (...a) => globalThis.fetch(...a)): Promise<string> {
  const res = await fetchFn('/config.json', { headers: { Accept: 'application/json' }, cache: 'no-cache' }).catch(() => null);
  if (!res?.ok || !(res.headers.get('content-type') ?? '').includes('json')) return '';
  const body = (await res.json().catch(() => null)) as { apiBaseUrl?: unknown } | null;
  const base = typeof body?.apiBaseUrl === 'string' ? body.apiBaseUrl : '';
  if (!/^https:\/\/[^/?#@]+$/.test(base)) return '';
  configureApi({ baseUrl: base });
  return base;
}

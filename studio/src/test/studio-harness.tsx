/**
 * Component tests render the real studio against a real control plane: a test platform on
 * PostgreSQL (own schema, embedded queue, no worker) served on a loopback port, with the
 * services module pointed at it.
 */
import { configure, render } from '@testing-library/react';
import axe from 'axe-core';
import { App, newQueryClient } from '../app';
import { configureApi } from '../services/api';
import { createTestPlatform, startTestHost, type TestPlatform } from '../../../tests/helpers/test-platform';

// Real requests to a real server on a shared 2-core machine: allow more than the 1 s default.
configure({ asyncUtilTimeout: 10_000 });

export interface Harness {
  platform: TestPlatform;
  url: string;
  /** Points the services module back at this server with the real fetch (after `failRequests`). */
  resetApi(): void;
  close(): Promise<void>;
}

export async function startHarness(env: Record<string, string> = {}): Promise<Harness> {
  const platform = await createTestPlatform({ queue: 'embedded', env });
  const host = await startTestHost(platform);
  const resetApi = () => configureApi({ baseUrl: host.url, fetch: (...a) => globalThis.fetch(...a) });
  resetApi();
  return {
    platform,
    url: host.url,
    resetApi,
    async close() {
      await host.close();
      await platform.close();
    },
  };
}

export const devAuth = { config: { devMode: true, authority: null, knownAuthorities: [], clientId: null, scopes: [] }, account: null };

/** Renders the whole studio at a path. */
export function renderStudio(path: string) {
  return render(<App auth={devAuth} initialPath={path} queryClient={newQueryClient()} />);
}

/** axe-core on a node: serious and critical violations, readable. Colour contrast needs layout jsdom lacks. */
export async function axeViolations(node: Element): Promise<string[]> {
  const r = await axe.run(node, { rules: { 'color-contrast': { enabled: false } }, resultTypes: ['violations'] });
  return r.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

/**
 * Points the services module at a fetch that answers 500 problem+json (`detail`) for the URLs
 * `matches` picks and passes every other request to the real server. Returns the undo.
 */
export function failRequests(matches: (url: string) => boolean, detail: string): () => void {
  const real = (...a: Parameters<typeof fetch>) => globalThis.fetch(...a);
  configureApi({
    fetch: async (input, init) => {
      const url = input instanceof Request ? input.url : String(input);
      if (!matches(url)) return real(input, init);
      return new Response(
        JSON.stringify({ type: 'about:blank', title: 'Internal Server Error', status: 500, code: 'internal_error', detail }),
        {
          status: 500,
          headers: { 'content-type': 'application/problem+json' },
        },
      );
    },
  });
  return () => configureApi({ fetch: real });
}

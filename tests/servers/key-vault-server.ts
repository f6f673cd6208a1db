/**
 * Test fixture: an HTTPS loopback server speaking the Azure Key Vault secrets protocol the real
 * `@azure/keyvault-secrets` client uses: an unauthenticated first request gets the 401 bearer
 * challenge (`WWW-Authenticate: Bearer authorization=…, resource=…`), the retry carries the token,
 * `GET /secrets/{name}/?api-version=…` answers the secret bundle or the `SecretNotFound` error.
 * The vault answers as `https://demiton-test.vault.azure.net:<port>` (so the SDK's check that the
 * challenge resource matches the vault's domain runs as in production): its certificate is
 * self-signed for that name, and `agent()` trusts it and resolves the name to 127.0.0.1 without
 * asking DNS, so nothing leaves the machine.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Agent, createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const VAULT_HOST = 'demiton-test.vault.azure.net';

export interface KeyVaultFixture {
  vaultUrl: string;
  /** An agent that trusts the fixture's certificate and connects the vault name to 127.0.0.1. */
  agent(): Agent;
  /** The bearer token the server accepts. */
  token: string;
  secrets: Map<string, string>;
  requests: Array<{ path: string; authorization: string | undefined }>;
  close(): Promise<void>;
}

/** Starts the server with the given secrets. */
export async function startKeyVault(secrets: Record<string, string>, token = 'kv-access-token'): Promise<KeyVaultFixture> {
  const dir = mkdtempSync(join(tmpdir(), 'demiton-kv-'));
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      `/CN=${VAULT_HOST}`,
      '-addext',
      `subjectAltName=DNS:${VAULT_HOST}`,
      '-keyout',
      join(dir, 'key.pem'),
      '-out',
      join(dir, 'cert.pem'),
    ],
    {
      stdio: 'ignore',
    },
  );
  const cert = readFileSync(join(dir, 'cert.pem'), 'utf8');
  const key = readFileSync(join(dir, 'key.pem'), 'utf8');
  rmSync(dir, { recursive: true, force: true });
  const store = new Map(Object.entries(secrets));
  const requests: KeyVaultFixture['requests'] = [];
  const server = createServer({ cert, key }, (req, res) => {
    const url = new URL(req.url ?? '/', 'https://127.0.0.1');
    requests.push({ path: url.pathname, authorization: req.headers.authorization });
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
      res.end(JSON.stringify(body));
    };
    if (req.headers.authorization !== `Bearer ${token}`) {
      return send(
        401,
        { error: { code: 'Unauthorized', message: 'AKV10000: Request is missing a Bearer or PoP token.' } },
        {
          'www-authenticate':
            'Bearer authorization="https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47", resource="https://vault.azure.net"',
        },
      );
    }
    const m = /^\/secrets\/([^/]+)\/?([^/]*)$/.exec(url.pathname);
    if (req.method !== 'GET' || !m || !url.searchParams.get('api-version'))
      return send(400, { error: { code: 'BadParameter', message: 'Unsupported request.' } });
    const value = store.get(m[1]!);
    if (value === undefined) {
      return send(404, {
        error: {
          code: 'SecretNotFound',
          message: `A secret with (name/id) ${m[1]} was not found in this key vault. If you recently deleted this secret you may be able to recover it using the correct recovery command.`,
        },
      });
    }
    const now = Math.floor(Date.now() / 1000);
    return send(200, {
      value,
      id: `https://${VAULT_HOST}:${port}/secrets/${m[1]}/4387e9f3d6e14c459867679a90fd0f79`,
      attributes: { enabled: true, created: now, updated: now, recoveryLevel: 'Recoverable+Purgeable' },
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  const agent = () =>
    new Agent({
      ca: cert,
      lookup: ((_host: string, opts: { all?: boolean }, cb: (e: null, a: unknown, f?: number) => void) =>
        opts?.all ? cb(null, [{ address: '127.0.0.1', family: 4 }]) : cb(null, '127.0.0.1', 4)) as never,
    });
  return {
    vaultUrl: `https://${VAULT_HOST}:${port}`,
    agent,
    token,
    secrets: store,
    requests,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

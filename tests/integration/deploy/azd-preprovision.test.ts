/**
 * The azd `preprovision` hook names the PostgreSQL Entra administrator (the deploying principal)
 * from the signed-in principal's token when AZURE_PRINCIPAL_NAME / AZURE_PRINCIPAL_TYPE are
 * unset, and refuses, naming the variable, when it cannot (a service principal's token carries no
 * display name; no azd sign-in at all). `azd` here is a script on PATH answering `auth token`
 * with a JWT of the given claims and recording `env set` calls, as the real CLI would be asked.
 */
import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const jwt = (claims: object) =>
  ['{"alg":"RS256","typ":"JWT"}', JSON.stringify(claims)].map((p) => Buffer.from(p).toString('base64url')).join('.') + '.sig';

/** Runs the hook with an `azd` that answers with `claims` (or fails when null); returns the `env set` calls. */
async function preprovision(claims: object | null, env: Record<string, string> = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'demiton-azd-'));
  dirs.push(dir);
  const log = join(dir, 'env-set.log');
  writeFileSync(log, '');
  const token = claims ? JSON.stringify({ token: jwt(claims), expiresOn: '2030-01-01T00:00:00Z' }) : '';
  writeFileSync(
    join(dir, 'azd'),
    [
      '#!/bin/sh',
      `if [ "$1" = "auth" ]; then ${claims ? `printf '%s' '${token}'` : 'echo "not logged in" >&2; exit 1'}; exit 0; fi`,
      `if [ "$1" = "env" ] && [ "$2" = "set" ]; then echo "$3=$4" >> '${log}'; exit 0; fi`,
      'exit 2',
    ].join('\n'),
  );
  chmodSync(join(dir, 'azd'), 0o755);
  const base = {
    PATH: `${dir}:${process.env['PATH'] ?? ''}`,
    ENTRA_API_AUDIENCE: 'api://demiton',
    ENTRA_STUDIO_CLIENT_ID: '22222222-2222-2222-2222-222222222222',
    CONNECTOR_ENCRYPTION_KEY: 'x',
    DEMITON_DEPLOYMENT_ID: 'abcd',
    // Set, so the hook asks no address of the network.
    DEMITON_DEPLOYER_IP: '203.0.113.7',
  };
  const r = await promisify(execFile)(process.execPath, [resolve(__dirname, '../../../scripts/azd-hooks.mjs'), 'preprovision'], {
    env: { ...base, ...env },
  }).then(
    (o) => ({ code: 0, stderr: o.stderr }),
    (e: { code: number; stderr: string }) => ({ code: e.code, stderr: e.stderr }),
  );
  const set = Object.fromEntries(
    readFileSync(log, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
  return { ...r, set };
}

describe('azd preprovision: the PostgreSQL administrator is the signed-in principal', () => {
  it('a user: AZURE_PRINCIPAL_NAME is their UPN, AZURE_PRINCIPAL_TYPE User', async () => {
    const r = await preprovision({ idtyp: 'user', upn: 'ada@contoso.com', oid: 'o1' });
    expect(r.code).toBe(0);
    expect(r.set).toEqual({ AZURE_PRINCIPAL_TYPE: 'User', AZURE_PRINCIPAL_NAME: 'ada@contoso.com' });
  });

  it('values already set are kept, and azd is not asked', async () => {
    const r = await preprovision(null, { AZURE_PRINCIPAL_NAME: 'deployer', AZURE_PRINCIPAL_TYPE: 'ServicePrincipal' });
    expect(r.code).toBe(0);
    expect(r.set).toEqual({});
  });

  it('a service principal without AZURE_PRINCIPAL_NAME is refused, naming the variable', async () => {
    const r = await preprovision({ idtyp: 'app', appid: 'a1', oid: 'o2' });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/AZURE_PRINCIPAL_NAME is empty: azd env set AZURE_PRINCIPAL_NAME/);
    expect(r.set).toEqual({ AZURE_PRINCIPAL_TYPE: 'ServicePrincipal' });
  });

  it('no azd sign-in: refused, saying how to sign in or set the name', async () => {
    const r = await preprovision(null);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/azd auth login, or azd env set AZURE_PRINCIPAL_NAME/);
    expect(r.set).toEqual({});
  });
});

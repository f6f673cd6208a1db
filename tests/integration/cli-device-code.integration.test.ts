/**
 * `demiton login --device-code` driven as a child process (the compiled dist/cli/main.js) against a
 * control plane in Entra mode and the loopback Entra stand-in (tests/servers/oidc-issuer.ts) speaking
 * the device authorization grant (RFC 8628): the code is shown, polls get `authorization_pending`
 * until the person signs in, `slow_down` makes the CLI ask 5 s less often, the token is checked
 * against the control plane and saved in the profile with its authority (the next sign-in of that
 * profile needs no flags); an expired code and a declined sign-in exit 5 and change nothing.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { EXIT } from '../../cli/exit-codes';
import { cleanEnv, requireBuild } from '../helpers/processes';
import { waitFor } from '../helpers/test-platform';
import type { DeviceRequest } from '../servers/oidc-issuer';
import { startEntraEnv, type EntraEnv } from './auth/entra-env';

vi.setConfig({ testTimeout: 90_000, hookTimeout: 120_000 });

const CLI = requireBuild('cli/main.js');
const CLI_CLIENT = randomUUID();
const work = mkdtempSync(join(tmpdir(), 'demiton-device-'));
const configPath = join(work, 'config.json');
const caPath = join(work, 'issuer-ca.pem');
let entra: EntraEnv;

beforeAll(async () => {
  entra = await startEntraEnv({ env: { ENTRA_SPA_CLIENT_ID: CLI_CLIENT, ENTRA_SPA_SCOPES: 'api://demiton-test/access_as_user' } });
  // The CLI process trusts the stand-in's self-signed certificate the way Node is told to.
  writeFileSync(caPath, entra.issuer.ca);
});

afterAll(async () => {
  await entra?.close();
  rmSync(work, { recursive: true, force: true });
});

interface Cli {
  code: Promise<number | null>;
  stdout: () => string;
  stderr: () => string;
}

function demiton(args: string[]): Cli {
  const child = spawn(process.execPath, [CLI, ...args], {
    cwd: work,
    env: cleanEnv({ DEMITON_CONFIG: configPath, NODE_EXTRA_CA_CERTS: caPath }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return { code: new Promise((ok) => child.on('close', ok)), stdout: () => stdout, stderr: () => stderr };
}

/** The device request the CLI just made (the newest one whose code it printed). */
const requestShownBy = (cli: Cli) =>
  waitFor(async () => [...entra.issuer.device.requests.values()].find((r) => cli.stderr().includes(r.userCode)) ?? null, 30_000);

const readConfig = () => JSON.parse(readFileSync(configPath, 'utf8'));

describe('demiton login --device-code', () => {
  it('shows the code, waits while authorization is pending, slows down when told, saves the token and uses it', async () => {
    entra.issuer.device.next = { expiresIn: 120, interval: 1, slowDownPolls: 1 };
    const authority = `${entra.issuer.url}/${entra.tenants[0]}`;
    const cli = demiton(['login', '--url', entra.url, '--profile', 'work', '--device-code', '--authority', authority, '--json']);
    const req: DeviceRequest = await requestShownBy(cli);
    expect(req).toMatchObject({ clientId: CLI_CLIENT, scope: 'api://demiton-test/access_as_user', tenant: entra.tenants[0] });
    expect(cli.stderr()).toContain('https://microsoft.com/devicelogin');
    // Pending for a few polls: the first answered slow_down, then authorization_pending.
    await waitFor(async () => (req.polls.length >= 3 ? true : null), 30_000);
    const gaps = req.polls.slice(1).map((t, i) => t - req.polls[i]!);
    expect(gaps[0]).toBeGreaterThanOrEqual(5_500); // 1 s interval + 5 s after slow_down (RFC 8628 §3.5)
    expect(gaps[1]).toBeGreaterThanOrEqual(5_500); // and from then on
    entra.issuer.device.approve(req.userCode, await entra.tokenFor('operator'));
    expect(await cli.code).toBe(EXIT.ok);
    const answer = JSON.parse(cli.stdout());
    expect(answer).toMatchObject({ profile: 'work', url: entra.url, role: 'operator', actor: { type: 'user' } });
    const saved = readConfig().profiles.work;
    expect(saved).toMatchObject({ url: entra.url, authority, clientId: CLI_CLIENT, scopes: ['api://demiton-test/access_as_user'] });
    expect(Date.parse(saved.accessTokenExpiresAt)).toBeGreaterThan(Date.now() + 3_000_000);
    // The saved token is what the next command sends: the control plane checks it.
    const runs = demiton(['runs', 'ls', '--json']);
    expect(await runs.code).toBe(EXIT.ok);
  });

  it('an expired code exits 5 (device_code_expired), a declined sign-in exits 5 (device_code_declined); the profile keeps its token', async () => {
    const before = readConfig().profiles.work;
    // No flags: the profile's authority, client and scopes are used.
    entra.issuer.device.next = { expiresIn: 2, interval: 1, slowDownPolls: 0 };
    const expiring = demiton(['login', '--profile', 'work', '--device-code', '--json']);
    const r1 = await requestShownBy(expiring);
    expect(r1.clientId).toBe(CLI_CLIENT);
    expect(await expiring.code).toBe(EXIT.refused);
    expect(JSON.parse(expiring.stdout()).error.code).toBe('device_code_expired');

    entra.issuer.device.next = { expiresIn: 120, interval: 1, slowDownPolls: 0 };
    const declining = demiton(['login', '--profile', 'work', '--device-code', '--json']);
    const r2 = await requestShownBy(declining);
    entra.issuer.device.decline(r2.userCode);
    expect(await declining.code).toBe(EXIT.refused);
    expect(JSON.parse(declining.stdout()).error.code).toBe('device_code_declined');
    expect(readConfig().profiles.work).toEqual(before);

    // A token the control plane does not accept (signed by a key it does not know): 5, nothing saved.
    const foreign = demiton(['login', '--profile', 'work', '--device-code', '--json']);
    const r3 = await requestShownBy(foreign);
    entra.issuer.device.approve(r3.userCode, await entra.issuer.accessToken({}, { key: await entra.issuer.newKey() }));
    expect(await foreign.code).toBe(EXIT.refused);
    expect(readConfig().profiles.work).toEqual(before);

    // An identity provider that cannot be reached: 6.
    const down = demiton([
      'login',
      '--profile',
      'other',
      '--url',
      entra.url,
      '--device-code',
      '--authority',
      'https://127.0.0.1:9/x',
      '--json',
    ]);
    expect(await down.code).toBe(EXIT.unavailable);
    expect(JSON.parse(down.stdout()).error.code).toBe('identity_provider_unreachable');
    // --api-key with --device-code is a usage error.
    expect(await demiton(['login', '--device-code', '--api-key', 'k', '--url', entra.url]).code).toBe(EXIT.usage);
  });
});

/**
 * Group overage with a certificate credential: MSAL signs a client assertion with the private key
 * of ENTRA_CLIENT_CERTIFICATE_PATH; the loopback token endpoint verifies it against the
 * registered certificate. A certificate the directory does not know fails closed.
 */
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEntraEnv, type EntraEnv } from './entra-env';

const dir = mkdtempSync(join(tmpdir(), 'demiton-graph-cert-'));

function certificate(name: string): { pemPath: string; certPem: string } {
  const key = join(dir, `${name}.key`);
  const cert = join(dir, `${name}.crt`);
  execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', `/CN=${name}`],
    { stdio: 'ignore' },
  );
  const certPem = readFileSync(cert, 'utf8');
  const pemPath = join(dir, `${name}.pem`);
  writeFileSync(pemPath, readFileSync(key, 'utf8') + certPem);
  return { pemPath, certPem };
}

const registered = certificate('registered');
const stranger = certificate('stranger');
const clientId = randomUUID();
let good: EntraEnv;
let bad: EntraEnv;

beforeAll(async () => {
  const client = { clientId, certificatePem: registered.certPem };
  good = await startEntraEnv({
    client,
    env: { ENTRA_CLIENT_ID: clientId, ENTRA_CLIENT_SECRET: '', ENTRA_CLIENT_CERTIFICATE_PATH: registered.pemPath },
  });
  bad = await startEntraEnv({
    client,
    env: { ENTRA_CLIENT_ID: clientId, ENTRA_CLIENT_SECRET: '', ENTRA_CLIENT_CERTIFICATE_PATH: stranger.pemPath },
  });
});
afterAll(async () => {
  await good?.close();
  await bad?.close();
  rmSync(dir, { recursive: true, force: true });
});

const overage = (env: EntraEnv, oid: string) =>
  env.issuer.accessToken({
    oid,
    groups: undefined,
    _claim_names: { groups: 'src1' },
    _claim_sources: { src1: { endpoint: `https://graph.windows.net/${env.tenants[0]}/users/${oid}/getMemberObjects` } },
  });

describe('Graph client with a certificate credential', () => {
  it('resolves overage groups with a client assertion signed by the certificate key', async () => {
    const oid = randomUUID();
    good.issuer.graphGroups.set(oid, [await good.groupFor('operator')]);
    const r = await good.call('GET', '/api/me', await overage(good, oid));
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.role).toBe('operator');
    expect(good.issuer.counters.token).toBeGreaterThanOrEqual(1);
  });

  it('fails closed when the directory does not accept the certificate', async () => {
    const oid = randomUUID();
    bad.issuer.graphGroups.set(oid, [await bad.groupFor('operator')]);
    const r = await bad.call('GET', '/api/me', await overage(bad, oid));
    expect(r.status).toBe(503);
    expect(r.body.code).toBe('graph_unavailable');
    expect(bad.issuer.counters.graph).toBe(0);
  });
});

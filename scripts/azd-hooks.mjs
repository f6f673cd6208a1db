// azd hooks, the same on POSIX and Windows (Node only; azure.yaml calls `node scripts/azd-hooks.mjs <hook>`).
// - preprovision: refuses to provision while a parameter without default is empty (main.bicep
//   refuses them too, with @minLength(1), but only once the deployment has started); generates
//   CONNECTOR_ENCRYPTION_KEY and DEMITON_DEPLOYMENT_ID into the azd environment when missing.
// - postdown: clears DEMITON_DEPLOYMENT_ID, so the next `azd up` names a new Key Vault: purge
//   protection keeps a deleted vault, and its name, for the retention period (30 days).
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The azd environment variables main.parameters.json maps to required parameters. */
export const REQUIRED = {
  ENTRA_API_AUDIENCE: 'the App ID URI (or client id) of the API app registration, e.g. api://demiton-prod',
  ENTRA_STUDIO_CLIENT_ID: 'the client id of the studio (single-page application) registration',
};

/** Names of required variables that are unset or blank. */
export function missingRequired(values) {
  return Object.keys(REQUIRED).filter((k) => !(values[k] ?? '').trim());
}

function azdEnvSet(name, value) {
  execFileSync('azd', ['env', 'set', name, value], { stdio: 'inherit', shell: process.platform === 'win32' });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const hook = process.argv[2];
  const env = process.env;
  if (hook === 'preprovision') {
    const missing = missingRequired(env);
    if (missing.length) {
      for (const k of missing) console.error(`${k} is empty: azd env set ${k} <${REQUIRED[k]}>`);
      process.exit(1);
    }
    if (!env.CONNECTOR_ENCRYPTION_KEY) {
      console.log('Generating CONNECTOR_ENCRYPTION_KEY into the azd environment (keep a copy: it decrypts connector secrets).');
      azdEnvSet('CONNECTOR_ENCRYPTION_KEY', randomBytes(32).toString('base64'));
    }
    if (!env.DEMITON_DEPLOYMENT_ID) azdEnvSet('DEMITON_DEPLOYMENT_ID', randomBytes(4).toString('hex'));
  } else if (hook === 'postdown') {
    azdEnvSet('DEMITON_DEPLOYMENT_ID', '');
  } else {
    console.error('usage: node scripts/azd-hooks.mjs preprovision|postdown');
    process.exit(2);
  }
}

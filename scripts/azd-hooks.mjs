// azd hooks, the same on POSIX and Windows (Node only; azure.yaml calls `node scripts/azd-hooks.mjs <hook>`).
// - preprovision: refuses to provision while a parameter without default is empty (main.bicep
//   refuses them too, with @minLength(1), but only once the deployment has started); generates
//   CONNECTOR_ENCRYPTION_KEY and DEMITON_DEPLOYMENT_ID into the azd environment when missing.
//   Fills AZURE_PRINCIPAL_NAME and AZURE_PRINCIPAL_TYPE (the deploying principal, made the
//   PostgreSQL server's Entra administrator) from the claims of its azd token when missing, and
//   DEMITON_DEPLOYER_IP (the firewall rule that lets this machine reach the server).
// - database (the api service's predeploy): signs in to PostgreSQL as the Entra administrator
//   (the deploying principal, with its azd or Azure CLI token), applies the migrations of the
//   package being deployed (its own migrate()), creates the app identity's login
//   (pgaadauth_create_principal) when absent and grants it `demiton_app`. The app itself never
//   holds more than `demiton_app` (docs/deploy.md, "Two PostgreSQL logins"). Idempotent.
// - postdown: clears DEMITON_DEPLOYMENT_ID, so the next `azd up` names a new Key Vault: purge
//   protection keeps a deleted vault, and its name, for the retention period (30 days).
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The azd environment variables main.parameters.json maps to required parameters. */
export const REQUIRED = {
  ENTRA_API_AUDIENCE: 'the App ID URI (or client id) of the API app registration, e.g. api://demiton-prod',
  ENTRA_STUDIO_CLIENT_ID: 'the client id of the studio (single-page application) registration',
};

/** Names of required variables that are unset or blank. */
export function missingRequired(values) {
  return Object.keys(REQUIRED).filter((k) => !(values[k] ?? '').trim());
}

/**
 * The deploying principal's PostgreSQL administrator name and type, from the claims of its access
 * token: a user signs in as their UPN; a service principal's display name is not in its token, so
 * it must be given (AZURE_PRINCIPAL_NAME). Returns null for the name when it cannot be told.
 */
export function principalFromClaims(claims) {
  const app = claims.idtyp === 'app' || (!claims.upn && !claims.unique_name && !claims.preferred_username && !!claims.appid);
  if (app) return { type: 'ServicePrincipal', name: null };
  return { type: 'User', name: claims.upn ?? claims.unique_name ?? claims.preferred_username ?? null };
}

/** The claims of a JWT (not verified: only to name the signed-in principal to itself). */
function jwtClaims(token) {
  return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8'));
}

/** Role names the hook hands to PostgreSQL: Entra display names and identity names, at most 63 characters. */
const ROLE_NAME = /^[A-Za-z0-9][A-Za-z0-9 ._@-]{0,62}$/;

/**
 * Creates the login of a Microsoft Entra principal (Azure Database for PostgreSQL's
 * `pgaadauth_create_principal`: not an administrator, not a group). A server without it (any
 * PostgreSQL but Azure's, or Entra authentication off) is refused before anything is created.
 */
export async function createEntraPrincipal(q, name) {
  const { rows } = await q.query("SELECT to_regprocedure('pgaadauth_create_principal(text,boolean,boolean)') IS NOT NULL AS present");
  if (!rows[0]?.present)
    throw new Error(
      `pgaadauth_create_principal is not installed: this is not an Azure Database for PostgreSQL flexible server with Microsoft Entra authentication, so the login '${name}' cannot be created for an Entra identity`,
    );
  await q.query('SELECT pgaadauth_create_principal($1::text, false, false)', [name]);
}

/**
 * Brings the database to the package's schema as the administrator, then makes `appRole` a login
 * with `demiton_app` (migration 0004) and nothing more. `db` is the package's Db signed in as the
 * administrator; `migrate` the package's migrate(); `createPrincipal(q, name)` creates a login
 * (createEntraPrincipal in Azure). Refuses, changing nothing, when `appRole` is the administrator
 * itself, has administrative attributes, or can act as the owner of the schema's tables (an
 * identity that was the administrator before, or owns them). Idempotent: a second run applies,
 * creates and grants nothing.
 */
export async function prepareDatabase({ db, migrate, appRole, createPrincipal = createEntraPrincipal }) {
  if (!ROLE_NAME.test(appRole))
    throw new Error(`'${appRole}' is not a login name the hook creates (letters, digits, space, . _ @ -; at most 63)`);
  const { rows: me } = await db.query('SELECT current_user AS who');
  if (me[0]?.who === appRole)
    throw new Error(`the app login '${appRole}' is the administrator running the migrations: give the app its own identity`);
  // Migrations alter existing tables, which only their owner may do: another administrator (a
  // second deploying principal) is refused here, before any migration starts halfway.
  const foreign = await db.query(
    `SELECT DISTINCT tableowner AS owner FROM pg_tables
      WHERE schemaname = $1::text AND NOT pg_has_role(current_user, tableowner, 'USAGE')`,
    [db.schema],
  );
  if (foreign.rowCount)
    throw new Error(
      `schema ${db.schema} belongs to ${foreign.rows.map((o) => `'${o.owner}'`).join(', ')}, not to '${me[0]?.who}': deploy as the administrator that owns it, or hand it over (docs/deploy.md, "Two PostgreSQL logins")`,
    );
  const applied = await migrate(db);
  return db.tx(async (q) => {
    // Two deployments at once: one creates, the other sees it created.
    await q.query("SELECT pg_advisory_xact_lock(hashtext('demiton:app-login'))");
    const role = await q.query(
      'SELECT rolsuper, rolcreaterole, rolcreatedb, rolbypassrls, rolreplication FROM pg_roles WHERE rolname = $1::text',
      [appRole],
    );
    let created = false;
    if (!role.rowCount) {
      await createPrincipal(q, appRole);
      created = true;
    } else {
      const r = role.rows[0];
      const attrs = ['rolsuper', 'rolcreaterole', 'rolcreatedb', 'rolbypassrls', 'rolreplication'].filter((a) => r[a]);
      if (attrs.length)
        throw new Error(`the app login '${appRole}' has administrative attributes (${attrs.join(', ')}): it must hold demiton_app only`);
    }
    const owners = await q.query(
      `SELECT DISTINCT tableowner AS owner FROM pg_tables
        WHERE schemaname = $1::text AND pg_has_role($2::text, tableowner, 'USAGE')`,
      [db.schema, appRole],
    );
    if (owners.rowCount)
      throw new Error(
        `the app login '${appRole}' owns, or acts as the owner (${owners.rows.map((o) => o.owner).join(', ')}) of, tables in schema ${db.schema}: hand them to the administrator first (docs/deploy.md, "Two PostgreSQL logins")`,
      );
    const member = await q.query(
      `SELECT 1 FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid JOIN pg_roles u ON u.oid = m.member
        WHERE g.rolname = 'demiton_app' AND u.rolname = $1::text`,
      [appRole],
    );
    let granted = false;
    if (!member.rowCount) {
      // A role name cannot be a parameter: format('%I') quotes it, after the check above.
      const { rows } = await q.query("SELECT format('GRANT demiton_app TO %I', $1::text) AS sql", [appRole]);
      await q.query(rows[0].sql);
      granted = true;
    }
    return { applied, created, granted };
  });
}

/** The compiled package to migrate with: the one azd is about to deploy, else this checkout's build. */
function packageDir() {
  for (const dir of [join(ROOT, 'deploy', 'api', 'out'), ROOT]) if (existsSync(join(dir, 'dist', 'shared', 'db', 'migrate.js'))) return dir;
  throw new Error('no compiled package: run npm run build:server (azd builds deploy/api/out before this hook)');
}

/** The database hook against Azure: the deploying principal's token, the package's own code. */
async function setUpDatabase(env) {
  const needed = ['AZURE_POSTGRES_FQDN', 'AZURE_POSTGRES_DATABASE', 'AZURE_POSTGRES_ADMIN_USER', 'AZURE_POSTGRES_APP_USER'];
  const missing = needed.filter((k) => !env[k]);
  if (missing.length) throw new Error(`${missing.join(', ')} missing: outputs of bicep/main.bicep (run azd provision first)`);
  const dir = packageDir();
  const load = (p) => import(pathToFileURL(join(dir, 'dist', ...p.split('/'))).href);
  const { createDb } = await load('shared/db/db.js');
  const { migrate } = await load('shared/db/migrate.js');
  const { createAccessTokenSource, POSTGRES_TOKEN_SCOPE } = await load('shared/managed-identity/access-token-source.js');
  const { AzureDeveloperCliCredential, AzureCliCredential, ChainedTokenCredential } = createRequire(join(dir, 'package.json'))(
    '@azure/identity',
  );
  const credential = new ChainedTokenCredential(new AzureDeveloperCliCredential(), new AzureCliCredential());
  const db = createDb({
    // No sslmode: createDb then verifies TLS to any host but a loopback one (Azure refuses tokens without TLS).
    connectionString: `postgresql://${env.AZURE_POSTGRES_FQDN}:5432/${encodeURIComponent(env.AZURE_POSTGRES_DATABASE)}`,
    schema: env.DATABASE_SCHEMA || 'public',
    max: 2,
    backend: 'postgres',
    entra: {
      user: env.AZURE_POSTGRES_ADMIN_USER,
      tokens: createAccessTokenSource({ credential, scope: POSTGRES_TOKEN_SCOPE, dependency: 'database' }),
    },
  });
  try {
    const r = await prepareDatabase({ db, migrate, appRole: env.AZURE_POSTGRES_APP_USER });
    console.log(
      `database: migrations ${r.applied.length ? `applied ${r.applied.join(', ')}` : 'up to date'}; login '${env.AZURE_POSTGRES_APP_USER}' ${r.created ? 'created' : 'present'}, ${r.granted ? 'granted' : 'already in'} demiton_app`,
    );
  } finally {
    await db.close();
  }
}

function azdToken() {
  const out = execFileSync('azd', ['auth', 'token', '--scope', 'https://ossrdbms-aad.database.windows.net/.default', '--output', 'json'], {
    encoding: 'utf8',
    shell: process.platform === 'win32',
  });
  return JSON.parse(out).token;
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
    if (!env.AZURE_PRINCIPAL_NAME || !env.AZURE_PRINCIPAL_TYPE) {
      let who;
      try {
        who = principalFromClaims(jwtClaims(azdToken()));
      } catch (err) {
        console.error(
          `Could not read the signed-in principal from \`azd auth token\` (${err instanceof Error ? err.message : String(err)}):`,
        );
        console.error(
          'azd auth login, or azd env set AZURE_PRINCIPAL_NAME <UPN or display name> and AZURE_PRINCIPAL_TYPE <User|ServicePrincipal>',
        );
        process.exit(1);
      }
      if (!env.AZURE_PRINCIPAL_TYPE) azdEnvSet('AZURE_PRINCIPAL_TYPE', who.type);
      if (!env.AZURE_PRINCIPAL_NAME) {
        if (!who.name) {
          console.error(
            'AZURE_PRINCIPAL_NAME is empty: azd env set AZURE_PRINCIPAL_NAME <display name of the signed-in service principal>',
          );
          process.exit(1);
        }
        azdEnvSet('AZURE_PRINCIPAL_NAME', who.name);
      }
    }
    if (!env.DEMITON_DEPLOYER_IP) {
      // The server accepts Azure services only; the database hook connects from this machine.
      const ip = (
        await fetch('https://api.ipify.org', { signal: AbortSignal.timeout(10_000) })
          .then((r) => r.text())
          .catch(() => '')
      ).trim();
      if (/^\d{1,3}(\.\d{1,3}){3}$/.test(ip)) azdEnvSet('DEMITON_DEPLOYER_IP', ip);
      else
        console.warn(
          "Could not tell this machine's public IPv4 address: azd env set DEMITON_DEPLOYER_IP <address> for the database hook to reach PostgreSQL.",
        );
    }
  } else if (hook === 'database') {
    try {
      await setUpDatabase(env);
    } catch (err) {
      console.error(`database: ${err instanceof Error ? err.message : String(err)}`);
      process.exit(1);
    }
  } else if (hook === 'postdown') {
    azdEnvSet('DEMITON_DEPLOYMENT_ID', '');
  } else {
    console.error('usage: node scripts/azd-hooks.mjs preprovision|database|postdown');
    process.exit(2);
  }
}

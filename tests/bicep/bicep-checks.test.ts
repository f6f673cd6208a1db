/**
 * Offline checks of the Azure templates (no Bicep compiler can be downloaded here): every file
 * parses, modules are vendored and called with the parameters they declare, the parameters file
 * matches main.bicep, API versions come from the allowlist, and the Function App's settings
 * cover the configuration schema and load as a production configuration.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { envSchema, loadConfig } from '../../shared/config';
import { API_VERSION_ALLOWLIST } from './api-versions';
import {
  literalString,
  modules,
  params,
  parseBicep,
  parseBicepFile,
  resources,
  syntaxErrors,
  variableObjectKeys,
  type SyntaxNode,
} from './bicep-source';
import { HOST_SETTINGS, LEFT_TO_DEFAULT, SAMPLE_VALUES } from './deployed-settings';

const ROOT = resolve(__dirname, '..', '..');
const BICEP = join(ROOT, 'bicep');

function bicepFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? bicepFiles(join(dir, e.name)) : e.name.endsWith('.bicep') ? [join(dir, e.name)] : [],
  );
}

const files = bicepFiles(BICEP);
const trees = new Map<string, SyntaxNode>(files.map((f) => [f, parseBicepFile(f)]));
const rel = (f: string) => relative(ROOT, f);

/** Problems with module references in one file: registry references, missing files, unknown or missing params. */
function moduleProblems(file: string, root: SyntaxNode, load: (path: string) => SyntaxNode | null): string[] {
  const out: string[] = [];
  for (const m of modules(root)) {
    if (/^(br|ts)[:/]/.test(m.path)) {
      out.push(`${rel(file)}:${m.line} module '${m.symbol}' references a registry ('${m.path}'); vendor it under bicep/modules`);
      continue;
    }
    const target = load(resolve(dirname(file), m.path));
    if (!target) {
      out.push(`${rel(file)}:${m.line} module '${m.symbol}': file '${m.path}' does not exist`);
      continue;
    }
    const declared = params(target);
    for (const p of m.params)
      if (!declared.some((d) => d.name === p))
        out.push(`${rel(file)}:${m.line} module '${m.symbol}' passes '${p}', which ${m.path} does not declare`);
    for (const d of declared)
      if (!d.hasDefault && !m.params.includes(d.name))
        out.push(`${rel(file)}:${m.line} module '${m.symbol}' does not pass required param '${d.name}'`);
  }
  return out;
}

function apiVersionProblems(file: string, root: SyntaxNode): string[] {
  return resources(root).flatMap((r) => {
    const allowed = API_VERSION_ALLOWLIST[r.type];
    if (!allowed) return [`${rel(file)}:${r.line} resource '${r.symbol}': type '${r.type}' is not in tests/bicep/api-versions.ts`];
    if (!allowed.includes(r.apiVersion))
      return [`${rel(file)}:${r.line} resource '${r.symbol}': ${r.type}@${r.apiVersion} is not an allowed version (${allowed.join(', ')})`];
    return [];
  });
}

const functionApp = trees.get(join(BICEP, 'modules', 'function-app.bicep'))!;
const settings = variableObjectKeys(functionApp, (name) => name.endsWith('Settings'));
const schemaKeys = Object.keys(envSchema.shape);

describe('bicep templates (offline)', () => {
  it('finds main.bicep and its modules', () => {
    expect(files.map(rel)).toContain('bicep/main.bicep');
    expect(files.length).toBeGreaterThan(5);
  });

  it.each(files.map((f) => [rel(f), f]))('%s parses without syntax errors', (_name, f) => {
    expect(syntaxErrors(trees.get(f)!)).toEqual([]);
  });

  it('the parser reports broken Bicep (the check can fail)', () => {
    expect(syntaxErrors(parseBicep("param a string = {\nresource r 'X/y@2020-01-01' = {"))).not.toEqual([]);
  });

  it('modules are vendored files called with the parameters they declare', () => {
    const problems = files.flatMap((f) => moduleProblems(f, trees.get(f)!, (p) => trees.get(p) ?? null));
    expect(problems).toEqual([]);
  });

  it('the module check rejects registry references, unknown files and wrong params', () => {
    const main = parseBicep(
      [
        "module a 'br/public:avm/res/storage/storage-account:0.9.0' = { name: 'a' }",
        "module b 'ts:0000/rg/spec:1.0' = { name: 'b' }",
        "module c 'modules/nope.bicep' = { name: 'c' }",
        "module d 'modules/identity.bicep' = { name: 'd', params: { name: 'x', colour: 'red' } }",
      ].join('\n'),
    );
    const problems = moduleProblems(join(BICEP, 'main.bicep'), main, (p) => trees.get(p) ?? null);
    expect(problems.join('\n')).toMatch(/references a registry \('br\/public/);
    expect(problems.join('\n')).toMatch(/references a registry \('ts:/);
    expect(problems.join('\n')).toMatch(/'modules\/nope.bicep' does not exist/);
    expect(problems.join('\n')).toMatch(/passes 'colour'/);
    expect(problems.join('\n')).toMatch(/does not pass required param 'location'/);
  });

  it('no file references a registry module anywhere', () => {
    for (const f of files) expect(readFileSync(f, 'utf8'), rel(f)).not.toMatch(/'(br|ts)[:/][^']*'/);
  });

  it('main.parameters.json sets only declared parameters and every required one', () => {
    const declared = params(trees.get(join(BICEP, 'main.bicep'))!);
    const file = JSON.parse(readFileSync(join(BICEP, 'main.parameters.json'), 'utf8')) as {
      parameters: Record<string, { value: unknown }>;
    };
    const given = Object.keys(file.parameters);
    expect(given.filter((g) => !declared.some((d) => d.name === g))).toEqual([]);
    expect(declared.filter((d) => !d.hasDefault && !given.includes(d.name)).map((d) => d.name)).toEqual([]);
    // Literal values must be among a parameter's @allowed values.
    for (const d of declared) {
      const v = file.parameters[d.name]?.value;
      if (d.allowed && typeof v === 'string' && !v.includes('${')) expect(d.allowed, d.name).toContain(v);
    }
    // Secrets come from the azd environment or are generated, never written in the file.
    for (const d of declared.filter((x) => x.secure)) {
      const v = file.parameters[d.name]?.value;
      if (v !== undefined) expect(String(v), d.name).toMatch(/^\$[({]/);
    }
  });

  it('every resource uses an allowed GA API version', () => {
    expect(files.flatMap((f) => apiVersionProblems(f, trees.get(f)!))).toEqual([]);
    for (const versions of Object.values(API_VERSION_ALLOWLIST)) for (const v of versions) expect(v).not.toMatch(/preview/);
  });

  it('the API version check rejects unknown types and versions', () => {
    const t = parseBicep(
      "resource a 'Microsoft.Web/sites@2018-11-01' = { name: 'a' }\nresource b 'Contoso.Made/up@2024-01-01' = { name: 'b' }",
    );
    const problems = apiVersionProblems(join(BICEP, 'x.bicep'), t);
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/Microsoft.Web\/sites@2018-11-01 is not an allowed version/);
    expect(problems[1]).toMatch(/'Contoso.Made\/up' is not in/);
  });

  it('every configuration variable is set by the Function App or deliberately left to its default', () => {
    const undecided = schemaKeys.filter((k) => !settings.has(k) && !(k in LEFT_TO_DEFAULT));
    expect(undecided, 'add each to bicep/modules/function-app.bicep or, with a reason, to tests/bicep/deployed-settings.ts').toEqual([]);
    const both = Object.keys(LEFT_TO_DEFAULT).filter((k) => settings.has(k));
    expect(both, 'set by the Bicep but listed as left to default').toEqual([]);
    const stale = Object.keys(LEFT_TO_DEFAULT).filter((k) => !schemaKeys.includes(k));
    expect(stale, 'listed in deployed-settings.ts but no longer in envSchema').toEqual([]);
  });

  it('variables the schema requires (no default, not optional) are set', () => {
    const required = schemaKeys.filter((k) => !envSchema.shape[k as keyof typeof envSchema.shape].safeParse(undefined).success);
    expect(required.filter((k) => !settings.has(k))).toEqual([]);
  });

  it('the Function App sets no unknown variable (a typo would be ignored silently)', () => {
    expect([...settings.keys()].filter((k) => !schemaKeys.includes(k) && !HOST_SETTINGS.has(k))).toEqual([]);
  });

  it('the deployed settings load as a production configuration', () => {
    const env: Record<string, string> = {};
    for (const [k, v] of settings) {
      if (HOST_SETTINGS.has(k)) continue;
      const literal = literalString(v);
      const value = literal ?? SAMPLE_VALUES[k];
      expect(value, `${k} is computed in the Bicep: give a sample value in tests/bicep/deployed-settings.ts`).toBeDefined();
      env[k] = value!;
    }
    const config = loadConfig(env);
    expect(config.devMode).toBe(false);
    expect(config.database).toMatchObject({
      kind: 'postgres',
      auth: { kind: 'entra', user: 'id-demiton', clientId: SAMPLE_VALUES['AZURE_CLIENT_ID'] },
    });
    expect(config.queue).toMatchObject({ kind: 'redis', auth: { kind: 'entra', user: SAMPLE_VALUES['REDIS_ENTRA_USER'] } });
    expect(config.worker.enabled).toBe(true);
    expect(config.telemetry.exporter).toBe('azure-monitor');
    expect(config.serviceBus.triggers).toHaveLength(1);
  });

  it("the worker's Node arguments are the same in the Function App, `npm run worker` and the bench", () => {
    const deployed = literalString(settings.get('languageWorkers__node__arguments')!);
    expect(deployed).toBe('--max-old-space-size=1024');
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts['worker']).toContain(`node ${deployed} dist/functions/worker-main.js`);
    expect(readFileSync(join(ROOT, 'bench', 'processes.mjs'), 'utf8')).toContain(`WORKER_NODE_ARGS = ['${deployed}']`);
  });

  it('secrets reach the app as Key Vault references, not values', () => {
    expect(settings.get('ENTRA_CLIENT_SECRET')?.text).toMatch(/^kvRef\(/);
    const text = readFileSync(join(BICEP, 'modules', 'function-app.bicep'), 'utf8');
    expect(text).toMatch(/keyVaultReferenceIdentity: identityId/);
    for (const k of ['AZURE_OPENAI_API_KEY', 'AZURE_SEARCH_API_KEY', 'AZURE_STORAGE_CONNECTION_STRING', 'LLM_API_KEY'])
      expect(settings.has(k), k).toBe(false);
  });

  it('PostgreSQL and Redis are signed in to with the managed identity: no password or key anywhere', () => {
    expect(literalString(settings.get('DATABASE_AUTH')!)).toBe('entra');
    expect(literalString(settings.get('REDIS_AUTH')!)).toBe('entra');
    for (const k of ['DATABASE_URL', 'REDIS_URL', 'DATABASE_ENTRA_USER', 'REDIS_ENTRA_USER', 'AZURE_CLIENT_ID'])
      expect(settings.get(k)?.text, k).not.toMatch(/kvRef|listKeys|Password|password/);
    const pgText = readFileSync(join(BICEP, 'modules', 'postgres.bicep'), 'utf8');
    expect(pgText).toMatch(/activeDirectoryAuth: 'Enabled'/);
    expect(pgText).toMatch(/Microsoft\.DBforPostgreSQL\/flexibleServers\/administrators@/);
    expect(pgText).toMatch(/principalType: adminPrincipalType/);
    expect(pgText).toMatch(/output databaseUrl string = 'postgresql:\/\/\$\{[^}]+\}:5432\/\$\{databaseName\}\?sslmode=require'/);
    expect(pgText).toMatch(/output entraUser string = appIdentityName/);
    const redisText = readFileSync(join(BICEP, 'modules', 'redis.bicep'), 'utf8');
    // Keys exist only for the optional Container Apps worker's KEDA scaler, never for the app.
    expect(redisText).toMatch(/accessKeysAuthentication: accessKeysForScaler \? 'Enabled' : 'Disabled'/);
    expect(readFileSync(join(BICEP, 'main.bicep'), 'utf8')).toMatch(/accessKeysForScaler: deployWorkerContainerApp/);
    expect(redisText).toMatch(/Microsoft\.Cache\/redisEnterprise\/databases\/accessPolicyAssignments@/);
    expect(redisText).toMatch(/user: \{ objectId: identityPrincipalId \}/);
    expect(redisText).not.toMatch(/listKeys/);
    expect(redisText).toMatch(/output redisUrl string = 'rediss:\/\//);
    // main.bicep hands the identity's name and object id to the modules and the app.
    const main = readFileSync(join(BICEP, 'main.bicep'), 'utf8');
    expect(main).toMatch(/databaseEntraUser: postgres\.outputs\.entraUser/);
    expect(main).toMatch(/redisEntraUser: redis\.outputs\.entraUser/);
  });

  it('the Function App runs on Elastic Premium, Linux, Node 22, with an always-ready instance', () => {
    const text = readFileSync(join(BICEP, 'modules', 'function-app.bicep'), 'utf8');
    expect(text).toMatch(/tier: 'ElasticPremium'/);
    expect(text).toMatch(/reserved: true/);
    expect(text).toMatch(/linuxFxVersion: 'Node\|22'/);
    expect(text).toMatch(/minimumElasticInstanceCount: alwaysReadyInstances/);
    const fa = params(functionApp).find((p) => p.name === 'alwaysReadyInstances');
    expect(fa?.hasDefault).toBe(true);
  });

  it('azure.yaml points azd at bicep/main.bicep', () => {
    const yaml = readFileSync(join(ROOT, 'azure.yaml'), 'utf8');
    expect(yaml).toMatch(/path: bicep/);
    expect(yaml).toMatch(/module: main/);
    expect(existsSync(join(BICEP, 'main.bicep'))).toBe(true);
    expect(yaml).toMatch(/host: function/);
    expect(yaml).toMatch(/host: staticwebapp/);
  });

  it('the deployment workflow passes every required parameter of main.bicep, and only declared ones', () => {
    const wf = readFileSync(join(ROOT, '.github', 'workflows', 'deploy.yml'), 'utf8');
    const declared = params(trees.get(join(BICEP, 'main.bicep'))!);
    const creates = wf.split('az deployment group create').slice(1);
    expect(creates.length).toBeGreaterThan(0);
    for (const cmd of creates) {
      const block = cmd.split('\n\n')[0]!.split(/\n\s*- name:/)[0]!;
      const passed = [...block.matchAll(/(?:-p\s+|\s)([A-Za-z]+)="/g)].map((m) => m[1]!);
      expect(passed.filter((p) => !declared.some((d) => d.name === p))).toEqual([]);
      expect(declared.filter((d) => !d.hasDefault && !passed.includes(d.name)).map((d) => d.name)).toEqual([]);
    }
    expect(wf).toMatch(/-f bicep\/main\.bicep/);
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    for (const m of wf.matchAll(/npm (?:run )?(test|build[\w:]*)\b/g)) expect(pkg.scripts[m[1]!], m[1]).toBeDefined();
  });
});

/**
 * The two PostgreSQL logins in the templates (docs/deploy.md, "Two PostgreSQL logins"): the
 * server's Entra administrator, which owns the schema and migrates, is the deploying principal,
 * never the Function App's managed identity; the app signs in (DATABASE_ENTRA_USER) as its
 * identity's own login, which the azd `database` hook creates and grants `demiton_app` before the
 * code is deployed. Read from the syntax trees, so a swap of the two fails here.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { declarationBody, params, parseBicepFile, property, type SyntaxNode } from './bicep-source';

const ROOT = resolve(__dirname, '..', '..');
const main = parseBicepFile(join(ROOT, 'bicep', 'main.bicep'));
const postgres = parseBicepFile(join(ROOT, 'bicep', 'modules', 'postgres.bicep'));
const functionApp = parseBicepFile(join(ROOT, 'bicep', 'modules', 'function-app.bicep'));
const text = (n: SyntaxNode | null) => n?.text ?? '';
const moduleParam = (symbol: string, key: string) => text(property(property(declarationBody(main, symbol), 'params'), key));

/** Follows one module output back to the expression it is (`output x string = expr`). */
function outputExpr(root: SyntaxNode, name: string): string {
  const decl = root.namedChildren.find((n) => n.type === 'output_declaration' && n.namedChildren[0]?.text === name);
  return text(decl?.namedChildren.at(-1) ?? null);
}

describe('PostgreSQL: the administrator migrates, the app is a least-privilege login', () => {
  const admin = property(declarationBody(postgres, 'entraAdmin'), 'properties');

  it('the Entra administrator is the deploying principal, not the app identity', () => {
    expect(text(property(declarationBody(postgres, 'entraAdmin'), 'name'))).toBe('adminPrincipalId');
    expect(text(property(admin, 'principalName'))).toBe('adminPrincipalName');
    expect(text(property(admin, 'principalType'))).toBe('adminPrincipalType');
    expect(moduleParam('postgres', 'adminPrincipalId')).toBe('databaseAdminPrincipalId');
    expect(moduleParam('postgres', 'adminPrincipalName')).toBe('databaseAdminPrincipalName');
    // Nothing of the identity module reaches the administrator: only its name, as the app login.
    for (const key of ['adminPrincipalId', 'adminPrincipalName', 'adminPrincipalType'])
      expect(moduleParam('postgres', key), key).not.toMatch(/identity\./);
    expect(moduleParam('postgres', 'appIdentityName')).toBe('identity.outputs.name');
    expect(text(declarationBody(postgres, 'entraAdmin'))).not.toMatch(/appIdentityName/);
    // azd fills the administrator from the signed-in principal; the parameters have no default.
    const declared = params(main);
    for (const p of ['databaseAdminPrincipalId', 'databaseAdminPrincipalName'])
      expect(declared.find((d) => d.name === p)?.hasDefault, p).toBe(false);
    const file = JSON.parse(readFileSync(join(ROOT, 'bicep', 'main.parameters.json'), 'utf8')) as {
      parameters: Record<string, { value: string }>;
    };
    expect(file.parameters['databaseAdminPrincipalId']?.value).toBe('${AZURE_PRINCIPAL_ID}');
    expect(file.parameters['databaseAdminPrincipalName']?.value).toBe('${AZURE_PRINCIPAL_NAME}');
  });

  it('DATABASE_ENTRA_USER names the app identity’s login, which is not the administrator', () => {
    const settings = /DATABASE_ENTRA_USER: (\w+)/.exec(readFileSync(join(ROOT, 'bicep', 'modules', 'function-app.bicep'), 'utf8'));
    expect(settings?.[1]).toBe('databaseEntraUser');
    expect(params(functionApp).some((p) => p.name === 'databaseEntraUser')).toBe(true);
    expect(moduleParam('functionApp', 'databaseEntraUser')).toBe('postgres.outputs.entraUser');
    expect(outputExpr(postgres, 'entraUser')).toBe('appIdentityName');
    expect(outputExpr(postgres, 'adminUser')).toBe('adminPrincipalName');
    // The hook reads both, and refuses to grant the app login when it is the administrator.
    expect(outputExpr(main, 'AZURE_POSTGRES_APP_USER')).toBe('postgres.outputs.entraUser');
    expect(outputExpr(main, 'AZURE_POSTGRES_ADMIN_USER')).toBe('postgres.outputs.adminUser');
  });

  it('azd runs the database hook before the api code is deployed, on POSIX and Windows; CI runs it too', () => {
    const yaml = parseYaml(readFileSync(join(ROOT, 'azure.yaml'), 'utf8')) as {
      services: Record<string, { hooks?: Record<string, Record<string, { run: string }>> }>;
    };
    const predeploy = yaml.services['api']?.hooks?.['predeploy'];
    expect(predeploy?.['posix']?.run).toBe('node ../../scripts/azd-hooks.mjs database');
    expect(predeploy?.['windows']?.run).toBe('node ../../scripts/azd-hooks.mjs database');
    const wf = readFileSync(join(ROOT, '.github', 'workflows', 'deploy.yml'), 'utf8');
    const hookAt = wf.indexOf('node scripts/azd-hooks.mjs database');
    expect(hookAt).toBeGreaterThan(0);
    expect(hookAt).toBeLessThan(wf.indexOf('az functionapp deployment source config-zip'));
  });
});

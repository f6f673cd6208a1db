/**
 * Every resource name main.bicep builds (`var names`) is evaluated for environment names of 1 to
 * 40 characters (@maxLength(40)) and checked against its service's length and character rules
 * (https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules).
 * A small evaluator reads the Bicep expressions themselves (string interpolation, take, toLower,
 * replace, uniqueString), so the check follows the template as written.
 */
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseBicepFile, params, type SyntaxNode } from './bicep-source';

const main = parseBicepFile(join(resolve(__dirname, '..', '..'), 'bicep', 'main.bicep'));

type Value = string | number;
const functions: Record<string, (...a: Value[]) => Value> = {
  take: (s, n) => String(s).slice(0, Number(n)),
  toLower: (s) => String(s).toLowerCase(),
  replace: (s, a, b) => String(s).split(String(a)).join(String(b)),
  // uniqueString: 13 characters of [a-z0-9]; the rules are checked with the extreme of each class.
  uniqueString: () => 'z9z9z9z9z9z9z',
  subscription: () => '',
  resourceGroup: () => '',
};

function evaluate(n: SyntaxNode, scope: Record<string, Value | (() => Value)>): Value {
  switch (n.type) {
    case 'string':
      return n.namedChildren.map((c) => (c.type === 'interpolation' ? String(evaluate(c.namedChildren[0]!, scope)) : c.text)).join('');
    case 'number':
      return Number(n.text);
    case 'identifier': {
      const v = scope[n.text];
      if (v === undefined) throw new Error(`unknown identifier '${n.text}'`);
      return typeof v === 'function' ? v() : v;
    }
    case 'member_expression':
      return ''; // subscription().id, resourceGroup().id: only feed uniqueString
    case 'call_expression': {
      const fn = functions[n.namedChildren[0]!.text];
      if (!fn) throw new Error(`no evaluator for ${n.namedChildren[0]!.text}()`);
      const args = n.namedChildren[1]?.namedChildren.map((a) => evaluate(a, scope)) ?? [];
      return fn(...args);
    }
    default:
      throw new Error(`cannot evaluate ${n.type}: ${n.text}`);
  }
}

/** The resource names for one environment name. */
function namesFor(environmentName: string): Record<string, string> {
  const scope: Record<string, Value | (() => Value)> = { environmentName, deploymentId: '' };
  const out: Record<string, string> = {};
  for (const d of main.namedChildren.filter((x) => x.type === 'variable_declaration')) {
    const [id, value] = d.namedChildren;
    if (id!.text === 'names') {
      for (const p of value!.namedChildren.filter((x) => x.type === 'object_property'))
        out[p.namedChildren[0]!.text] = String(evaluate(p.namedChildren[1]!, scope));
    } else if (['suffix', 'vaultSuffix', 'env', 'short'].includes(id!.text)) {
      scope[id!.text] = evaluate(value!, scope);
    }
  }
  return out;
}

// length bounds and allowed shape per name (Azure's rules for each resource type).
// Letters, digits and hyphens, starting and ending with a letter or digit (length is checked apart).
const alnumHyphen = /^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$/;
const RULES: Record<string, { min: number; max: number; pattern: RegExp; noDoubleHyphen?: boolean }> = {
  identity: { min: 3, max: 128, pattern: /^[A-Za-z0-9][A-Za-z0-9_-]*$/ },
  workspace: { min: 4, max: 63, pattern: alnumHyphen },
  appInsights: { min: 1, max: 260, pattern: /^[^%&\\?/]+$/ },
  vnet: { min: 2, max: 64, pattern: /^[A-Za-z0-9][A-Za-z0-9._-]*[A-Za-z0-9_]$/ },
  storage: { min: 3, max: 24, pattern: /^[a-z0-9]+$/ },
  keyVault: { min: 3, max: 24, pattern: /^[A-Za-z][A-Za-z0-9-]*[A-Za-z0-9]$/, noDoubleHyphen: true },
  postgres: { min: 3, max: 63, pattern: /^[a-z0-9][a-z0-9-]*[a-z0-9]$/ },
  redis: { min: 1, max: 60, pattern: alnumHyphen, noDoubleHyphen: true },
  search: { min: 2, max: 60, pattern: /^[a-z0-9][a-z0-9-]*[a-z0-9]$/, noDoubleHyphen: true },
  openAi: { min: 2, max: 64, pattern: alnumHyphen },
  serviceBus: { min: 6, max: 50, pattern: /^[A-Za-z][A-Za-z0-9-]*[A-Za-z0-9]$/ },
  functionApp: { min: 2, max: 60, pattern: alnumHyphen },
  plan: { min: 1, max: 60, pattern: /^[A-Za-z0-9-]+$/ },
  staticWebApp: { min: 1, max: 40, pattern: /^[A-Za-z0-9][A-Za-z0-9-]*[A-Za-z0-9]$/ },
  containerAppsEnvironment: { min: 2, max: 60, pattern: /^[a-z][a-z0-9-]*[a-z0-9]$/ },
  workerApp: { min: 2, max: 32, pattern: /^[a-z][a-z0-9-]*[a-z0-9]$/, noDoubleHyphen: true },
};

/** Problems with the names of one environment name ([] when all are valid). */
function problems(environmentName: string): string[] {
  const out: string[] = [];
  for (const [key, name] of Object.entries(namesFor(environmentName))) {
    const rule = RULES[key];
    if (!rule) {
      out.push(`names.${key}: no rule in tests/bicep/resource-names.test.ts`);
      continue;
    }
    if (name.length < rule.min || name.length > rule.max)
      out.push(`names.${key} '${name}' (env '${environmentName}'): ${name.length} characters, allowed ${rule.min}-${rule.max}`);
    else if (!rule.pattern.test(name)) out.push(`names.${key} '${name}' (env '${environmentName}'): characters not allowed`);
    else if (rule.noDoubleHyphen && name.includes('--')) out.push(`names.${key} '${name}' (env '${environmentName}'): consecutive hyphens`);
  }
  return out;
}

// azd environment names: letters, digits and single hyphens, starting with a letter.
const ENVIRONMENT_NAMES = [
  'a',
  'dev',
  'demiton-prod',
  'Demiton-Prod-WestEurope',
  ...Array.from({ length: 40 }, (_, i) => 'x'.repeat(i + 1)),
  ...Array.from({ length: 39 }, (_, i) => `${'a'.repeat(i + 1)}-${'b'.repeat(39 - i - 1)}`.slice(0, 40)).filter((n) => !n.endsWith('-')),
  'abcdefghijklmnopqrst-uvwxyz0123456789abc',
];

describe('resource names (main.bicep `names`)', () => {
  it('the environment name is limited to 1-40 characters', () => {
    const env = params(main).find((p) => p.name === 'environmentName');
    expect(env).toBeDefined();
    const decl = main.namedChildren.find((n) => n.type === 'parameter_declaration' && n.namedChildren[0]?.text === 'environmentName')!;
    expect(decl.previousNamedSibling?.text).toMatch(/@minLength\(1\)[\s\S]*@maxLength\(40\)/);
  });

  it('every name fits its service for every allowed environment name', () => {
    expect(ENVIRONMENT_NAMES.flatMap(problems)).toEqual([]);
  });

  it('the check fails for a name rule broken on purpose (the evaluator reads the template)', () => {
    const names = namesFor('abcdefghijklmnopqrst-uvwxyz0123456789abc');
    expect(names['storage']).toBe(`stabcdefghijklmnopqrstuv`);
    expect(names['keyVault']).toHaveLength(24);
    // The templates as they were: a 40-character environment name broke these.
    expect(`stapp-${'x'.repeat(40)}-z9z9z9z9z9z9z`.length).toBeGreaterThan(RULES['staticWebApp']!.max);
    expect(`sb-${'x'.repeat(40)}-z9z9z9z9z9z9z`.length).toBeGreaterThan(RULES['serviceBus']!.max);
    expect(RULES['keyVault']!.pattern.test(`kv-${'x'.repeat(20)}-`.slice(0, 24))).toBe(false);
  });
});

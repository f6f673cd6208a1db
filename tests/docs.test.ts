/** Documentation stays true to the code: every setting the config schema reads is documented and listed for `func start`. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { envSchema } from '../shared/config';

const root = join(__dirname, '..');
const keys = Object.keys(envSchema.shape);

describe('configuration documentation', () => {
  it('docs/configuration.md documents every variable the config schema reads', () => {
    const doc = readFileSync(join(root, 'docs', 'configuration.md'), 'utf8');
    expect(keys.filter((k) => !doc.includes(`\`${k}\``))).toEqual([]);
  });

  it('local.settings.example.json lists every variable', () => {
    const settings = JSON.parse(readFileSync(join(root, 'local.settings.example.json'), 'utf8')) as { Values: Record<string, string> };
    expect(keys.filter((k) => !(k in settings.Values))).toEqual([]);
  });

  it('the README quick start holds the two commands, and .ci/run calls the test one', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const quick = readme.slice(readme.indexOf('## Quick start'), readme.indexOf('## Quick start') + 600);
    expect(quick).toContain('npm start');
    expect(quick).toContain('npm test');
    expect(readFileSync(join(root, '.ci', 'run'), 'utf8')).toMatch(/^npm test$/m);
  });
});

describe('benchmarks documentation', () => {
  it("docs/benchmarks.md stays under 120 lines, with the run's every figure in docs/benchmarks.jsonl", () => {
    const doc = readFileSync(join(root, 'docs', 'benchmarks.md'), 'utf8');
    expect(doc.split('\n').length).toBeLessThan(120);
    expect(doc).toContain('(benchmarks.jsonl)');
    const lines = readFileSync(join(root, 'docs', 'benchmarks.jsonl'), 'utf8')
      .trimEnd()
      .split('\n');
    const scenarios = lines.map((l) => (JSON.parse(l) as { scenario: string }).scenario);
    expect(scenarios[0]).toBe('machine');
    expect(scenarios).toContain('baseline-pg-boss');
  });
});

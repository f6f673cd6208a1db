/**
 * The CLI and the authoring helper are clients of the control plane: they import the public shapes
 * (`shared/domain`), the generated API types and the studio's SSE parser, never the engine,
 * store, platform or the Functions entry points, so `demiton` runs without a database or queue.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve, dirname } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(__dirname, '..');
const ALLOWED = [/^shared\/domain\//, /^cli\//, /^sdk\//, /^studio\/src\/api\/schema$/, /^studio\/src\/services\/sse-parser$/];

function sources(dir: string): string[] {
  return readdirSync(join(root, dir))
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
    .map((f) => join(root, dir, f));
}

describe('cli/ and sdk/ boundaries', () => {
  it('import only shared/domain, each other, the generated API types and the SSE parser', () => {
    const bad: string[] = [];
    for (const file of [...sources('cli'), ...sources('sdk')]) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/from\s+'(\.[^']+)'|import\('(\.[^']+)'\)/g)) {
        const target = relative(root, resolve(dirname(file), m[1] ?? m[2]!)).replace(/\.(ts|js)$/, '');
        if (!ALLOWED.some((a) => a.test(target))) bad.push(`${relative(root, file)} → ${target}`);
      }
    }
    expect(bad).toEqual([]);
  });
});

/**
 * Dependencies point one way: functions/ → shared/ → shared/domain. `shared/` never imports
 * `@azure/functions` or `functions/`, `shared/domain` imports nothing else of ours, and no module
 * import cycle exists (type-only imports included: they still couple the modules).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(__dirname, '..');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) return f === 'node_modules' ? [] : files(p);
    return p.endsWith('.ts') && !p.endsWith('.test.ts') && !p.endsWith('.d.ts') ? [p] : [];
  });
}

const sources = [...files(join(root, 'shared')), ...files(join(root, 'functions'))];
const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|require\(\s*['"]([^'"]+)['"]\s*\)/g;

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(IMPORT)].map((m) => m[1] ?? m[2] ?? m[3]!).filter(Boolean);
}

function resolveLocal(from: string, spec: string): string | null {
  if (!spec.startsWith('.')) return null;
  const base = resolve(dirname(from), spec);
  for (const c of [`${base}.ts`, join(base, 'index.ts')]) {
    try {
      if (statSync(c).isFile()) return c;
    } catch {
      /* next */
    }
  }
  return null;
}

const graph = new Map<string, string[]>(sources.map((f) => [f, importsOf(f).map((s) => resolveLocal(f, s)).filter((x): x is string => !!x)]));
const rel = (f: string) => relative(root, f);

describe('architecture', () => {
  it('shared/ never imports @azure/functions or functions/', () => {
    const bad = sources
      .filter((f) => rel(f).startsWith('shared/'))
      .flatMap((f) => importsOf(f).filter((s) => s.startsWith('@azure/functions') || (resolveLocal(f, s) ?? '').startsWith(join(root, 'functions'))).map((s) => `${rel(f)} → ${s}`));
    expect(bad).toEqual([]);
  });

  it('shared/domain imports no other module of ours', () => {
    const bad = sources
      .filter((f) => rel(f).startsWith('shared/domain/'))
      .flatMap((f) => graph.get(f)!.filter((t) => !rel(t).startsWith('shared/domain/')).map((t) => `${rel(f)} → ${rel(t)}`));
    expect(bad).toEqual([]);
  });

  it('has no import cycles', () => {
    // Tarjan's strongly connected components; any component of more than one module is a cycle.
    let index = 0;
    const idx = new Map<string, number>();
    const low = new Map<string, number>();
    const stack: string[] = [];
    const on = new Set<string>();
    const cycles: string[][] = [];
    const visit = (v: string) => {
      idx.set(v, index);
      low.set(v, index++);
      stack.push(v);
      on.add(v);
      for (const w of graph.get(v) ?? []) {
        if (!idx.has(w)) {
          visit(w);
          low.set(v, Math.min(low.get(v)!, low.get(w)!));
        } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
      }
      if (low.get(v) === idx.get(v)) {
        const comp: string[] = [];
        let w: string;
        do {
          w = stack.pop()!;
          on.delete(w);
          comp.push(rel(w));
        } while (w !== v);
        if (comp.length > 1) cycles.push(comp.sort());
      }
    };
    for (const f of graph.keys()) if (!idx.has(f)) visit(f);
    expect(cycles).toEqual([]);
  });
});

/**
 * Dependencies point one way: functions/ → shared/ → shared/domain. `shared/` never imports
 * `@azure/functions` or `functions/`, `shared/domain` imports nothing else of ours, no module
 * import cycle exists (type-only imports included: they still couple the modules), and the folders
 * of `shared/` import only folders of their own rank or below (RANKS), with no cycle between folders.
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
const IMPORT =
  /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|require\(\s*['"]([^'"]+)['"]\s*\)/g;

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

const graph = new Map<string, string[]>(
  sources.map((f) => [
    f,
    importsOf(f)
      .map((s) => resolveLocal(f, s))
      .filter((x): x is string => !!x),
  ]),
);
const rel = (f: string) => relative(root, f);

/**
 * Folder ranks, highest first; a folder may import its own rank and the ranks below. `platform`
 * (shared/platform.ts) is the composition root: it builds every service, and only the entry points
 * and the application services of rank 1 take it. docs/architecture.md lists the same table.
 */
export const RANKS: ReadonlyArray<readonly string[]> = [
  ['functions', 'platform'],
  ['engine', 'ai', 'hq', 'schedules', 'triggers'],
  ['connectors', 'adapters', 'auth', 'business-objects'],
  ['store', 'queue', 'http', 'network', 'ai-models', 'ai-services'],
  ['db', 'redis'],
  ['managed-identity'],
  ['domain'],
];
/** Usable from every folder; they import only each other and `domain`. */
export const ANYWHERE = ['config', 'ai-config', 'logger', 'observability'];

/**
 * Units ranked apart from the folder they sit in: the outbound network policy is adapter
 * infrastructure that the AI's model clients also connect through; the AI's model clients and its
 * services (document index, conversations, stream gate, context) are what the assistant (rank 1),
 * the engine's task services and the cognitive adapters (rank 2) all use.
 */
const UNITS: ReadonlyArray<readonly [RegExp, string]> = [
  [/^shared\/adapters\/network-policy\.ts$/, 'network'],
  [/^shared\/ai\/(llm|embeddings)\/|^shared\/ai\/ai-errors\.ts$/, 'ai-models'],
  [/^shared\/ai\/(documents|search|conversations|gate|context)\/|^shared\/ai\/ai-services\.ts$/, 'ai-services'],
];

/** The unit a file belongs to: its folder of `shared/` (or top-level module), `functions`, or a unit of UNITS. */
function folderOf(file: string): string {
  const r = rel(file);
  const unit = UNITS.find(([re]) => re.test(r));
  if (unit) return unit[1];
  const parts = r.split('/');
  if (parts[0] === 'functions') return 'functions';
  return parts.length === 2 ? parts[1]!.replace(/\.ts$/, '') : parts[1]!;
}
const rankOf = (folder: string) => RANKS.findIndex((r) => r.includes(folder));

describe('architecture', () => {
  it('shared/ never imports @azure/functions or functions/', () => {
    const bad = sources
      .filter((f) => rel(f).startsWith('shared/'))
      .flatMap((f) =>
        importsOf(f)
          .filter((s) => s.startsWith('@azure/functions') || (resolveLocal(f, s) ?? '').startsWith(join(root, 'functions')))
          .map((s) => `${rel(f)} → ${s}`),
      );
    expect(bad).toEqual([]);
  });

  it('shared/domain imports no other module of ours', () => {
    const bad = sources
      .filter((f) => rel(f).startsWith('shared/domain/'))
      .flatMap((f) =>
        graph
          .get(f)!
          .filter((t) => !rel(t).startsWith('shared/domain/'))
          .map((t) => `${rel(f)} → ${rel(t)}`),
      );
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

  it('gives every folder of shared/ a rank or an anywhere place', () => {
    const unranked = [...new Set(sources.map(folderOf))].filter((f) => rankOf(f) < 0 && !ANYWHERE.includes(f));
    expect(unranked).toEqual([]);
  });

  it('imports only along the folder ranks', () => {
    const bad: string[] = [];
    for (const [file, targets] of graph) {
      const from = folderOf(file);
      for (const t of targets) {
        const to = folderOf(t);
        if (from === to) continue;
        if (ANYWHERE.includes(from)) {
          if (!ANYWHERE.includes(to) && to !== 'domain')
            bad.push(`${rel(file)} → ${rel(t)} (${from} may import only domain and ${ANYWHERE.join(', ')})`);
        } else if (to === 'platform' && rankOf(from) === 1) {
          // The application services still take the whole Platform (a type): the debt the
          // 'platform is a type only' test below keeps from growing into anything more.
        } else if (!ANYWHERE.includes(to) && rankOf(to) < rankOf(from)) bad.push(`${rel(file)} → ${rel(t)} (${from} ranks below ${to})`);
      }
    }
    expect(bad).toEqual([]);
  });

  it('has no cycle between folders', () => {
    const edges = new Map<string, Set<string>>();
    // Edges into the composition root are the rank-1 services' Platform type (see above).
    for (const [file, targets] of graph)
      for (const t of targets)
        if (folderOf(file) !== folderOf(t) && folderOf(t) !== 'platform')
          (edges.get(folderOf(file)) ?? edges.set(folderOf(file), new Set()).get(folderOf(file))!).add(folderOf(t));
    const cycles: string[] = [];
    const walk = (node: string, path: string[]) => {
      if (path.includes(node)) return void cycles.push([...path.slice(path.indexOf(node)), node].join(' → '));
      for (const next of edges.get(node) ?? []) walk(next, [...path, node]);
    };
    for (const node of edges.keys()) walk(node, []);
    expect(cycles).toEqual([]);
  });

  it('outside the entry points, shared/platform.ts is imported as a type only', () => {
    const bad = sources
      .filter((f) => folderOf(f) !== 'functions' && folderOf(f) !== 'platform')
      .flatMap((f) =>
        [...readFileSync(f, 'utf8').matchAll(/^import (type )?\{[^}]*\} from '(?:\.\.\/)+platform';$/gm)]
          .filter((m) => !m[1])
          .map(() => rel(f)),
      );
    expect(bad).toEqual([]);
  });

  it('modules in shared/ take what they use of the platform (a Pick or their own deps), never the whole Platform', () => {
    // A parameter, field or map key typed as the whole `Platform` would let a module reach any
    // service; `Pick<Platform, …>` names the few it uses, and the compiler holds it to them.
    const bad = sources
      .filter((f) => rel(f).startsWith('shared/') && folderOf(f) !== 'platform')
      .flatMap((f) =>
        readFileSync(f, 'utf8')
          .split('\n')
          .map((line, i) => ({ line, at: `${rel(f)}:${i + 1}` }))
          .filter(({ line }) => /(?::\s*|<\s*)Platform\b(?!\s*[[<])/.test(line.replace(/Pick<Platform,/g, '')))
          .map(({ at, line }) => `${at}: ${line.trim()}`),
      );
    expect(bad).toEqual([]);
  });
});

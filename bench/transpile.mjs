/**
 * A type-check-free build of functions/ and shared/ into another directory, with TypeScript's own
 * `transpileModule` (about a second, against ~40 s for `tsc` on this machine). The bench's smoke
 * test runs its worker and control-plane processes from it, so it always tests the current source;
 * `npm run bench` itself runs on the real `npm run build:server` output in dist/.
 *
 *   node bench/transpile.mjs <source root> <out dir>
 */
import { cpSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';

const require = createRequire(import.meta.url);

function* files(dir) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) yield* files(p);
    else yield p;
  }
}

/**
 * Transpiles every non-test .ts file under `<from>/functions` and `<from>/shared` to CommonJS in
 * `to` (same layout as dist/) and copies the files read at run time (SQL migrations, JSON, Lua scripts). `to` must sit inside the repository
 * so that `require` finds node_modules.
 */
export function transpileTree(from, to) {
  const ts = require('typescript');
  const options = { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2023, esModuleInterop: true, sourceMap: false };
  let count = 0;
  for (const top of ['functions', 'shared']) {
    for (const file of files(join(from, top))) {
      const rel = relative(from, file);
      if (file.endsWith('.sql') || file.endsWith('.json') || file.endsWith('.lua')) {
        mkdirSync(dirname(join(to, rel)), { recursive: true });
        cpSync(file, join(to, rel));
        continue;
      }
      if (!file.endsWith('.ts') || file.endsWith('.test.ts') || file.endsWith('.d.ts')) continue;
      const out = ts.transpileModule(readFileSync(file, 'utf8'), { compilerOptions: options, fileName: file }).outputText;
      mkdirSync(dirname(join(to, rel)), { recursive: true });
      writeFileSync(join(to, rel.replace(/\.ts$/, '.js')), out);
      count++;
    }
  }
  return count;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const [from, to] = process.argv.slice(2);
  if (!from || !to) {
    console.error('usage: node bench/transpile.mjs <source root> <out dir>');
    process.exit(2);
  }
  console.log(`${transpileTree(from, to)} files → ${to}`);
}

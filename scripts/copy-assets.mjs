// Copies the non-TypeScript files the compiled server reads at run time into dist/, at the same
// paths: the SQL migrations and the Redis Lua scripts (*.lua beside the modules that run them).
import { cpSync, mkdirSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';

mkdirSync('dist/shared/db/migrations', { recursive: true });
cpSync('shared/db/migrations', 'dist/shared/db/migrations', { recursive: true });

for (const entry of readdirSync('shared', { recursive: true, withFileTypes: true })) {
  if (!entry.isFile() || !entry.name.endsWith('.lua')) continue;
  const from = join(entry.parentPath, entry.name);
  const to = join('dist', from);
  mkdirSync(dirname(to), { recursive: true });
  cpSync(from, to);
}

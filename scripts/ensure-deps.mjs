// Installs npm dependencies when node_modules is missing or older than package-lock.json,
// so `npm start` works straight after cloning. Uses only Node built-ins.
import { existsSync, statSync } from 'node:fs';
import { execSync } from 'node:child_process';
const marker = 'node_modules/.package-lock.json';
const stale = !existsSync(marker) || statSync('package-lock.json').mtimeMs > statSync(marker).mtimeMs + 1000;
if (stale) {
  console.log('Installing dependencies (npm ci)…');
  execSync('npm ci --no-audit --no-fund', { stdio: 'inherit' });
}

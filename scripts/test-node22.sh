#!/usr/bin/env bash
# `npm run test:node22 [vitest args]`: the suite on Node 22, the version Azure Functions runs,
# while the machine's own Node (20) stays the one `npm test` uses. Node 22 comes from the `node`
# npm package, installed apart in tools/node22 (its own package.json and lock) on first use, and
# is put first on PATH for everything below, so vitest's workers and the process tests run on it.
set -euo pipefail
cd "$(dirname "$0")/.."
node scripts/ensure-deps.mjs
[ -x tools/node22/node_modules/.bin/node ] || npm ci --prefix tools/node22 --no-audit --no-fund
export PATH="$PWD/tools/node22/node_modules/.bin:$PATH"
echo "[node22] $(command -v node): $(node --version)"
case "$(node --version)" in v22.*) ;; *) echo "[node22] expected Node 22" >&2; exit 1 ;; esac
bash scripts/ensure-services.sh
npx tsc -p tsconfig.json --noEmit
npm run build:server
npx vitest run "$@"

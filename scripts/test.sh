#!/usr/bin/env bash
# The one test command (`npm test`, also run by .ci/run): installs what it needs, starts the
# services that are down, type-checks, checks format and lint, and runs every test against the real servers.
set -euo pipefail
cd "$(dirname "$0")/.."
node scripts/ensure-deps.mjs
# Node 22 (the `node` npm package, in its own folder): the bench's newest peer queues need it, and the
# bench harness test runs them. Installed here, with everything else, not while a test runs.
[ -x tools/node22/node_modules/.bin/node ] || npm ci --prefix tools/node22 --no-audit --no-fund
bash scripts/ensure-services.sh
npx tsc -p tsconfig.json --noEmit
npx tsc -p studio/tsconfig.json --noEmit
# Format and lint with the tests (eslint.config.mjs, .prettierrc.json), as CI runs them.
npx prettier --check . --log-level warn
npx eslint functions shared studio/src tests bench scripts
# The process tests start the compiled entry points.
npm run build:server
npx vitest run "$@"

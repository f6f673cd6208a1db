#!/usr/bin/env bash
# The one test command (`npm test`, also run by .ci/run): installs what it needs, starts the
# services that are down, type-checks, and runs every test against the real servers.
set -euo pipefail
cd "$(dirname "$0")/.."
node scripts/ensure-deps.mjs
bash scripts/ensure-services.sh
npx tsc -p tsconfig.json --noEmit
# The process tests start the compiled entry points.
npm run build:server
npx vitest run "$@"

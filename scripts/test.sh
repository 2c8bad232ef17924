#!/usr/bin/env bash
# `npm test`: everything the tests need, then every test. Installs valkey-server and chromium when
# missing, installs npm packages when missing, builds the app, and runs vitest, whose global setup
# starts its own valkey-server and SMTP receiver on free ports and stops them at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-test-deps.sh
[ -d node_modules/next ] || npm ci --no-audit --no-fund
npx next build > /tmp/tollgate-build.log 2>&1 || { cat /tmp/tollgate-build.log; exit 1; }
exec npx vitest run "$@"

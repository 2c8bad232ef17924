#!/usr/bin/env bash
# `npm test`: everything the tests need, then every test. Installs valkey-server and chromium when
# missing, installs npm packages (and the client CLIs of tests/clients) when missing, lints, builds
# the app, and runs vitest, whose global setup starts its own valkey-server and SMTP receiver on free
# ports and stops them at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-test-deps.sh
[ -d node_modules/next ] || npm ci --no-audit --no-fund
# The real client CLIs (tests/clients/package.json pins them), kept out of the app's own packages.
[ -x tests/clients/node_modules/.bin/claude ] || npm ci --prefix tests/clients --no-audit --no-fund --loglevel=error
echo "Linting (npm run lint)…"
npm run -s lint
echo "Building the app (npm run build)…"
npm run build > /tmp/tollgate-build.log 2>&1 || { cat /tmp/tollgate-build.log; exit 1; }
report=$(mktemp)
status=0
npx vitest run --reporter=default --reporter=json --outputFile.json="$report" "$@" || status=$?
# One plain closing line, whatever the reporter printed above it.
node -e '
  const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  console.log(`${r.numPassedTests} passed, ${r.numFailedTests} failed` + (r.numPendingTests ? `, ${r.numPendingTests} skipped` : ""));
' "$report" || true
rm -f "$report"
exit $status

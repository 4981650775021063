#!/usr/bin/env bash
# The one command that sets up and runs every test: `npm test`.
# Installs what is missing (npm packages from the lockfile), type-checks, builds,
# then runs the unit tests and the end-to-end tests in a real VS Code
# (test/e2e/setup.sh installs Chromium, Node 24 and code-server on first use).
set -euo pipefail
cd "$(dirname "$0")/.."
t0=$SECONDS
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "[test] npm ci"
  npm ci --no-audit --no-fund
fi
echo "[test] typecheck"
npx tsc -p . --noEmit
npx tsc -p webview-ui --noEmit
echo "[test] build"
node scripts/build.mjs
echo "[test] unit tests"
node test/runUnit.mjs
echo "[test] browser tests (the HTML report and webview bundle in Chromium)"
bash test/e2e/setup.sh
node test/browser/run.mjs
echo "[test] end-to-end tests (real VS Code)"
bash scripts/e2e.sh
echo "[test] all done in $((SECONDS - t0)) s"

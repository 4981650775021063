#!/usr/bin/env bash
# End-to-end tests in a real VS Code (code-server's, in headless Debian Chromium): builds, installs the tools
# (test/e2e/setup.sh; cached, about 3 minutes the first time), then runs
#   1. the extension-host tests (test/vscode/suite/*.test.ts, via test/e2e/runExtHostTests.mjs)
#   2. the UI tests (test/e2e/ui/*.mjs on the packaged .vsix, via test/e2e/runUiTests.mjs)
# Both run even if the first fails. Exit code non-zero if anything failed. Last line: `N passed, N failed`.
# Screenshots: test-results/screenshots/. Options are passed to both runners (e.g. --keep, --verbose).
#   E2E_ONLY=ext-host|ui   run one mode only
set -uo pipefail
cd "$(dirname "$0")/.."
t0=$SECONDS
mark() { printf '[e2e] %s\n' "$*"; }

rm -rf test-results/screenshots
mark "build"
node scripts/build.mjs || { mark "build failed"; echo "0 passed, 1 failed"; exit 1; }
t_build=$((SECONDS - t0))

t=$SECONDS
bash test/e2e/setup.sh || { mark "setup failed"; echo "0 passed, 1 failed"; exit 1; }
t_setup=$((SECONDS - t))

total_pass=0; total_fail=0; status=0
summary=()
run_mode() { # name, command...
  local name="$1"; shift
  local t=$SECONDS out rc line p f
  out="$(mktemp)"
  mark "$name tests"
  "$@" 2>&1 | tee "$out"
  rc=${PIPESTATUS[0]}
  line="$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$out" | tail -1)"
  rm -f "$out"
  if [ -n "$line" ]; then
    p="${line%% passed*}"; f="${line#*passed, }"; f="${f%% failed}"
  else
    p=0; f=1
  fi
  [ "$rc" -ne 0 ] && [ "$f" -eq 0 ] && f=1
  total_pass=$((total_pass + p)); total_fail=$((total_fail + f))
  [ "$rc" -eq 0 ] || status=1
  summary+=("$(printf '%-9s %3d passed, %d failed  %4d s' "$name" "$p" "$f" $((SECONDS - t)))")
}

if [ "${E2E_ONLY:-ext-host}" != ui ]; then
  run_mode ext-host node test/e2e/runExtHostTests.mjs --no-build "$@"
fi
if [ "${E2E_ONLY:-ui}" != ext-host ]; then
  run_mode ui node test/e2e/runUiTests.mjs "$@"
fi

mark "build ${t_build} s, setup ${t_setup} s"
for s in "${summary[@]}"; do mark "$s"; done
mark "total $((SECONDS - t0)) s"
echo "$total_pass passed, $total_fail failed"
exit $status

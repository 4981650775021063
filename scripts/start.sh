#!/usr/bin/env bash
# `npm start`: try Agent Trail in a real VS Code in your browser, with nothing installed by hand.
#   1. npm ci (when node_modules is missing or older than package-lock.json), development build
#   2. test/e2e/setup.sh: Node 24 and code-server 4.139.1 (plus Chromium for the tests), cached in
#      ${AGENT_TRAIL_E2E_HOME:-~/.cache/agent-trail-e2e}; about 3 minutes the first time, then instant
#   3. test/e2e/startDemo.mjs: packages the extension, installs the .vsix into a fresh code-server profile,
#      creates the demo workspace (the project of the recorded Claude Code session), starts code-server on
#      http://127.0.0.1:8080 (or a free port) with --auth none and prints the URL to open
#   4. feed_recorded_session (below), then runs until Ctrl-C, which stops code-server's whole process group.
# Options go to startDemo.mjs: --port N, --workspace DIR, --keep.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "[start] npm ci"
  npm ci --no-audit --no-fund
fi
echo "[start] build"
node scripts/build.mjs
bash test/e2e/setup.sh

# ------------------------------------------------------------------------------------------------------------
# HOOK: feed a recorded Claude Code session into the extension's listener, so the demo has something to show.
# Called once code-server answers, with URL, WORKSPACE (the demo project), RUN_DIR and PORT set.
# The extension (and its listener) only starts once a browser has the workbench open: test/e2e/feedSession.mjs
# waits (up to 10 minutes) until the listener named by the run's settings or the store's owner lock answers,
# then posts test/fixtures/claude-code/multi-tool-http-json with /home/dev/projects/multi-tool-http-json
# rewritten to "$WORKSPACE" and its times moved to now. In the background, so Ctrl-C still stops everything
# (the feeder gives up as soon as this script is gone).
feed_recorded_session() {
  echo "[start] open the URL above: the recorded Claude Code session is sent to Agent Trail once the editor is up"
  node test/e2e/feedSession.mjs --workspace "$WORKSPACE" --run-dir "$RUN_DIR" --now --timeout 600 --watch-pid "$$" &
}
# ------------------------------------------------------------------------------------------------------------

ready="$(mktemp -t agent-trail-start.XXXXXX)"
rm -f "$ready"
node test/e2e/startDemo.mjs --ready-file "$ready" "$@" &
demo_pid=$!
stop() {
  trap - INT TERM
  kill -TERM "$demo_pid" 2>/dev/null || true
  wait "$demo_pid" 2>/dev/null || true
  rm -f "$ready"
  exit 0
}
trap stop INT TERM

while [ ! -s "$ready" ]; do
  if ! kill -0 "$demo_pid" 2>/dev/null; then
    wait "$demo_pid"; rc=$?; rm -f "$ready"; exit "$rc"
  fi
  sleep 0.2
done
# shellcheck disable=SC1090
. "$ready"
export URL WORKSPACE RUN_DIR PORT
feed_recorded_session

rc=0
wait "$demo_pid" || rc=$?
rm -f "$ready"
exit "$rc"

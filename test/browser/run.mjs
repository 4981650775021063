// Chromium tests of the replay app as the CLI's HTML report: the same bundle
// that runs in the VS Code panel, opened from a file with its data embedded.
// Builds the bundles, writes the reports (test/browser/makeReports.ts: every
// Claude Code fixture, a session, the hostile prompt, a synthetic big prompt),
// opens each in Debian's Chromium (playwright-core, never a downloaded browser)
// and checks what it shows against the fixture's ground truth. Screenshots in
// test-results/screenshots/browser-*.png. Last line: `N passed, N failed`.
//
//   node test/browser/run.mjs [--grep RE] [--no-build] [--keep]
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { TESTS } from './reportTests.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const argv = process.argv.slice(2);
const grep = argv.includes('--grep') ? new RegExp(argv[argv.indexOf('--grep') + 1]) : null;
const keep = argv.includes('--keep');
export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const SHOTS = path.join(ROOT, 'test-results/screenshots');

function log(...a) {
  console.log('[browser]', ...a);
}

function sh(cmd, args) {
  const r = spawnSync(cmd, args, { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited with ${r.status}`);
}

let passed = 0;
let failed = 0;
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'agent-trail-browser-'));
let context;
try {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM} (apt-get install chromium)`);
  if (!argv.includes('--no-build')) sh(process.execPath, ['scripts/build.mjs']);
  sh(process.execPath, ['--import', 'tsx', 'test/browser/makeReports.ts', path.join(work, 'reports')]);
  const cases = JSON.parse(fs.readFileSync(path.join(work, 'reports/cases.json'), 'utf8'));
  const { chromium } = await import('playwright-core');
  context = await chromium.launchPersistentContext(path.join(work, 'profile'), {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1280, height: 860 },
    args: CHROMIUM_ARGS,
  });
  fs.mkdirSync(SHOTS, { recursive: true });
  const tests = TESTS(cases).filter((t) => !grep || grep.test(t.name));
  for (const t of tests) {
    const page = await context.newPage();
    const requests = [];
    const errors = [];
    page.on('request', (r) => requests.push(r.url()));
    page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error' || /Content.Security.Policy|Refused to/i.test(m.text())) errors.push(`console: ${m.text()}`);
    });
    // Records CSP violations the page reports (injected by the test driver, which the page's CSP does not govern).
    await page.addInitScript(() => {
      window.__violations = [];
      document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(`${e.violatedDirective}: ${e.blockedURI}`));
    });
    const started = Date.now();
    try {
      await t.run({
        page,
        open: async (file, { colorScheme = 'light' } = {}) => {
          await page.emulateMedia({ colorScheme });
          await page.goto(`file://${file}`);
          await page.locator('body[data-state=ready]').waitFor({ timeout: 20000 });
        },
        shot: async (name) => {
          const file = path.join(SHOTS, `browser-${name}.png`);
          await page.screenshot({ path: file });
          return file;
        },
        requests,
        errors,
      });
      // Every test: nothing but the report file was requested, nothing broke, the CSP was never hit.
      const foreign = requests.filter((u) => !u.startsWith('file://'));
      if (foreign.length > 0) throw new Error(`network requests: ${foreign.join(', ')}`);
      const files = new Set(requests.map((u) => u.split('?')[0]));
      if (files.size > 1) throw new Error(`more than the report file was loaded: ${[...files].join(', ')}`);
      const violations = await page.evaluate(() => window.__violations ?? []);
      if (violations.length > 0) throw new Error(`CSP violations: ${violations.join('; ')}`);
      if (errors.length > 0) throw new Error(errors.join('\n'));
      passed++;
      log(`PASS ${t.name} (${Date.now() - started} ms)`);
    } catch (e) {
      failed++;
      log(`FAIL ${t.name} (${Date.now() - started} ms): ${e.stack || e.message}`);
      await page.screenshot({ path: path.join(SHOTS, `browser-FAIL-${t.name.replace(/[^\w.-]+/g, '_')}.png`) }).catch(() => {});
    } finally {
      await page.close().catch(() => {});
    }
  }
} catch (e) {
  failed++;
  log('error:', e.stack || e.message);
} finally {
  await context?.close().catch(() => {});
  if (!keep) fs.rmSync(work, { recursive: true, force: true });
  else log(`kept ${work}`);
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);

// Entry of the extension-host test suite (VS Code's `extensionTestsPath`): VS Code loads this module inside
// the extension host, with the repo root as the development extension, and calls run(). It runs every
// *.test.js bundled beside it (test/vscode/suite/*.test.ts) with mocha (tdd: suite/test) and ends its output
// with `N passed, N failed` alone on a line. Shared by test/e2e/runExtHostTests.mjs (code-server's VS Code,
// here) and test/vscode/runTestElectron.mjs (@vscode/test-electron, machines that can download VS Code).
//
// Environment (read from the extension host's environment, i.e. the runner's):
//   AGENT_TRAIL_TEST_GREP        only tests whose full title matches this regular expression
//   AGENT_TRAIL_TEST_TIMEOUT_MS  per-test timeout (default 20000)
//   AGENT_TRAIL_E2E_MARK         set by runExtHostTests.mjs: the reporter's lines (and helpers.log()) start with
//                                it, so the runner can tell them from the workbench's own log lines, which arrive
//                                through the same channel (VS Code does not let code replace console methods)
import * as fs from 'fs';
import Mocha from 'mocha';
import * as path from 'path';
import { log } from '../helpers';

export async function run(): Promise<void> {
  process.setSourceMapsEnabled(true); // stack traces point into test/vscode/*.ts (the bundles have inline maps)
  // every line of mocha's reporters goes through Base.consoleLog
  (Mocha.reporters.Base as unknown as { consoleLog: (...args: unknown[]) => void }).consoleLog = log;
  const mocha = new Mocha({
    ui: 'tdd',
    reporter: 'spec',
    color: false,
    timeout: Number(process.env.AGENT_TRAIL_TEST_TIMEOUT_MS || 20000),
  });
  if (process.env.AGENT_TRAIL_TEST_GREP) mocha.grep(new RegExp(process.env.AGENT_TRAIL_TEST_GREP));
  const files = fs
    .readdirSync(__dirname)
    .filter((f) => f.endsWith('.test.js'))
    .sort();
  for (const f of files) mocha.addFile(path.join(__dirname, f));

  let passed = 0;
  let failed = 0;
  try {
    failed = await new Promise<number>((resolve) => {
      const runner = mocha.run((failures) => resolve(failures));
      runner.on('pass', () => passed++);
    });
  } catch (e) {
    // a test file that throws while loading
    log(e instanceof Error ? (e.stack ?? e.message) : String(e));
    failed = Math.max(failed, 1);
  }
  log(`${passed} passed, ${failed} failed`);
  if (failed > 0) throw new Error(`${failed} extension-host test(s) failed`);
}

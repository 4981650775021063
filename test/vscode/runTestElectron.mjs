// The same extension-host suite (test/vscode/suite) under @vscode/test-electron, for machines that can
// download VS Code (desktop Electron build; cached in .vscode-test/). Not used by `npm test` or scripts/e2e.sh:
// this machine has no internet, so there test/e2e/runExtHostTests.mjs runs the suite in code-server's VS Code.
//
//   node scripts/build.mjs && node test/vscode/runTestElectron.mjs [--version stable|insiders|1.x.y]
//   (on Linux without a display: xvfb-run -a node test/vscode/runTestElectron.mjs)
//   env: AGENT_TRAIL_TEST_GREP, AGENT_TRAIL_TEST_TIMEOUT_MS (see test/vscode/suite/index.ts)
import { runTests } from '@vscode/test-electron';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createDemoWorkspace } from '../e2e/demoWorkspace.mjs';
import { buildSuite } from './build.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const argv = process.argv.slice(2);
const version = argv.includes('--version') ? argv[argv.indexOf('--version') + 1] : 'stable';

const extensionTestsPath = await buildSuite();
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'agent-trail-electron-'));
const workspace = createDemoWorkspace({ dir: path.join(tmp, 'workspace', 'multi-tool-http-json') });
const userSettings = path.join(tmp, 'user-data/User/settings.json');
fs.mkdirSync(path.dirname(userSettings), { recursive: true });
fs.writeFileSync(
  userSettings,
  JSON.stringify({ 'workbench.startupEditor': 'none', 'security.workspace.trust.enabled': false, 'telemetry.telemetryLevel': 'off', 'update.mode': 'none' }),
);

let code = 1;
try {
  code = await runTests({
    version,
    extensionDevelopmentPath: ROOT,
    extensionTestsPath,
    launchArgs: [
      workspace,
      '--user-data-dir', path.join(tmp, 'user-data'),
      '--extensions-dir', path.join(tmp, 'extensions'),
      '--disable-workspace-trust',
      '--skip-welcome',
      '--skip-release-notes',
    ],
    extensionTestsEnv: { ...process.env },
  });
} catch (e) {
  console.error(`@vscode/test-electron failed: ${e instanceof Error ? e.message : e}`);
  code = 1;
}
if (code === 0) fs.rmSync(tmp, { recursive: true, force: true });
else console.error(`temp folder kept: ${tmp}`);
process.exit(code);

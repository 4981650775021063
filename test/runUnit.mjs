// Runs every test/unit/**/*.test.ts with Node's own test runner (TypeScript via tsx).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const only = process.argv.slice(2);
const files = [];
(function walk(dir) {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p);
    else if (e.name.endsWith('.test.ts') && (only.length === 0 || only.some((o) => p.includes(o)))) files.push(p);
  }
})(path.join(root, 'test/unit'));
files.sort();
// Safety net: nothing under test may record into the user's real store.
const sandbox = fs.mkdtempSync(path.join(os.tmpdir(), 'agent-trail-unit-'));
process.env.AGENT_TRAIL_DATA_DIR ??= path.join(sandbox, 'store');
const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=2', ...files], {
  cwd: root,
  stdio: 'inherit',
});
fs.rmSync(sandbox, { recursive: true, force: true });
process.exit(r.status ?? 1);

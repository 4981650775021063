// The demo workspace: the small project in which the recorded Claude Code session
// test/fixtures/claude-code/multi-tool-http-json ran (recorded at /home/dev/projects/multi-tool-http-json).
// Same files as the recording kit's workspace: src/greet.js, test.js, notes.txt, a git repository with one
// commit; plus a README.md. In the session the agent Read and Edited src/greet.js (line 2), ran `node test.js`
// and `git status --short`, and Wrote CHANGELOG.md (a new file).
//
//   state 'after' (default): the files as the session left them (greet.js edited, CHANGELOG.md created,
//                            uncommitted, so `git status` shows what the agent changed)
//   state 'before':          the files as the session found them
//
// CLI:  node test/e2e/demoWorkspace.mjs [DIR] [--before]   (prints the folder's path; DIR default: a new temp dir)
// API:  import { createDemoWorkspace, RECORDED_WORKSPACE, rewriteRecordedPaths } from './demoWorkspace.mjs'
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where the session was recorded; the fixtures' absolute paths start with this. */
export const RECORDED_WORKSPACE = '/home/dev/projects/multi-tool-http-json';
/** The fixture this workspace belongs to (relative to the repo root). */
export const SESSION_FIXTURE = 'test/fixtures/claude-code/multi-tool-http-json';
export const FOLDER_NAME = 'multi-tool-http-json';

const GREET_BEFORE = "function greet(name) {\n  return 'Hello ' + name;\n}\nmodule.exports = { greet };\n";
const GREET_AFTER = 'function greet(name) {\n  return `Hello, ${name}!`;\n}\nmodule.exports = { greet };\n';
const TEST_JS =
  "const assert = require('assert');\nconst { greet } = require('./src/greet');\nassert.ok(greet('World').startsWith('Hello'));\nconsole.log('ok - greet');\n";
const NOTES = 'scratch notes\n';
const README = `# multi-tool-http-json

A tiny project for trying Agent Trail: a recorded Claude Code session fixed the greeting in
\`src/greet.js\`, ran \`node test.js\` and added \`CHANGELOG.md\`.
`;
const CHANGELOG = '# Changelog\n\n- Greeting now reads "Hello, <name>!"\n';

function git(cwd, ...args) {
  const r = spawnSync(
    'git',
    ['-c', 'user.email=dev@example.com', '-c', 'user.name=dev', '-c', 'init.defaultBranch=main', '-c', 'commit.gpgsign=false', ...args],
    { cwd, encoding: 'utf8', env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' } },
  );
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
}

/**
 * Creates the demo project. `dir`: the folder to create (must not exist or be empty); default: a new
 * `<tmp>/agent-trail-demo-XXXX/multi-tool-http-json` (the folder keeps the recorded project's name).
 * Returns the folder's absolute path.
 */
export function createDemoWorkspace({ dir, state = 'after', git: withGit = true } = {}) {
  const ws = path.resolve(dir || path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'agent-trail-demo-')), FOLDER_NAME));
  if (fs.existsSync(ws) && fs.readdirSync(ws).length) throw new Error(`demo workspace: ${ws} is not empty`);
  fs.mkdirSync(path.join(ws, 'src'), { recursive: true });
  fs.writeFileSync(path.join(ws, 'src/greet.js'), GREET_BEFORE);
  fs.writeFileSync(path.join(ws, 'test.js'), TEST_JS);
  fs.writeFileSync(path.join(ws, 'notes.txt'), NOTES);
  fs.writeFileSync(path.join(ws, 'README.md'), README);
  const hasGit = withGit && spawnSync('git', ['--version']).status === 0;
  if (hasGit) {
    git(ws, 'init', '-q');
    git(ws, 'add', '-A');
    git(ws, 'commit', '-qm', 'init');
  }
  if (state === 'after') {
    fs.writeFileSync(path.join(ws, 'src/greet.js'), GREET_AFTER);
    fs.writeFileSync(path.join(ws, 'CHANGELOG.md'), CHANGELOG);
  } else if (state !== 'before') {
    throw new Error(`demo workspace: unknown state ${state}`);
  }
  return ws;
}

/**
 * Rewrites the recorded workspace path in a fixture body (text) to `workspace`, JSON-escaped so it stays valid
 * inside JSON strings. For protobuf bodies, decode first: the path's length changes.
 */
export function rewriteRecordedPaths(text, workspace) {
  const escaped = JSON.stringify(path.resolve(workspace)).slice(1, -1);
  return text.split(RECORDED_WORKSPACE).join(escaped);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const dir = args.find((a) => !a.startsWith('--'));
  console.log(createDemoWorkspace({ dir, state: args.includes('--before') ? 'before' : 'after' }));
}

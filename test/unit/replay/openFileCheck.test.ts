// Before the replay host opens a file a webview names: the prompt must have
// touched it, it must be a plain path (no command: or other URI), and an
// existing regular file.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkOpenFile, type OpenFileCheck } from '../../../src/core/replay/openFileCheck';

const files: Record<string, 'file' | 'other'> = {
  '/w/src/greet.js': 'file',
  '/w/src': 'other',
  '/outside/notes.txt': 'file',
};

const check = (touched: string[], roots = ['/w']): OpenFileCheck => ({
  touched: new Set(touched),
  workspaceRoots: roots,
  stat: async (p) => files[p] ?? 'missing',
});

test('a file the prompt touched, inside the workspace, opens', async () => {
  assert.deepEqual(await checkOpenFile('/w/src/greet.js', check(['/w/src/greet.js'])), { ok: true, path: '/w/src/greet.js', inWorkspace: true });
});

test('an existing file outside the workspace opens too (said so)', async () => {
  assert.deepEqual(await checkOpenFile('/outside/notes.txt', check(['/outside/notes.txt'])), { ok: true, path: '/outside/notes.txt', inWorkspace: false });
});

test('a relative path resolves inside a workspace folder only', async () => {
  assert.deepEqual(await checkOpenFile('src/greet.js', check(['src/greet.js'])), { ok: true, path: '/w/src/greet.js', inWorkspace: true });
  const out = await checkOpenFile('../outside/notes.txt', check(['../outside/notes.txt']));
  assert.equal(out.ok, false);
});

test('refused: not touched by the prompt, URIs, directories, missing files, odd input', async () => {
  const cases: Array<[string, string[]]> = [
    ['/etc/passwd', ['/w/src/greet.js']],
    ['command:workbench.action.terminal.new', ['command:workbench.action.terminal.new']],
    ['vscode-remote://x/y', ['vscode-remote://x/y']],
    ['file:///w/src/greet.js', ['file:///w/src/greet.js']],
    ['/w/src', ['/w/src']],
    ['/w/gone.txt', ['/w/gone.txt']],
    ['', ['']],
    ['/w/a\u0000b', ['/w/a\u0000b']],
  ];
  for (const [p, touched] of cases) {
    const v = await checkOpenFile(p, check(touched));
    assert.equal(v.ok, false, `refused: ${JSON.stringify(p)}`);
  }
});

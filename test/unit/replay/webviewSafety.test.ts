// Repo checks for the replay webview: agent text is only ever set as text
// (no innerHTML, outerHTML, insertAdjacentHTML or document.write in
// webview-ui/src), and what the webview bundles from src/ (protocol, the
// replay's pure helpers) imports neither vscode nor Node.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

const root = path.resolve(__dirname, '../../..');
const webviewSrc = path.join(root, 'webview-ui/src');

function files(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(path.join(dir, e.name)) : /\.(ts|js|mjs)$/.test(e.name) ? [path.join(dir, e.name)] : []));
}

const UNSAFE = /\.innerHTML\s*=|\.outerHTML\s*=|insertAdjacentHTML|document\.write\s*\(|\.srcdoc\s*=|new\s+Function\s*\(|\beval\s*\(/;

test('webview-ui/src never parses strings as HTML', () => {
  const offenders: string[] = [];
  for (const f of files(webviewSrc)) {
    fs.readFileSync(f, 'utf8')
      .split('\n')
      .forEach((line, i) => {
        if (UNSAFE.test(line)) offenders.push(`${path.relative(root, f)}:${i + 1}: ${line.trim()}`);
      });
  }
  assert.deepEqual(offenders, []);
});

test('the check itself catches the patterns', () => {
  for (const bad of ['el.innerHTML = x', 'el.outerHTML= y', "el.insertAdjacentHTML('beforeend', s)", 'document.write(s)', 'eval(code)']) assert.ok(UNSAFE.test(bad), bad);
  assert.ok(!UNSAFE.test('el.textContent = x'));
});

test('what the webview imports from src/ imports no vscode and no Node', () => {
  const seen = new Set<string>();
  const queue = files(webviewSrc);
  const offenders: string[] = [];
  while (queue.length > 0) {
    const file = queue.pop() as string;
    if (seen.has(file)) continue;
    seen.add(file);
    const text = fs.readFileSync(file, 'utf8');
    for (const m of text.matchAll(/(?:import|export)[^'"]*?from\s*['"]([^'"]+)['"]|import\s*['"]([^'"]+)['"]/g)) {
      const spec = m[1] ?? m[2] ?? '';
      if (spec === 'vscode' || spec.startsWith('node:') || ['fs', 'path', 'os', 'crypto', 'http', 'net', 'child_process'].includes(spec)) {
        offenders.push(`${path.relative(root, file)} imports ${spec}`);
      }
      if (spec.startsWith('.')) {
        const base = path.resolve(path.dirname(file), spec);
        const target = [`${base}.ts`, path.join(base, 'index.ts')].find((p) => fs.existsSync(p));
        if (target) queue.push(target);
      }
    }
  }
  assert.deepEqual(offenders, []);
  const fromSrc = [...seen].filter((f) => !f.startsWith(webviewSrc)).map((f) => path.relative(root, f)).sort();
  assert.ok(fromSrc.includes('src/protocol/messages.ts'), `bundled from src/: ${fromSrc.join(', ')}`);
  assert.ok(fromSrc.every((f) => f.startsWith('src/protocol/') || f.startsWith('src/core/replay/')), `only protocol and replay helpers: ${fromSrc.join(', ')}`);
});

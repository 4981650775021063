// src/core is the product minus the UI: it must never depend on the editor.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

const root = path.resolve(__dirname, '../..');

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...sources(p));
    else if (/\.(ts|js|mjs|cjs)$/.test(e.name)) out.push(p);
  }
  return out;
}

const VSCODE_IMPORT = /(?:from\s*['"]vscode['"])|(?:require\(\s*['"]vscode['"]\s*\))|(?:import\(\s*['"]vscode['"]\s*\))/;

test('src/core imports nothing from vscode', () => {
  const files = sources(path.join(root, 'src/core'));
  assert.ok(files.length > 0, 'src/core has sources');
  const offenders = files.filter((f) => VSCODE_IMPORT.test(fs.readFileSync(f, 'utf8')));
  assert.deepEqual(offenders.map((f) => path.relative(root, f)), []);
});

test('src/protocol imports neither vscode nor Node built-ins', () => {
  const files = sources(path.join(root, 'src/protocol'));
  const bad = /(?:from\s*['"](?:vscode|node:[^'"]+|fs|path|http|net)['"])/;
  const offenders = files.filter((f) => bad.test(fs.readFileSync(f, 'utf8')));
  assert.deepEqual(offenders.map((f) => path.relative(root, f)), []);
});

test('the boundary check itself catches an import of vscode', () => {
  assert.ok(VSCODE_IMPORT.test("import * as vscode from 'vscode';"));
  assert.ok(VSCODE_IMPORT.test("const v = require('vscode')"));
  assert.ok(!VSCODE_IMPORT.test("import { x } from './vscodeish';"));
});

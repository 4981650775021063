// Bundles the extension-host test suite: test/vscode/suite/index.ts and every test/vscode/suite/*.test.ts, each
// to its own CommonJS file in .e2e/vscode-suite/ or the given folder, which must be inside the repo (vscode and
// mocha stay external: VS Code provides `vscode`, mocha loads from the repo's node_modules).
//   node test/vscode/build.mjs        prints the path of index.js
//   import { buildSuite } from './build.mjs'; await buildSuite(outDir?)   returns it
import * as esbuild from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const SUITE_SRC = path.join(ROOT, 'test/vscode/suite');
export const SUITE_OUT = path.join(ROOT, '.e2e/vscode-suite');

export async function buildSuite(outDir = SUITE_OUT) {
  const entries = fs
    .readdirSync(SUITE_SRC)
    .filter((f) => f === 'index.ts' || f.endsWith('.test.ts'))
    .map((f) => path.join(SUITE_SRC, f));
  fs.rmSync(outDir, { recursive: true, force: true });
  await esbuild.build({
    entryPoints: entries,
    outdir: outDir,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    sourcemap: 'inline',
    external: ['vscode', 'mocha'],
    logLevel: 'warning',
  });
  return path.join(outDir, 'index.js');
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  console.log(await buildSuite());
}

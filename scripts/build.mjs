// Builds the three bundles: extension host, CLI, webview app. Types are checked
// separately (`npm run typecheck`): esbuild only strips them.
import * as esbuild from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const production = process.argv.includes('--production');
const dist = path.join(root, 'dist');
fs.mkdirSync(dist, { recursive: true });

const common = {
  bundle: true,
  sourcemap: production ? false : 'linked',
  minify: production,
  logLevel: 'warning',
  legalComments: 'linked',
};

await Promise.all([
  esbuild.build({
    ...common,
    entryPoints: [path.join(root, 'src/extension/extension.ts')],
    outfile: path.join(dist, 'extension.js'),
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
    // jsonc-parser's "main" is a UMD build whose dynamic requires esbuild cannot follow: take its ESM build.
    mainFields: ['module', 'main'],
  }),
  esbuild.build({
    ...common,
    entryPoints: [path.join(root, 'src/cli/main.ts')],
    outfile: path.join(dist, 'cli.js'),
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    banner: { js: '#!/usr/bin/env node' },
  }),
  esbuild.build({
    ...common,
    entryPoints: [path.join(root, 'webview-ui/src/main.ts')],
    outfile: path.join(root, 'media/webview/main.js'),
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
  }),
]);

// sql.js loads its wasm at run time with locateFile: ship it beside the bundles.
fs.copyFileSync(path.join(root, 'node_modules/sql.js/dist/sql-wasm.wasm'), path.join(dist, 'sql-wasm.wasm'));
fs.chmodSync(path.join(dist, 'cli.js'), 0o755);

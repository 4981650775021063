// Loads sql.js once per process. The wasm ships beside the bundle (dist/sql-wasm.wasm);
// in tests and under tsx it comes from node_modules.
import fs from 'node:fs';
import path from 'node:path';
import initSqlJs, { type SqlJsStatic } from 'sql.js';

export type { Database as SqlDatabase, Statement as SqlStatement, SqlValue } from 'sql.js';

/** One ordered, forward-only schema step. */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

let loading: Promise<SqlJsStatic> | undefined;

function locateWasm(explicit?: string): string {
  const candidates = [
    explicit,
    process.env.AGENT_TRAIL_SQL_WASM,
    path.join(__dirname, 'sql-wasm.wasm'),
    path.join(__dirname, '..', 'dist', 'sql-wasm.wasm'),
    // Unbundled (tests under tsx): src/core/store → the package in node_modules.
    path.join(__dirname, '..', '..', '..', 'node_modules', 'sql.js', 'dist', 'sql-wasm.wasm'),
  ];
  const found = candidates.find((c): c is string => c !== undefined && fs.existsSync(c));
  if (!found) throw new Error(`sql-wasm.wasm not found (looked in ${candidates.filter(Boolean).join(', ')})`);
  return found;
}

export function loadSqlJs(wasmPath?: string): Promise<SqlJsStatic> {
  loading ??= initSqlJs({ locateFile: () => locateWasm(wasmPath) });
  return loading;
}

// While `agent-trail serve` owns a store, other commands go through it: import
// posts to its listener, the read commands ask its query server.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import type { CliIo } from '../../../src/cli/command';
import { createRegistry } from '../../../src/cli/main';

const root = path.resolve(__dirname, '../../..');

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { out: (l) => out.push(l), err: (l) => err.push(l) };
  const code = await createRegistry().run(argv, { io, signal: new AbortController().signal, env: {} });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

test('import and prompts go through the serve process that owns the store', async () => {
  const db = fs.mkdtempSync(path.join(os.tmpdir(), 'at-serve-readers-'));
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'serve', '--port', '0', '--grpc-port', '0', '--json', '--db', db], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  try {
    const port = await new Promise<number>((resolve, reject) => {
      let buf = '';
      const timer = setTimeout(() => reject(new Error(`serve did not start: ${buf}`)), 30_000);
      child.stdout.on('data', (c: Buffer) => {
        buf += c.toString();
        const m = /"type":"listening"[^\n]*?"port":(\d+)/.exec(buf);
        if (m) {
          clearTimeout(timer);
          resolve(Number(m[1]));
        }
      });
    });
    assert.ok(port > 0);
    const imported = await cli('import', path.join(root, 'test/fixtures/claude-code/denied-by-rule'), '--db', db);
    assert.equal(imported.code, 0, imported.err);
    assert.match(imported.out, new RegExp(`into the listener of process ${child.pid} \\(port ${port}\\)`));
    const prompts = await cli('prompts', '--db', db, '--json');
    assert.equal(prompts.code, 0, prompts.err);
    const list = JSON.parse(prompts.out) as { id: string; toolCalls: unknown[] }[];
    assert.deepEqual(list.map((p) => p.id), ['1815df67-0b4d-4f30-8255-f35584e8f940']);
    assert.equal(list[0].toolCalls.length, 3);
  } finally {
    child.kill('SIGTERM');
    assert.equal(await exited, 0);
    fs.rmSync(db, { recursive: true, force: true });
  }
});

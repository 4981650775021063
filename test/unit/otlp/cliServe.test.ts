// `agent-trail`: the command registry in-process, and `serve` as a real process
// (under tsx, and as an esbuild bundle like dist/cli.js) receiving a real capture.
import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import * as esbuild from 'esbuild';
import type { CliIo } from '../../../src/cli/command';
import { createRegistry } from '../../../src/cli/main';
import { fixture, JSON_TYPE, PROTOBUF_TYPE, request, startListener, RecordingSink } from './helpers';

const root = path.resolve(__dirname, '../../..');

async function runCli(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { out: (l) => out.push(l), err: (l) => err.push(l) };
  const code = await createRegistry().run(argv, { io, signal: new AbortController().signal, env: {} });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('the command registry', () => {
  test('--help lists the commands; no command at all is a usage error', async () => {
    const help = await runCli(['--help']);
    assert.equal(help.code, 0);
    assert.match(help.out, /Usage: agent-trail <command>/);
    assert.match(help.out, /serve\s+Run the OTLP\/HTTP listener/);
    const none = await runCli([]);
    assert.equal(none.code, 2);
    assert.match(none.err, /Usage: agent-trail <command>/);
  });

  test('every command has --help, also via "help <command>"', async () => {
    for (const argv of [['serve', '--help'], ['serve', '-h'], ['help', 'serve'], ['serve', '--port', '1', '--help']]) {
      const r = await runCli(argv);
      assert.equal(r.code, 0, argv.join(' '));
      for (const flag of ['--port N', '--host ADDR', '--db PATH', '--token T', '--json', '--help']) assert.ok(r.out.includes(flag), `${flag} in help`);
    }
    assert.match((await runCli(['--version'])).out, /^\d+\.\d+\.\d+/);
  });

  test('bad arguments exit 2 with a clear message', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['bogus'], /unknown command "bogus"/],
      [['help', 'bogus'], /unknown command "bogus"/],
      [['serve', '--port', 'abc'], /--port must be a port number from 0 to 65535/],
      [['serve', '--port', '70000'], /--port must be a port number/],
      [['serve', '--port', '-1'], /--port|argument missing|Unknown option/],
      [['serve', '--port'], /argument missing/],
      [['serve', '--host', '0.0.0.0'], /--host must be a loopback address/],
      [['serve', '--host', 'example.com'], /--host must be a loopback address/],
      [['serve', '--nope'], /Unknown option '--nope'/],
      [['serve', 'extra'], /unexpected argument "extra"/],
      [['serve', '--db', ''], /--db needs a file path/],
    ];
    for (const [argv, message] of cases) {
      const r = await runCli(argv);
      assert.equal(r.code, 2, argv.join(' '));
      assert.match(r.err, message, argv.join(' '));
      assert.match(r.err, /--help" for usage/);
    }
  });
});

interface Served {
  readonly child: ChildProcessWithoutNullStreams;
  readonly lines: string[];
  readonly stderr: string[];
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<string>;
  exit(): Promise<number | null>;
}

const stores: string[] = [];
after(() => {
  for (const d of stores) fs.rmSync(d, { recursive: true, force: true });
});

/** A fresh store directory, so no test ever records into the user's real store. */
function tempStore(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'agent-trail-store-'));
  stores.push(d);
  return d;
}

function serve(command: string, args: string[], cwd: string): Served {
  if (args[0] === 'serve' && !args.includes('--db')) args = [...args, '--db', tempStore()];
  const child = spawn(process.execPath, [...(command.endsWith('.ts') ? ['--import', 'tsx'] : []), command, ...args], { cwd, env: { ...process.env, AGENT_TRAIL_TOKEN: '' } });
  const lines: string[] = [];
  const stderr: string[] = [];
  let buffer = '';
  const waiters: Array<() => void> = [];
  child.stdout.on('data', (c: Buffer) => {
    buffer += c.toString('utf8');
    const parts = buffer.split('\n');
    buffer = parts.pop() ?? '';
    lines.push(...parts);
    for (const w of waiters.splice(0)) w();
  });
  child.stderr.on('data', (c: Buffer) => stderr.push(c.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    lines,
    stderr,
    async waitFor(pattern, timeoutMs = 20_000) {
      const t0 = Date.now();
      for (;;) {
        const hit = lines.find((l) => pattern.test(l));
        if (hit) return hit;
        if (child.exitCode !== null) throw new Error(`exited ${child.exitCode} before ${pattern}: ${lines.join('\n')}${stderr.join('')}`);
        if (Date.now() - t0 > timeoutMs) throw new Error(`no line matching ${pattern} in:\n${lines.join('\n')}\n${stderr.join('')}`);
        await new Promise<void>((r) => {
          waiters.push(r);
          setTimeout(r, 100);
        });
      }
    },
    exit: () => exited,
  };
}

async function portOf(s: Served): Promise<number> {
  const line = await s.waitFor(/listening on http:\/\/127\.0\.0\.1:\d+/);
  return Number(/127\.0\.0\.1:(\d+)/.exec(line)?.[1]);
}

describe('agent-trail serve, as a process', () => {
  test('prints the port, one line per request, and stops cleanly on SIGTERM', async () => {
    const s = serve('src/cli/main.ts', ['serve', '--port', '0'], root);
    try {
      const port = await portOf(s);
      assert.ok(port > 0);
      assert.equal((await request(port, { headers: JSON_TYPE, body: fixture('claude-code/multi-tool-http-json/0001-http-logs.json') })).status, 200);
      const line = await s.waitFor(/ logs +json +13 records/);
      assert.match(line, /claude-code/);
      assert.match(line, /user_prompt, tool_decision ×4, tool_result ×3, api_request ×3, assistant_response ×2/);
      assert.equal((await request(port, { path: '/v1/traces', headers: PROTOBUF_TYPE, body: fixture('codex/multi-http-protobuf/0004-http-traces.pb') })).status, 200);
      assert.match(await s.waitFor(/ traces +protobuf +68 records/), /codex_exec/);
      assert.equal((await request(port, { method: 'GET' })).status, 405);
      assert.match(await s.waitFor(/refused 405/), /GET \/v1\/logs: method GET is not allowed/);
      s.child.kill('SIGTERM');
      assert.equal(await s.exit(), 0);
      assert.match(s.lines.at(-1) ?? '', /stopped after 2 requests: 13 log records, 0 metric points, 68 spans \(0 records rejected, 1 requests refused\)/);
    } finally {
      s.child.kill('SIGKILL');
    }
  });

  test('--json prints one JSON object per line; SIGINT stops it too', async () => {
    const db = tempStore();
    const s = serve('src/cli/main.ts', ['serve', '--port', '0', '--json', '--db', db, '--token', 'tkn'], root);
    try {
      const first = JSON.parse(await s.waitFor(/"type":"listening"/)) as { port: number; db: string; token: boolean };
      assert.equal(first.db, db);
      assert.equal(first.token, true);
      const body = fixture('gemini-cli/multi-http-json/0001-http-metrics.json');
      assert.equal((await request(first.port, { path: '/v1/metrics', headers: JSON_TYPE, body })).status, 401);
      assert.equal((await request(first.port, { path: '/v1/metrics', headers: { ...JSON_TYPE, authorization: 'Bearer tkn' }, body })).status, 200);
      const line = JSON.parse(await s.waitFor(/"type":"request"/)) as Record<string, unknown>;
      assert.equal(line.signal, 'metrics');
      assert.equal(line.encoding, 'json');
      assert.equal(line.records, 44);
      assert.deepEqual(line.services, ['gemini-cli']);
      assert.equal((line.names as Record<string, number>)['gemini_cli.token.usage'], 10);
      s.child.kill('SIGINT');
      assert.equal(await s.exit(), 0);
      const last = JSON.parse(s.lines.at(-1) ?? '{}') as { type: string; requests: number; refused: number };
      assert.deepEqual([last.type, last.requests, last.refused], ['stopped', 1, 1]);
    } finally {
      s.child.kill('SIGKILL');
    }
  });

  test('a taken port: exit 1 and a message that says what to do', async () => {
    const { listener, port } = await startListener(new RecordingSink());
    try {
      const s = serve('src/cli/main.ts', ['serve', '--port', String(port)], root);
      assert.equal(await s.exit(), 1);
      const err = s.stderr.join('');
      assert.match(err, new RegExp(`port ${port} on 127\\.0\\.0\\.1 is already in use by process ${process.pid}`));
      assert.match(err, /--port N/);
      assert.match(err, /0 for any free port/);
      assert.equal(err.trim().split('\n').length, 1, err);
    } finally {
      await listener.stop();
    }
  });

  test('bad arguments: exit 2 from the real process', async () => {
    const s = serve('src/cli/main.ts', ['serve', '--port', 'x'], root);
    assert.equal(await s.exit(), 2);
    assert.match(s.stderr.join(''), /--port must be a port number/);
  });
});

describe('agent-trail serve, bundled like dist/cli.js', () => {
  let dir = '';
  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'agent-trail-cli-'));
    // The same esbuild settings as scripts/build.mjs, into a folder with no node_modules and no .proto files.
    await esbuild.build({
      entryPoints: [path.join(root, 'src/cli/main.ts')],
      outfile: path.join(dir, 'cli.js'),
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      logLevel: 'silent',
      banner: { js: '#!/usr/bin/env node' },
    });
    // sql.js loads its wasm from beside the bundle, as in dist/.
    fs.copyFileSync(path.join(root, 'node_modules/sql.js/dist/sql-wasm.wasm'), path.join(dir, 'sql-wasm.wasm'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('decodes protobuf and gzip and records, from the bundle and its wasm alone', async () => {
    const s = serve(path.join(dir, 'cli.js'), ['serve', '--port', '0'], dir);
    try {
      const port = await portOf(s);
      const gz = fixture('claude-code/multi-tool-http-protobuf-gzip/0001-http-logs.pb.gz');
      const r = await request(port, { headers: { ...PROTOBUF_TYPE, 'content-encoding': 'gzip' }, body: gz });
      assert.equal(r.status, 200);
      assert.match(await s.waitFor(/ logs +protobuf +11 records/), /claude-code +user_prompt/);
      s.child.kill('SIGTERM');
      assert.equal(await s.exit(), 0);
    } finally {
      s.child.kill('SIGKILL');
    }
  });
});

// `agent-trail serve` with OTLP/gRPC (--grpc-port, --no-grpc) and forwarding
// (--forward URL): argument checks in-process; the real process (under tsx, and
// bundled by esbuild like dist/cli.js) receiving Gemini CLI's gzip gRPC capture
// and passing requests on to a collector.
import * as esbuild from 'esbuild';
import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { CliIo } from '../../../src/cli/command';
import { parseServeArgs } from '../../../src/cli/commands/serve';
import { createRegistry } from '../../../src/cli/main';
import { OtlpHttpListener } from '../../../src/core/otlp/httpReceiver';
import { fixture, fixtureBody, JSON_TYPE, RecordingSink, request } from './helpers';
import { bearer, grpcFrame, rawH2Call, RawGrpcClient } from './grpcHelpers';

const root = path.resolve(__dirname, '../../..');
const GEMINI_LOGS = 'gemini-cli/multi-grpc/0003-grpc-logs.pb.gz';
const LOGS_PATH = '/opentelemetry.proto.collector.logs.v1.LogsService/Export';

async function runCli(argv: string[], env: Record<string, string> = {}): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { out: (l) => out.push(l), err: (l) => err.push(l) };
  const code = await createRegistry().run(argv, { io, signal: new AbortController().signal, env });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('serve arguments for gRPC and forwarding', () => {
  test('defaults: gRPC on 4317, no forwarding; --no-grpc, --grpc-port 0, --forward and its headers', () => {
    const d = parseServeArgs([], {});
    assert.deepEqual([d.grpcPort, d.grpcPortExplicit, d.forward], [4317, false, undefined]);
    assert.equal(parseServeArgs(['--no-grpc'], {}).grpcPort, null);
    assert.deepEqual([parseServeArgs(['--grpc-port', '0'], {}).grpcPort, parseServeArgs(['--grpc-port', '0'], {}).grpcPortExplicit], [0, true]);
    const f = parseServeArgs(['--forward', 'https://otel.example.com:4318/team'], { AGENT_TRAIL_FORWARD_HEADERS: 'Authorization=Bearer%20abc, x-team = core' });
    assert.equal(f.forward, 'https://otel.example.com:4318/team');
    assert.deepEqual(f.forwardHeaders, { authorization: 'Bearer abc', 'x-team': 'core' });
  });

  test('bad combinations exit 2 with a clear message; --help lists the flags', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['serve', '--grpc-port', 'abc'], /--grpc-port must be a port number from 0 to 65535/],
      [['serve', '--grpc-port', '70000'], /--grpc-port must be a port number/],
      [['serve', '--no-grpc', '--grpc-port', '4317'], /--grpc-port and --no-grpc contradict each other/],
      [['serve', '--port', '5000', '--grpc-port', '5000'], /--grpc-port must differ from --port/],
      [['serve', '--forward', 'grpc://collector:4317'], /--forward: the forward URL must be http:\/\/ or https:\/\//],
      [['serve', '--forward', 'http://collector:4318/v1/traces'], /--forward: give the collector's base URL/],
      [['serve', '--forward', 'nope'], /--forward: the forward URL "nope" is not a URL/],
    ];
    for (const [argv, message] of cases) {
      const r = await runCli(argv);
      assert.equal(r.code, 2, argv.join(' '));
      assert.match(r.err, message, argv.join(' '));
    }
    const help = await runCli(['serve', '--help']);
    for (const flag of ['--grpc-port N', '--no-grpc', '--forward URL', 'OTLP/gRPC on port 4317']) assert.ok(help.out.includes(flag), flag);
  });
});

interface Served {
  readonly child: ChildProcessWithoutNullStreams;
  readonly lines: string[];
  readonly stderr: string[];
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<string>;
  exit(): Promise<number | null>;
}

const temp: string[] = [];
after(() => {
  for (const d of temp) fs.rmSync(d, { recursive: true, force: true });
});

function tempDir(prefix: string): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  temp.push(d);
  return d;
}

function serve(command: string, args: string[], cwd: string): Served {
  const child = spawn(process.execPath, [...(command.endsWith('.ts') ? ['--import', 'tsx'] : []), command, 'serve', ...args, '--db', tempDir('agent-trail-store-')], {
    cwd,
    env: { ...process.env, AGENT_TRAIL_TOKEN: '' },
  });
  const lines: string[] = [];
  const stderr: string[] = [];
  let buffer = '';
  child.stdout.on('data', (c: Buffer) => {
    buffer += c.toString('utf8');
    const parts = buffer.split('\n');
    buffer = parts.pop() ?? '';
    lines.push(...parts);
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
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    exit: () => exited,
  };
}

interface Listening {
  port: number;
  grpc: { host: string; port: number; url: string } | null;
  forward: string | null;
}

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as net.AddressInfo;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

describe('agent-trail serve with gRPC, as a process', () => {
  test('--grpc-port 0 --json: the gRPC port in the listening line; Gemini\'s gzip gRPC capture recorded; refusals printed', async () => {
    const s = serve('src/cli/main.ts', ['--port', '0', '--grpc-port', '0', '--json', '--token', 'tkn'], root);
    try {
      const first = JSON.parse(await s.waitFor(/"type":"listening"/)) as Listening;
      assert.ok(first.grpc && first.grpc.port > 0 && first.grpc.port !== first.port);
      assert.equal(first.grpc.url, `http://127.0.0.1:${first.grpc.port}`);
      assert.equal(first.forward, null);
      const frame = grpcFrame(fixture(GEMINI_LOGS), true);
      const denied = await rawH2Call(first.grpc.port, LOGS_PATH, frame, { 'grpc-encoding': 'gzip' });
      assert.equal(denied.grpcStatus, 16);
      const ok = await rawH2Call(first.grpc.port, LOGS_PATH, frame, { 'grpc-encoding': 'gzip', authorization: 'Bearer tkn' });
      assert.equal(ok.grpcStatus, 0, ok.grpcMessage);
      const line = JSON.parse(await s.waitFor(/"type":"request"/)) as Record<string, unknown>;
      assert.deepEqual([line.signal, line.encoding, line.services], ['logs', 'protobuf', ['gemini-cli']]);
      assert.equal(line.bytes, fixtureBody(GEMINI_LOGS).length);
      const refused = JSON.parse(await s.waitFor(/"type":"refused"/)) as Record<string, unknown>;
      assert.deepEqual([refused.transport, refused.code, refused.status], ['grpc', 16, 'UNAUTHENTICATED']);
      s.child.kill('SIGTERM');
      assert.equal(await s.exit(), 0);
      const last = JSON.parse(s.lines.at(-1) ?? '{}') as { type: string; requests: number; refused: number };
      assert.deepEqual([last.type, last.requests, last.refused], ['stopped', 1, 1]);
    } finally {
      s.child.kill('SIGKILL');
    }
  });

  test('--no-grpc: no gRPC port; text mode prints no gRPC line', async () => {
    const s = serve('src/cli/main.ts', ['--port', '0', '--no-grpc'], root);
    try {
      await s.waitFor(/Ctrl\+C to stop/);
      assert.ok(!s.lines.some((l) => /gRPC/.test(l)), s.lines.join('\n'));
      s.child.kill('SIGTERM');
      assert.equal(await s.exit(), 0);
    } finally {
      s.child.kill('SIGKILL');
    }
  });

  test('an explicit --grpc-port that is taken: exit 1 naming the gRPC flags', async () => {
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      const s = serve('src/cli/main.ts', ['--port', '0', '--grpc-port', String(port)], root);
      assert.equal(await s.exit(), 1);
      const err = s.stderr.join('');
      assert.match(err, new RegExp(`OTLP/gRPC port ${port} on 127\\.0\\.0\\.1 is already in use`));
      assert.match(err, /--grpc-port N/);
      assert.match(err, /--no-grpc/);
    } finally {
      await new Promise<void>((r) => blocker.close(() => r()));
    }
  });

  test('the default gRPC port taken by someone else: a warning, and OTLP/HTTP still runs', async (t) => {
    const blocker = net.createServer();
    const bound = await new Promise<boolean>((resolve) => {
      blocker.once('error', () => resolve(false));
      blocker.listen(4317, '127.0.0.1', () => resolve(true));
    });
    if (!bound) {
      t.skip('port 4317 is in use by another process; cannot control the case');
      return;
    }
    try {
      const s = serve('src/cli/main.ts', ['--port', '0'], root);
      try {
        const line = await s.waitFor(/listening on http:\/\/127\.0\.0\.1:\d+/);
        const port = Number(/:(\d+)/.exec(line)?.[1]);
        assert.ok(!s.lines.some((l) => /gRPC/.test(l)));
        assert.match(s.stderr.join(''), /OTLP\/gRPC port 4317 on 127\.0\.0\.1 is already in use by process \d+.*OTLP\/gRPC is off for this run; OTLP\/HTTP works\./s);
        assert.equal((await request(port, { headers: JSON_TYPE, body: fixture('claude-code/multi-tool-http-json/0001-http-logs.json') })).status, 200);
        s.child.kill('SIGTERM');
        assert.equal(await s.exit(), 0);
      } finally {
        s.child.kill('SIGKILL');
      }
    } finally {
      await new Promise<void>((r) => blocker.close(() => r()));
    }
  });
});

describe('agent-trail serve --forward, as a process', () => {
  test('HTTP and gRPC requests are recorded and passed on to the collector, body for body', async () => {
    const collector = new RecordingSink();
    const upstream = new OtlpHttpListener(collector, { port: 0 });
    const { url } = await upstream.start();
    const s = serve('src/cli/main.ts', ['--port', '0', '--grpc-port', '0', '--forward', url], root);
    const client = { current: undefined as RawGrpcClient | undefined };
    try {
      await s.waitFor(/Ctrl\+C to stop/);
      const port = Number(/listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(s.lines.join('\n'))?.[1]);
      const grpcPort = Number(/OTLP\/gRPC on http:\/\/127\.0\.0\.1:(\d+)/.exec(s.lines.join('\n'))?.[1]);
      assert.match(s.lines.join('\n'), new RegExp(`forwarding every stored request to ${url.replace(/[.]/g, '\\.')}`));
      const json = fixture('claude-code/multi-tool-http-json/0001-http-logs.json');
      assert.equal((await request(port, { headers: JSON_TYPE, body: json })).status, 200);
      client.current = new RawGrpcClient(grpcPort);
      const metrics = fixtureBody('codex/multi-grpc/0005-grpc-metrics.pb');
      assert.equal((await client.current.call('metrics', metrics, bearer('ignored'))).error, null);
      const t0 = Date.now();
      while (collector.requests.length < 2 && Date.now() - t0 < 10_000) await new Promise((r) => setTimeout(r, 20));
      assert.equal(collector.requests.length, 2);
      const byPath = new Map(collector.requests.map((r) => [r.signal, r]));
      assert.ok(Buffer.from(byPath.get('logs')?.body ?? []).equals(json));
      assert.equal(byPath.get('logs')?.encoding, 'json');
      assert.ok(Buffer.from(byPath.get('metrics')?.body ?? []).equals(metrics));
      assert.equal(byPath.get('metrics')?.encoding, 'protobuf');
      s.child.kill('SIGTERM');
      assert.equal(await s.exit(), 0);
      assert.match(s.lines.at(-2) ?? '', /forwarded 2 requests to http:\/\/127\.0\.0\.1:\d+ \(0 retries, 0 dropped, 0 refused by the upstream\)/);
      assert.match(s.lines.at(-1) ?? '', /stopped after 2 requests/);
    } finally {
      client.current?.close();
      s.child.kill('SIGKILL');
      await upstream.stop();
    }
  });

  test('an unreachable collector: local acks are immediate, the outage is logged, the exit says what was dropped', async () => {
    const dead = await freePort();
    const s = serve('src/cli/main.ts', ['--port', '0', '--no-grpc', '--forward', `http://127.0.0.1:${dead}`], root);
    try {
      const port = Number(/:(\d+)/.exec(await s.waitFor(/listening on http:\/\/127\.0\.0\.1:\d+/))?.[1]);
      await s.waitFor(/Ctrl\+C to stop/);
      const t0 = performance.now();
      for (let i = 0; i < 5; i++) assert.equal((await request(port, { headers: JSON_TYPE, body: fixture('claude-code/multi-tool-http-json/0001-http-logs.json') })).status, 200);
      assert.ok(performance.now() - t0 < 2_000);
      const t1 = Date.now();
      while (!/\[forward\].*ECONNREFUSED.*local recording continues/.test(s.stderr.join('')) && Date.now() - t1 < 10_000) await new Promise((r) => setTimeout(r, 20));
      assert.match(s.stderr.join(''), /\[forward\] forwarding to http:\/\/127\.0\.0\.1:\d+ failed \(ECONNREFUSED\); retrying with backoff, local recording continues/);
      s.child.kill('SIGTERM');
      assert.equal(await s.exit(), 0);
      assert.match(s.lines.at(-2) ?? '', /forwarded 0 requests .*5 dropped/);
      assert.match(s.lines.at(-1) ?? '', /stopped after 5 requests/);
    } finally {
      s.child.kill('SIGKILL');
    }
  });

  test('--forward to the listener itself is refused (it would loop)', async () => {
    const port = await freePort();
    const s = serve('src/cli/main.ts', ['--port', String(port), '--no-grpc', '--forward', `http://localhost:${port}`], root);
    assert.equal(await s.exit(), 1);
    assert.match(s.stderr.join(''), /is this listener itself: every request would loop/);
  });
});

describe('agent-trail serve with gRPC, bundled like dist/cli.js', () => {
  let dir = '';
  before(async () => {
    dir = tempDir('agent-trail-cli-grpc-');
    // scripts/build.mjs's CLI settings, into a folder with no node_modules: grpc-js must be in the bundle.
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
    fs.copyFileSync(path.join(root, 'node_modules/sql.js/dist/sql-wasm.wasm'), path.join(dir, 'sql-wasm.wasm'));
  });

  test('the bundle serves OTLP/gRPC: Gemini\'s gzip capture recorded', async () => {
    const s = serve(path.join(dir, 'cli.js'), ['--port', '0', '--grpc-port', '0'], dir);
    try {
      const line = await s.waitFor(/OTLP\/gRPC on http:\/\/127\.0\.0\.1:\d+/);
      const grpcPort = Number(/:(\d+)/.exec(line)?.[1]);
      const ok = await rawH2Call(grpcPort, LOGS_PATH, grpcFrame(fixture(GEMINI_LOGS), true), { 'grpc-encoding': 'gzip' });
      assert.equal(ok.grpcStatus, 0, ok.grpcMessage);
      assert.match(await s.waitFor(/ logs +protobuf +\d+ records/), /gemini-cli/);
      s.child.kill('SIGTERM');
      assert.equal(await s.exit(), 0);
      assert.equal(s.stderr.join(''), '');
    } finally {
      s.child.kill('SIGKILL');
    }
  });
});

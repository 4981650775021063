// One owner per machine, readers through it, and take-over when the owner goes:
// two coordinators on one data directory in one process, the real store, the
// real listener and the real query server, fed with a recorded Claude Code export.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { TrailCoordinator, type TrailCoordinatorOptions } from '../../../src/core/query/trailCoordinator';
import { OWNER_LOCK_FILE_NAME, readOwner } from '../../../src/core/store/ownerLock';
import { FIXTURES, tempDir } from './support';
import { RecordingSink, startListener } from '../otlp/helpers';
import { RawGrpcClient } from '../otlp/grpcHelpers';

const SCENARIO = path.join(FIXTURES, 'claude-code/multi-tool-http-json');
const cleanups: Array<() => Promise<void> | void> = [];
after(async () => {
  for (const c of cleanups.reverse()) await c();
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

function postOtlp(port: number, file: string): Promise<number> {
  const body = fs.readFileSync(path.join(SCENARIO, file));
  const signal = /-(logs|metrics|traces)\.json$/.exec(file)?.[1] ?? 'logs';
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, method: 'POST', path: `/v1/${signal}`, agent: false, headers: { 'content-type': 'application/json' } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function waitFor<T>(probe: () => T | undefined | null | false | Promise<T | undefined | null | false>, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function coordinator(dataDir: string, port: number, extra: Partial<TrailCoordinatorOptions> = {}): TrailCoordinator {
  const c = new TrailCoordinator({
    dataDir,
    listener: { enabled: true, port, bearerToken: '' },
    pollIntervalMs: 100,
    dataDebounceMs: 20,
    bindRetryDelayMs: 50,
    ...extra,
  });
  cleanups.push(() => c.stop());
  return c;
}

const listeningPort = (c: TrailCoordinator): number | undefined => (c.listenerState.kind === 'listening' ? c.listenerState.port : undefined);

test('the first process owns, the second reads through it, and takes over when the owner stops', async () => {
  const { dir, remove } = tempDir();
  cleanups.push(remove);
  const port = await freePort();
  const a = coordinator(dir, port);
  await a.start();
  assert.equal(a.role, 'owner');
  assert.equal(listeningPort(a), port);
  assert.equal(await postOtlp(port, '0001-http-logs.json'), 200);
  const sessions = await a.queries.listSessions();
  assert.equal(sessions.length, 1);
  const lock = await readOwner(dir);
  assert.equal(lock?.pid, process.pid);
  assert.equal(lock?.port, port);
  assert.ok(lock?.queryPort, 'the lock names the query server');
  assert.equal((fs.statSync(path.join(dir, 'query.secret')).mode & 0o077), 0, 'the secret is private');

  const b = coordinator(dir, port);
  await b.start();
  assert.equal(b.role, 'reader');
  assert.deepEqual(await b.queries.listSessions(), sessions);
  assert.equal(b.owner?.pid, process.pid);
  assert.equal(b.owner?.isThisProcess, false, 'another coordinator owns it');
  assert.equal(listeningPort(b), port, 'a reader reports the owner listener');

  // New data in the owner reaches the reader through the version poll.
  let readerSaw = 0;
  b.onDidChangeData(() => readerSaw++);
  const promptsBefore = (await b.queries.listPrompts()).length;
  assert.equal(await postOtlp(port, '0004-http-logs.json'), 200);
  await waitFor(() => readerSaw > 0, 'the reader to notice new data');
  assert.ok((await b.queries.listPrompts()).length >= promptsBefore);

  // Pause from the reader pauses the owner's listener.
  await b.pause();
  assert.equal(a.listenerState.kind, 'paused');
  assert.equal(b.listenerState.kind, 'paused');
  await b.resume();
  assert.equal(listeningPort(a), port);

  const allPrompts = await a.queries.listPrompts();
  await a.stop();
  assert.equal(a.role, 'stopped');
  await waitFor(() => b.role === 'owner' && listeningPort(b) === port, 'the reader to take over the port');
  assert.deepEqual(await b.queries.listPrompts(), allPrompts, 'nothing acknowledged was lost');
  assert.equal(await postOtlp(port, '0002-http-traces.json'), 200);

  // The old owner comes back as a reader of the new one.
  await a.start();
  assert.equal(a.role, 'reader');
  assert.equal(a.owner?.pid, process.pid);
  assert.deepEqual(await a.queries.listSessions(), await b.queries.listSessions());
});

test('listener settings apply without restarting: a new port moves it, enabled=false stops it', async () => {
  const { dir, remove } = tempDir();
  cleanups.push(remove);
  const c = coordinator(dir, 0);
  await c.start();
  const first = listeningPort(c);
  assert.ok(first);
  const next = await freePort();
  await c.updateListenerSettings({ enabled: true, port: next, bearerToken: '' });
  assert.equal(listeningPort(c), next);
  assert.equal(await postOtlp(next, '0001-http-logs.json'), 200);
  assert.equal((await readOwner(dir))?.port, next);
  await c.updateListenerSettings({ enabled: false, port: next, bearerToken: '' });
  assert.equal(c.listenerState.kind, 'disabled');
  await assert.rejects(postOtlp(next, '0001-http-logs.json'));
  await c.updateListenerSettings({ enabled: true, port: next, bearerToken: 'tok' });
  assert.equal(listeningPort(c), next);
  assert.equal(await postOtlp(next, '0001-http-logs.json'), 401, 'the new token applies');
});

test('a taken port is an error naming the port; resume() retries', async () => {
  const { dir, remove } = tempDir();
  cleanups.push(remove);
  const blocker = net.createServer();
  await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
  const port = (blocker.address() as net.AddressInfo).port;
  const c = coordinator(dir, port, { bindAttempts: 2 });
  await c.start();
  assert.equal(c.role, 'owner');
  const state = c.listenerState;
  assert.equal(state.kind, 'error');
  if (state.kind === 'error') {
    assert.equal(state.port, port);
    assert.match(state.message, new RegExp(`port ${port}`));
    if (process.platform === 'linux') assert.equal(state.holder?.pid, process.pid);
  }
  assert.equal((await c.queries.listSessions()).length, 0, 'the store works without a listener');
  await new Promise<void>((r) => blocker.close(() => r()));
  await c.resume();
  assert.equal(listeningPort(c), port);
});

test('a lock whose owner looks alive but never answers is taken over after the grace period', async () => {
  const { dir, remove } = tempDir();
  cleanups.push(remove);
  const deadQueryPort = await freePort();
  // pid 1 is always alive; its "query server" refuses connections.
  const stale = { pid: 1, hostname: os.hostname(), port: null, queryPort: deadQueryPort, startedAtMs: 1, token: 'stale' };
  fs.writeFileSync(path.join(dir, OWNER_LOCK_FILE_NAME), `${JSON.stringify(stale)}\n`);
  fs.writeFileSync(path.join(dir, 'query.secret'), `${'c'.repeat(64)}\n`, { mode: 0o600 });
  const c = coordinator(dir, 0, { unreachableOwnerMs: 300 });
  await c.start();
  assert.equal(c.role, 'reader');
  await waitFor(() => c.role === 'owner', 'the take-over');
  assert.equal((await readOwner(dir))?.pid, process.pid);
});

test('stop() flushes: a fresh open of the directory sees everything', async () => {
  const { dir, remove } = tempDir();
  cleanups.push(remove);
  const c = coordinator(dir, 0);
  await c.start();
  const port = listeningPort(c) as number;
  for (const f of ['0001-http-logs.json', '0002-http-traces.json', '0003-http-metrics.json']) assert.equal(await postOtlp(port, f), 200);
  const prompts = await c.queries.listPrompts();
  await c.stop();
  assert.equal(fs.existsSync(path.join(dir, OWNER_LOCK_FILE_NAME)), false, 'lock released');
  const again = coordinator(dir, 0);
  await again.start();
  assert.deepEqual(await again.queries.listPrompts(), prompts);
});

test('queries of a stopped coordinator reject instead of hanging', async () => {
  const { dir, remove } = tempDir();
  cleanups.push(remove);
  const c = coordinator(dir, 0);
  await assert.rejects(c.queries.listSessions(), /stopped/);
});

test('the owner also receives OTLP/gRPC and forwards every stored request to a team collector', async () => {
  const { dir, remove } = tempDir();
  cleanups.push(remove);
  // The team collector: another listener, recording what reaches it.
  const upstream = new RecordingSink();
  const { listener: collector, url: collectorUrl } = await startListener(upstream);
  cleanups.push(() => collector.stop());
  const port = await freePort();
  const a = coordinator(dir, port, { listener: { enabled: true, port, bearerToken: '', grpcPort: 0, forwardUrl: collectorUrl } });
  await a.start();
  const state = a.listenerState;
  assert.ok(state.kind === 'listening' && state.grpcPort, 'the gRPC port is reported');

  // HTTP: stored locally, and passed on unchanged.
  assert.equal(await postOtlp(port, '0001-http-logs.json'), 200);
  // gRPC: the captured Claude Code gRPC message, as sent.
  const grpcBody = fs.readFileSync(path.join(FIXTURES, 'claude-code/multi-tool-grpc/0001-grpc-logs.pb'));
  const client = new RawGrpcClient(state.grpcPort);
  cleanups.push(() => client.close());
  const { error } = await client.call('logs', grpcBody);
  assert.equal(error, null);

  const sessions = await a.queries.listSessions();
  assert.equal(sessions.length, 2, 'one session from each capture, both stored locally');
  await waitFor(() => upstream.requests.length >= 2, 'both requests to reach the collector');
  const bodies = upstream.requests.map((r) => Buffer.from(r.body));
  assert.ok(bodies.some((b) => b.equals(fs.readFileSync(path.join(SCENARIO, '0001-http-logs.json')))), 'the HTTP body arrives byte for byte');
  assert.ok(bodies.some((b) => b.equals(grpcBody)), 'the gRPC message arrives as the same protobuf bytes');

  // Switching gRPC off applies without a restart of the process.
  await a.updateListenerSettings({ enabled: true, port, bearerToken: '', grpcPort: null, forwardUrl: '' });
  const after = a.listenerState;
  assert.ok(after.kind === 'listening' && after.grpcPort === undefined);
  assert.equal(await postOtlp(port, '0004-http-logs.json'), 200);
});

// One store, one writer, many windows: a second TrailService on the extension's
// data directory (as another VS Code window would run it) reads the owner's data
// through its query server; when the owner window goes, the second one takes
// over the same port with every acknowledged record; when the first comes back
// it reads through the new owner, and takes over again when that one goes.
import * as assert from 'assert';
import * as fs from 'fs';
import * as http from 'http';
import { suite, suiteSetup, suiteTeardown, test } from 'mocha';
import * as net from 'net';
import * as path from 'path';
import * as vscode from 'vscode';
import type { AgentTrailApi, TrailServiceHandle } from '../../../src/extension/api';
import { activateExtension, getExtension, log, waitFor } from '../helpers';

const SCENARIO = 'test/fixtures/claude-code/multi-tool-http-json';

function postOtlp(port: number, signal: string, body: Buffer): Promise<number> {
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

suite('ownership', () => {
  let api: AgentTrailApi;
  let repo: string;
  let port: number;
  let other: TrailServiceHandle | undefined;
  const config = (): vscode.WorkspaceConfiguration => vscode.workspace.getConfiguration('agentTrail');
  let savedPort: number | undefined;
  const fixture = (name: string): Buffer => fs.readFileSync(path.join(repo, SCENARIO, name));

  suiteSetup(async () => {
    api = await activateExtension<AgentTrailApi>();
    repo = getExtension().extensionPath;
    await api.service.whenReady();
    savedPort = config().inspect<number>('listener.port')?.globalValue;
    // A fixed port, so that "takes over the port" means the same number.
    port = await freePort();
    await config().update('listener.port', port, vscode.ConfigurationTarget.Global);
    await waitFor(() => api.listenerPort() === port, { message: `the listener on ${port}` });
  });

  suiteTeardown(async () => {
    other?.dispose();
    if (api.service.role === 'stopped') await api.service.start();
    await config().update('listener.port', savedPort, vscode.ConfigurationTarget.Global);
  });

  test('a second window reads through the owner, takes over when it closes, and hands back', async function () {
    this.timeout(60_000);
    assert.strictEqual(api.service.role, 'owner');
    assert.strictEqual(await postOtlp(port, 'logs', fixture('0004-http-logs.json')), 200);

    other = api.createService({ dataDir: api.dataDir, listener: { enabled: true, port, bearerToken: '' }, pollIntervalMs: 250 });
    await other.start();
    assert.strictEqual(other.role, 'reader');
    assert.strictEqual(other.owner?.pid, process.pid);
    assert.strictEqual(other.listenerState.kind, 'listening', 'the reader reports the owner listener');
    const ownerPrompts = await api.service.queries.listPrompts();
    assert.ok(ownerPrompts.length > 0);
    assert.deepStrictEqual(await other.queries.listPrompts(), ownerPrompts, 'the reader sees the owner data');
    assert.deepStrictEqual(await other.queries.listSessions(), await api.service.queries.listSessions());

    // New data in the owner reaches the reader through the version poll.
    let readerSaw = 0;
    const sub = other.onDidChangeData(() => readerSaw++);
    assert.strictEqual(await postOtlp(port, 'traces', fixture('0005-http-traces.json')), 200);
    await waitFor(() => readerSaw > 0, { message: 'the reader to notice new data' });
    sub.dispose();

    // The owner window closes (what deactivate runs).
    const everything = await api.service.queries.listPrompts();
    const stopped = performance.now();
    await api.service.stop();
    await waitFor(() => other?.role === 'owner' && other.ownListenerPort === port, { message: 'the reader to take over the port', timeoutMs: 15_000 });
    const takeOverMs = performance.now() - stopped;
    assert.deepStrictEqual(await other.queries.listPrompts(), everything, 'nothing acknowledged was lost');
    assert.strictEqual(await postOtlp(port, 'metrics', fixture('0003-http-metrics.json')), 200);

    // The first window comes back: it reads through the new owner.
    await api.service.start();
    assert.strictEqual(api.service.role, 'reader');
    assert.deepStrictEqual(await api.service.queries.listPrompts(), await other.queries.listPrompts());

    // The second window closes: the first takes over again.
    const stoppedAgain = performance.now();
    await other.stop();
    other.dispose();
    other = undefined;
    await waitFor(() => api.service.role === 'owner' && api.listenerPort() === port, { message: 'the first window to take over again', timeoutMs: 15_000 });
    log(`    take-over after the owner stopped: ${takeOverMs.toFixed(0)} ms (reader polling every 250 ms), back: ${(performance.now() - stoppedAgain).toFixed(0)} ms (every 1000 ms)`);
    assert.deepStrictEqual((await api.service.queries.listPrompts()).length, everything.length);
  });
});

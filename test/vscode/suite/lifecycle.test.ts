// The extension's lifetime in a real VS Code: it activates fast, its listener
// answers without any user action, a recorded Claude Code export posted to it
// shows up through service.queries and in the status bar, listener settings
// apply without a reload, and deactivate() leaves everything on disk.
import * as assert from 'assert';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as http from 'http';
import { suite, suiteSetup, suiteTeardown, test } from 'mocha';
import * as net from 'net';
import * as path from 'path';
import * as vscode from 'vscode';
import { TrailStore } from '../../../src/core/store/trailStore';
import type { AgentTrailApi } from '../../../src/extension/api';
import { COMMANDS } from '../../../src/extension/commands';
import { activateExtension, getExtension, log, waitFor } from '../helpers';

const SCENARIO = 'test/fixtures/claude-code/multi-tool-http-json';

function postOtlp(port: number, signal: string, body: string | Buffer): Promise<number> {
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

function refusesConnections(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port });
    s.once('connect', () => {
      s.destroy();
      resolve(false);
    });
    s.once('error', () => resolve(true));
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

/**
 * A recorded body as a new session that happened `agoMs` ago (today's cost, the active agent): times
 * shifted, every id (session, prompt, request) replaced, so whatever other suites posted does not matter.
 */
function recordedNow(text: string, agoMs: number): string {
  const first = /"timeUnixNano":"(\d+)"/.exec(text);
  if (!first) return text;
  const delta = BigInt(Date.now() - agoMs) * 1_000_000n - BigInt(first[1]);
  const ids = new Map<string, string>();
  return text
    .replace(/"(timeUnixNano|observedTimeUnixNano|startTimeUnixNano|endTimeUnixNano)":"(\d+)"/g, (_m, key: string, v: string) =>
      v === '0' ? `"${key}":"0"` : `"${key}":"${BigInt(v) + delta}"`,
    )
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, (id) => {
      if (!ids.has(id)) ids.set(id, crypto.randomUUID());
      return ids.get(id) as string;
    });
}

suite('lifecycle', () => {
  let api: AgentTrailApi;
  let repo: string;
  const config = (): vscode.WorkspaceConfiguration => vscode.workspace.getConfiguration('agentTrail');
  let savedPort: number | undefined;

  suiteSetup(async () => {
    api = await activateExtension<AgentTrailApi>();
    repo = getExtension().extensionPath;
    savedPort = config().inspect<number>('listener.port')?.globalValue;
  });

  suiteTeardown(async () => {
    await config().update('listener.enabled', undefined, vscode.ConfigurationTarget.Global);
    await config().update('listener.port', savedPort, vscode.ConfigurationTarget.Global);
  });

  test('activates fast; the listener answers without any user action', async () => {
    const port = await waitFor(() => api.listenerPort(), { message: 'the listener', timeoutMs: 15_000 });
    const t = api.timings;
    log(
      `    activate() ${t.activateMs.toFixed(1)} ms (extension host up ${t.hostUptimeAtActivationMs.toFixed(0)} ms); ` +
        `role settled ${t.roleReadyMs?.toFixed(0)} ms and listener answering ${t.listenerReadyMs?.toFixed(0)} ms after activation started; port ${port}`,
    );
    assert.strictEqual(api.service.role, 'owner');
    assert.ok(t.activateMs < 250, `activate() took ${t.activateMs} ms`);
    assert.ok(t.listenerReadyMs !== undefined && t.listenerReadyMs < 3_000, `listener ready after ${t.listenerReadyMs} ms`);
    assert.strictEqual(await refusesConnections(port), false);
    assert.ok(fs.existsSync(path.join(api.dataDir, 'owner.lock')), `the lock is in ${api.dataDir}`);
    const runDir = process.env.E2E_RUN_DIR;
    if (runDir) assert.ok(api.dataDir.startsWith(runDir), `the store of this run (${api.dataDir}), not the user's`);
  });

  test('a recorded Claude Code export is stored (200) and visible through service.queries and the status bar', async () => {
    const port = api.listenerPort() as number;
    const body = recordedNow(fs.readFileSync(path.join(repo, SCENARIO, '0001-http-logs.json'), 'utf8'), 20_000);
    const known = new Set((await api.service.queries.listPrompts()).map((p) => p.id));
    const sessionsBefore = (await api.service.queries.listSessions()).length;
    let changed = 0;
    const sub = api.service.onDidChangeData(() => changed++);
    const started = performance.now();
    assert.strictEqual(await postOtlp(port, 'logs', body), 200);
    const ackMs = performance.now() - started;
    const added = (await api.service.queries.listPrompts()).filter((p) => !known.has(p.id));
    log(`    200 after ${ackMs.toFixed(1)} ms; new prompt(s): ${added.map((p) => `${p.agent} $${p.costUsd} (${p.costSource})`).join(', ')}`);
    assert.strictEqual(added.length, 1);
    assert.strictEqual(added[0].agent, 'claude-code');
    assert.ok(added[0].toolCalls.length > 0, 'its tool calls');
    assert.strictEqual((await api.service.queries.listSessions()).length, sessionsBefore + 1);
    assert.ok((await api.service.queries.filesTouched({ sessionId: added[0].sessionId ?? undefined })).length > 0, 'files touched');
    await waitFor(() => changed > 0, { message: 'onDidChangeData' });
    sub.dispose();
    const status = await waitFor(() => (/Claude Code/.test(api.statusBar().text) ? api.statusBar() : null), { message: 'the status bar to show the agent' });
    log(`    status bar: ${status.text}`);
    assert.match(status.text, /\$\(broadcast\) \$0\.\d\d · Claude Code/);
    assert.match(status.tooltip, new RegExp(`127\\.0\\.0\\.1:${port}`));
  });

  test('changing agentTrail.listener.port moves the listener without a reload', async () => {
    const old = api.listenerPort() as number;
    const next = await freePort();
    const started = performance.now();
    await config().update('listener.port', next, vscode.ConfigurationTarget.Global);
    await waitFor(() => api.listenerPort() === next, { message: `the listener on ${next}` });
    log(`    moved ${old} → ${next} in ${(performance.now() - started).toFixed(0)} ms`);
    const body = fs.readFileSync(path.join(repo, SCENARIO, '0002-http-traces.json'));
    assert.strictEqual(await postOtlp(next, 'traces', body), 200);
    await waitFor(() => refusesConnections(old), { message: `port ${old} to close` });
  });

  test('agentTrail.listener.enabled=false stops the listener, true starts it again', async () => {
    const port = api.listenerPort() as number;
    await config().update('listener.enabled', false, vscode.ConfigurationTarget.Global);
    await waitFor(() => api.service.listenerState.kind === 'disabled', { message: 'the listener to stop' });
    assert.strictEqual(await refusesConnections(port), true);
    assert.match(api.statusBar().text, /circle-slash/);
    await config().update('listener.enabled', true, vscode.ConfigurationTarget.Global);
    await waitFor(() => api.listenerPort() === port, { message: 'the listener to start again' });
  });

  test('a port taken by another process: the listener stays where it was and the tooltip says who holds the port', async () => {
    const current = api.listenerPort() as number;
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', () => resolve()));
    const taken = (blocker.address() as net.AddressInfo).port;
    try {
      await config().update('listener.port', taken, vscode.ConfigurationTarget.Global);
      const state = await waitFor(() => (api.service.listenerState.kind === 'listening' && api.service.listenerState.warning ? api.service.listenerState : null), {
        message: 'the warning',
      });
      assert.strictEqual(state.port, current);
      const tooltip = api.statusBar().tooltip;
      log(`    tooltip: ${tooltip.split('\n')[0]}`);
      assert.match(tooltip, new RegExp(`could not move to port ${taken}`));
      assert.match(tooltip, new RegExp(`in use by process ${process.pid}`), 'names the holder (this extension host)');
    } finally {
      await new Promise<void>((resolve) => blocker.close(() => resolve()));
    }
    // The port is free now: applying the same setting again moves there.
    await config().update('listener.port', current, vscode.ConfigurationTarget.Global);
    await waitFor(() => api.listenerPort() === current && api.service.listenerState.kind === 'listening' && !api.service.listenerState.warning, { message: 'the warning to go' });
  });

  test('Pause Listening and Resume Listening', async () => {
    const port = api.listenerPort() as number;
    await vscode.commands.executeCommand('agentTrail.pauseListening');
    assert.strictEqual(api.service.listenerState.kind, 'paused');
    assert.strictEqual(await refusesConnections(port), true);
    await vscode.commands.executeCommand('agentTrail.resumeListening');
    assert.strictEqual(api.listenerPort(), port);
  });

  test('every command of the COMMANDS map is contributed (category Agent Trail) and registered', async () => {
    const registered = new Set(await vscode.commands.getCommands(true));
    const contributed = new Map((getExtension().packageJSON.contributes.commands as Array<{ command: string; category?: string }>).map((c) => [c.command, c]));
    for (const id of Object.values(COMMANDS)) {
      assert.strictEqual(contributed.get(id)?.category, 'Agent Trail', `${id} in package.json`);
      assert.ok(registered.has(id), `${id} is registered`);
    }
  });

  test('deactivate() closes the listener and flushes the store: the files on disk hold everything', async () => {
    const port = api.listenerPort() as number;
    const prompts = await api.service.queries.listPrompts();
    const sessions = await api.service.queries.listSessions();
    // The extension's own module, as the extension host loaded it.
    const main = require(path.join(repo, 'dist', 'extension.js')) as { deactivate(): Promise<void> };
    const started = performance.now();
    await main.deactivate();
    log(`    deactivate() took ${(performance.now() - started).toFixed(0)} ms`);
    assert.strictEqual(api.service.role, 'stopped');
    assert.strictEqual(await refusesConnections(port), true);
    assert.strictEqual(fs.existsSync(path.join(api.dataDir, 'owner.lock')), false, 'the lock is released');
    const { store } = await TrailStore.open({ dataDir: api.dataDir, wasmPath: path.join(repo, 'dist', 'sql-wasm.wasm') });
    try {
      assert.deepStrictEqual(store.queries.listPrompts(), prompts);
      assert.deepStrictEqual(store.queries.listSessions(), sessions);
    } finally {
      await store.close();
    }
    // Back in service for the suites that follow.
    await api.service.start();
    await waitFor(() => api.listenerPort(), { message: 'the listener after restart' });
  });
});

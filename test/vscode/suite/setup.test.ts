// "Agent Trail: Set Up <agent>" driven with arguments (no dialogs): the right
// file, the current listener port, every existing setting kept, nothing written
// over a file that cannot be merged into.
import * as assert from 'assert';
import * as fs from 'fs';
import { suite, suiteSetup, teardown, test } from 'mocha';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import type { AgentTrailApi } from '../../../src/extension/api';
import type { SetupResult } from '../../../src/extension/setup/agentSetupCommand';
import { activateExtension, waitFor, workspaceRoot } from '../helpers';

const run = (command: string, args: unknown): Thenable<SetupResult> => vscode.commands.executeCommand<SetupResult>(command, args);

suite('setup', () => {
  let api: AgentTrailApi;
  let port: number;
  const created: string[] = [];

  suiteSetup(async () => {
    api = await activateExtension<AgentTrailApi>();
    await api.service.whenReady();
    port = await waitFor(() => api.listenerPort(), { message: 'the listener' });
  });

  teardown(() => {
    for (const p of created.splice(0)) fs.rmSync(p, { recursive: true, force: true });
  });

  function writeWorkspaceFile(rel: string, text: string): string {
    const file = path.join(workspaceRoot(), rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
    created.push(path.join(workspaceRoot(), rel.split('/')[0]));
    return file;
  }

  test('Claude Code: the workspace .claude/settings.json gets the env block, other keys stay', async () => {
    const file = writeWorkspaceFile(
      '.claude/settings.json',
      JSON.stringify({ permissions: { allow: ['Bash(npm test)'] }, env: { MY_VAR: 'kept', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://elsewhere:1' }, model: 'opus' }, null, 2),
    );
    const result = await run('agentTrail.setupClaudeCode', { target: 'workspace', confirm: true });
    assert.strictEqual(result.status, 'written', result.message);
    assert.strictEqual(result.file, file);
    const written = JSON.parse(fs.readFileSync(file, 'utf8'));
    assert.deepStrictEqual(written.permissions, { allow: ['Bash(npm test)'] });
    assert.strictEqual(written.model, 'opus');
    assert.strictEqual(written.env.MY_VAR, 'kept');
    assert.strictEqual(written.env.CLAUDE_CODE_ENABLE_TELEMETRY, '1');
    assert.strictEqual(written.env.OTEL_EXPORTER_OTLP_ENDPOINT, `http://127.0.0.1:${port}`);
    const endpointChange = result.changes.find((c) => c.key === 'env.OTEL_EXPORTER_OTLP_ENDPOINT');
    assert.deepStrictEqual(endpointChange, { key: 'env.OTEL_EXPORTER_OTLP_ENDPOINT', before: 'http://elsewhere:1', after: `http://127.0.0.1:${port}` });
    // A second run finds nothing to change.
    assert.strictEqual((await run('agentTrail.setupClaudeCode', { target: 'workspace', confirm: true })).status, 'unchanged');
  });

  test('Claude Code: a missing file is created', async () => {
    created.push(path.join(workspaceRoot(), '.claude'));
    const result = await run('agentTrail.setupClaudeCode', { target: 'workspace', confirm: true });
    assert.strictEqual(result.status, 'written', result.message);
    const written = JSON.parse(fs.readFileSync(path.join(workspaceRoot(), '.claude/settings.json'), 'utf8'));
    assert.strictEqual(written.env.OTEL_EXPORTER_OTLP_ENDPOINT, `http://127.0.0.1:${port}`);
  });

  test('Gemini CLI: the workspace .gemini/settings.json gets the telemetry block, other keys stay', async () => {
    const file = writeWorkspaceFile(
      '.gemini/settings.json',
      '{\n  // my theme\n  "theme": "GitHub",\n  "telemetry": { "enabled": false, "otlpEndpoint": "http://old:1", "outfile": "" }\n}\n',
    );
    const result = await run('agentTrail.setupGeminiCli', { target: 'workspace', confirm: true });
    assert.strictEqual(result.status, 'written', result.message);
    const text = fs.readFileSync(file, 'utf8');
    assert.match(text, /\/\/ my theme/, 'comments are kept');
    const written = JSON.parse(text.replace(/^\s*\/\/.*$/m, ''));
    assert.strictEqual(written.theme, 'GitHub');
    assert.strictEqual(written.telemetry.enabled, true);
    assert.strictEqual(written.telemetry.target, 'local');
    assert.strictEqual(written.telemetry.otlpProtocol, 'http');
    assert.strictEqual(written.telemetry.otlpEndpoint, `http://127.0.0.1:${port}`);
    assert.strictEqual(written.telemetry.outfile, '', 'keys the plan does not name stay');
  });

  test('a settings file that is not valid JSON is never overwritten', async () => {
    const broken = '{ "theme": "GitHub", oops\n';
    const file = writeWorkspaceFile('.gemini/settings.json', broken);
    const result = await run('agentTrail.setupGeminiCli', { target: 'workspace', confirm: true });
    assert.strictEqual(result.status, 'failed');
    assert.match(result.message ?? '', /not valid JSON/);
    assert.strictEqual(fs.readFileSync(file, 'utf8'), broken);
  });

  test('Codex CLI: $CODEX_HOME/config.toml gets the [otel] table, other tables stay', async () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'agent-trail-codex-'));
    created.push(home);
    const file = path.join(home, 'config.toml');
    fs.writeFileSync(file, 'model = "o4"\n\n[profiles.work]\nmodel = "o3"\n');
    const saved = process.env.CODEX_HOME;
    process.env.CODEX_HOME = home;
    try {
      const result = await run('agentTrail.setupCodex', { target: 'user', confirm: true });
      assert.strictEqual(result.status, 'written', result.message);
      assert.strictEqual(result.file, file);
    } finally {
      if (saved === undefined) delete process.env.CODEX_HOME;
      else process.env.CODEX_HOME = saved;
    }
    const text = fs.readFileSync(file, 'utf8');
    assert.match(text, /^model = "o4"$/m);
    assert.match(text, /\[profiles\.work\]\nmodel = "o3"/);
    assert.ok(text.includes(`endpoint = "http://127.0.0.1:${port}/v1/logs"`), text);
  });

  test('GitHub Copilot without Copilot Chat installed: refused, nothing half-written', async () => {
    const result = await run('agentTrail.setupCopilot', { target: 'user', confirm: true });
    if (result.status === 'written') {
      // A VS Code that accepts unregistered settings: then they must be right.
      const conf = vscode.workspace.getConfiguration();
      assert.strictEqual(conf.get('github.copilot.chat.otel.otlpEndpoint'), `http://127.0.0.1:${port}`);
      for (const c of result.changes) await conf.update(c.key, undefined, vscode.ConfigurationTarget.Global);
      return;
    }
    assert.strictEqual(result.status, 'failed');
    assert.match(result.message ?? '', /Copilot Chat/);
  });

  test('arguments are checked before anything is written', async () => {
    const result = await run('agentTrail.setupClaudeCode', { target: 'somewhere', confirm: true });
    assert.strictEqual(result.status, 'failed');
    assert.strictEqual(fs.existsSync(path.join(workspaceRoot(), '.claude')), false);
  });
});

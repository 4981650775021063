// The Agent Trail tree in a real VS Code: after the recorded Claude Code session
// is posted to the listener, the view shows session → prompt → its 7 tool calls
// with their decisions and results, file links that open the file, tooltips as
// untrusted markdown; revealPrompt (the CodeLens link) finds the prompt.
import * as assert from 'assert';
import * as fs from 'fs';
import * as http from 'http';
import { suite, suiteSetup, teardown, test } from 'mocha';
import * as path from 'path';
import * as vscode from 'vscode';
import type { AgentTrailApi } from '../../../src/extension/api';
import type { TreeSnapshot } from '../../../src/extension/tree/trailTreeView';
import { activateExtension, closeAllEditors, getExtension, log, waitFor, workspaceRoot } from '../helpers';

const FIXTURE = 'test/fixtures/claude-code/multi-tool-http-json';
const RECORDED_WORKSPACE = '/home/dev/projects/multi-tool-http-json';

interface Scenario {
  readonly sessionIds: readonly string[];
  readonly prompts: ReadonlyArray<{
    readonly promptId: string;
    readonly text: string;
    readonly costUsd: number;
    readonly toolCalls: ReadonlyArray<{ readonly tool: string; readonly decision: string; readonly decisionSource: string; readonly success: boolean }>;
  }>;
}

function post(port: number, urlPath: string, contentType: string, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method: 'POST', path: urlPath, agent: false, headers: { 'content-type': contentType } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Posts every recorded body in order, with the workspace path rewritten (idempotent: the store skips repeats). */
async function feedRecordedSession(api: AgentTrailApi): Promise<void> {
  const port = await waitFor(() => api.listenerPort(), { message: 'the listener', timeoutMs: 15_000 });
  const dir = path.join(getExtension().extensionPath, FIXTURE);
  const workspace = JSON.stringify(workspaceRoot()).slice(1, -1);
  for (const file of fs.readdirSync(dir).filter((f) => /^\d{4}-http-[a-z]+\.json$/.test(f)).sort()) {
    const meta = JSON.parse(fs.readFileSync(path.join(dir, file.replace(/\.json$/, '.headers.json')), 'utf8')) as { path: string; headers: Record<string, string> };
    const body = fs.readFileSync(path.join(dir, file), 'utf8').split(RECORDED_WORKSPACE).join(workspace);
    assert.strictEqual(await post(port, meta.path, meta.headers['content-type'] ?? 'application/json', body), 200, file);
  }
}

const snapshot = (depth = 4): Thenable<TreeSnapshot[]> => vscode.commands.executeCommand<TreeSnapshot[]>('agentTrail.inspectTree', depth);

/** Markdown written with appendText, read back as the text it shows (spaces, no escapes). */
function shownText(markdown: string): string {
  return markdown.replace(/&nbsp;/g, ' ').replace(/\\([\\`*_{}[\]()#+\-.!<>~|])/g, '$1');
}

suite('tree', () => {
  const scenario = JSON.parse(fs.readFileSync(path.join(getExtension().extensionPath, FIXTURE, 'scenario.json'), 'utf8')) as Scenario;
  const expected = scenario.prompts[0];
  const sessionId = scenario.sessionIds[0];
  let session: TreeSnapshot;

  suiteSetup(async function () {
    this.timeout(60_000);
    const api = await activateExtension<AgentTrailApi>();
    await feedRecordedSession(api);
    session = await waitFor(
      async () => {
        const s = (await snapshot()).find((n) => n.id === `session:${sessionId}`);
        return s && s.children[0]?.children.length === expected.toolCalls.length ? s : null;
      },
      { message: `session ${sessionId} with its tool calls in the tree` },
    );
  });

  teardown(closeAllEditors);

  test('session → prompt: agent, prompt text, cost and counts', () => {
    log(`    ${session.label} — ${session.description}`);
    assert.match(session.label, /^Claude Code · /);
    assert.strictEqual(session.icon, 'hubot');
    assert.match(session.description, /1 prompt · \$0\.25/);
    assert.strictEqual(session.children.length, 1);
    const prompt = session.children[0];
    log(`      ${prompt.label} — ${prompt.description}`);
    assert.strictEqual(prompt.id, `prompt:${expected.promptId}`);
    assert.ok(expected.text.startsWith(prompt.label.replace(/…$/, '')), `${prompt.label} is the start of the prompt`);
    assert.ok(prompt.description.includes(`$${expected.costUsd.toFixed(2)}`), prompt.description);
    assert.match(prompt.description, /7 tool calls/);
    assert.ok(shownText(prompt.tooltip).includes(expected.text), 'the whole prompt in the tooltip');
    assert.strictEqual(prompt.trusted, false, 'tooltips are not trusted markdown');
  });

  test('prompt → its 7 tool calls with their decisions, results and files', () => {
    const calls = session.children[0].children;
    for (const c of calls) log(`        ${c.icon} ${c.label} — ${c.description}${c.children.length ? ` [${c.children.map((f) => f.label).join(', ')}]` : ''}`);
    assert.deepStrictEqual(
      calls.map((c) => c.label).sort(),
      expected.toolCalls.map((c) => c.tool).sort(),
    );
    for (const c of calls) {
      assert.match(c.description, /accepted/, `${c.label}: ${c.description}`);
      assert.strictEqual(c.icon, 'pass', `${c.label} succeeded`);
      assert.match(shownText(c.tooltip), /Decision: accepted by configuration/);
      assert.strictEqual(c.trusted, false);
    }
    const edit = calls.find((c) => c.label === 'Edit');
    assert.ok(edit);
    assert.match(edit.description, /^greet\.js · accepted/);
    // (Other suites post the recording without rewriting its paths: the same call may also name the recorded path.)
    const links = (c: TreeSnapshot | undefined): string[] => (c?.children ?? []).map((f) => `${f.label} | ${f.description} | ${f.command}`);
    assert.ok(links(edit).includes('greet.js | edit · src | vscode.open'), JSON.stringify(links(edit)));
    const write = calls.find((c) => c.label === 'Write');
    assert.ok(links(write).includes('CHANGELOG.md | write | vscode.open'), JSON.stringify(links(write)));
    const bash = calls.filter((c) => c.label === 'Bash').map((c) => c.description).sort();
    assert.deepStrictEqual(bash, ['git status --short · accepted', 'node test.js · accepted']);
  });

  test('a file link opens the file', async () => {
    const uri = vscode.Uri.file(path.join(workspaceRoot(), 'src/greet.js'));
    await vscode.commands.executeCommand('vscode.open', uri);
    assert.strictEqual(vscode.window.activeTextEditor?.document.uri.fsPath, uri.fsPath);
  });

  test('agentTrail.revealPrompt reveals a prompt by id (the CodeLens link), and says no to an unknown one', async () => {
    const started = Date.now();
    assert.strictEqual(await vscode.commands.executeCommand<boolean>('agentTrail.revealPrompt', expected.promptId), true);
    log(`    revealed in ${Date.now() - started} ms`);
    assert.strictEqual(await vscode.commands.executeCommand<boolean>('agentTrail.revealPrompt', 'no-such-prompt'), false);
    assert.strictEqual(await vscode.commands.executeCommand<boolean>('agentTrail.revealPrompt'), true, 'no id: the latest prompt');
  });

  test('agentTrail.refreshTree redraws the same tree', async () => {
    await vscode.commands.executeCommand('agentTrail.refreshTree');
    const again = (await snapshot()).find((n) => n.id === `session:${sessionId}`);
    assert.deepStrictEqual(again?.children[0].children.map((c) => c.label), session.children[0].children.map((c) => c.label));
  });
});

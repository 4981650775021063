// The editor features in a real VS Code: the recorded Claude Code session
// (test/fixtures/claude-code/multi-tool-http-json, its workspace path rewritten
// to the test workspace, which holds the files as the session left them) is
// posted to the extension's listener; then the file CodeLens, the edited-line
// highlights and their hover, the Explorer badges and the settings that turn
// each of them off are checked through the VS Code API (and, for what VS Code
// cannot read back, the agentTrail.inspectAnnotations test hook).
import * as assert from 'assert';
import * as fs from 'fs';
import * as http from 'http';
import { suite, suiteSetup, teardown, test } from 'mocha';
import * as path from 'path';
import * as vscode from 'vscode';
import type { AgentTrailApi } from '../../../src/extension/api';
import type { PromptSummary, ToolCallSummary } from '../../../src/core/model/views';
import { DocumentEdits } from '../../../src/extension/editor/documentEdits';
import { LineIndex, locateEdit, locateEditSpans, type EditText, type TextPoint } from '../../../src/extension/editor/editLocator';
import type { AnnotationSnapshot } from '../../../src/extension/editor/editorFeatures';
import { buildFileTrail, editTextsOf } from '../../../src/extension/editor/fileTrail';
import { applyChange } from '../../../src/extension/editor/trackedSpans';
import { activateExtension, closeAllEditors, codeLensesOf, getExtension, log, openWorkspaceFile, waitFor, workspaceRoot } from '../helpers';

const FIXTURE = 'test/fixtures/claude-code/multi-tool-http-json';
const RECORDED_WORKSPACE = '/home/dev/projects/multi-tool-http-json';

interface ScenarioCall {
  readonly tool: string;
  readonly decision: string;
  readonly decisionSource: string;
}
interface Scenario {
  readonly sessionIds: readonly string[];
  readonly prompts: ReadonlyArray<{ readonly promptId: string; readonly text: string; readonly costUsd: number; readonly toolCalls: readonly ScenarioCall[] }>;
}

function scenario(): Scenario {
  return JSON.parse(fs.readFileSync(path.join(getExtension().extensionPath, FIXTURE, 'scenario.json'), 'utf8')) as Scenario;
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

/** Posts every recorded body in order, as recorded, with the workspace path rewritten (idempotent: the store skips repeats). */
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

const uriOf = (rel: string): vscode.Uri => vscode.Uri.file(path.join(workspaceRoot(), rel));
const inspect = (uri: vscode.Uri): Thenable<AnnotationSnapshot> => vscode.commands.executeCommand<AnnotationSnapshot>('agentTrail.inspectAnnotations', uri);
/** Our CodeLenses of a file (the document is opened first: VS Code computes lenses for open documents only). */
async function agentLenses(uri: vscode.Uri): Promise<vscode.CodeLens[]> {
  await vscode.workspace.openTextDocument(uri);
  return (await codeLensesOf(uri)).filter((l) => /Claude Code|prompt/.test(l.command?.title ?? ''));
}

async function setSetting(section: string, key: string, value: unknown): Promise<void> {
  await vscode.workspace.getConfiguration(section).update(key, value, vscode.ConfigurationTarget.Global);
}

/** Markdown written with appendText, read back as the text it shows (spaces, no escapes). */
function shownText(markdown: string): string {
  return markdown.replace(/&nbsp;/g, ' ').replace(/\\([\\`*_{}[\]()#+\-.!<>~|])/g, '$1');
}

function hoverText(hovers: readonly vscode.Hover[]): string {
  return shownText(
    hovers
      .flatMap((h) => h.contents)
      .map((c) => (typeof c === 'string' ? c : c.value))
      .join('\n'),
  );
}

suite('editor', () => {
  let api: AgentTrailApi;
  const expected = scenario().prompts[0];
  const cost = `$${expected.costUsd.toFixed(2)}`;
  let fed: Promise<void> | undefined;
  /** Feeds the recording once and waits until the store has the Edit of greet.js. */
  const ensureFed = (): Promise<void> =>
    (fed ??= (async () => {
      const started = Date.now();
      await feedRecordedSession(api);
      const greet = uriOf('src/greet.js').fsPath;
      await waitFor(async () => (await api.service.queries.touchesForFile(greet)).some((t) => t.access === 'edit'), { message: 'the Edit of greet.js in the store' });
      log(`    fed the recorded session in ${Date.now() - started} ms`);
    })());

  suiteSetup(async function () {
    this.timeout(60_000);
    api = await activateExtension<AgentTrailApi>();
    await waitFor(() => api.listenerPort(), { message: 'the listener', timeoutMs: 15_000 });
  });

  test('an editor open before the telemetry arrives shows it live: CodeLens, highlight, badge', async function () {
    this.timeout(40_000);
    const editor = await openWorkspaceFile('src/greet.js');
    const uri = editor.document.uri;
    const before = (await api.service.queries.touchesForFile(uri.fsPath)).length;
    if (before === 0) assert.deepStrictEqual(await agentLenses(uri), [], 'nothing recorded yet: no CodeLens');
    const started = Date.now();
    await ensureFed();
    const fedAt = Date.now();
    await waitFor(async () => (await agentLenses(uri)).length === 2, { message: 'the CodeLens on the open editor', timeoutMs: 15_000 });
    const lensAt = Date.now();
    await waitFor(async () => (await inspect(uri)).lineHighlights.length > 0, { message: 'the highlight on the open editor', timeoutMs: 15_000 });
    const highlightAt = Date.now();
    await waitFor(async () => (await inspect(uri)).fileDecoration?.badge === 'W', { message: 'the badge', timeoutMs: 15_000 });
    log(`    feed ${fedAt - started} ms; then CodeLens +${lensAt - fedAt} ms, highlight +${highlightAt - fedAt} ms, badge +${Date.now() - fedAt} ms (data existed before: ${before > 0})`);
  });

  teardown(async () => {
    await setSetting('agentTrail', 'annotations.codeLens', undefined);
    await setSetting('agentTrail', 'annotations.lineHighlights', undefined);
    await setSetting('agentTrail', 'annotations.explorerBadges', undefined);
    await setSetting('editor', 'codeLens', undefined);
    await vscode.commands.executeCommand('workbench.action.files.revert').then(undefined, () => undefined);
    await closeAllEditors();
  });

  test('src/greet.js: a CodeLens names the agent, the prompts, the cost and links the latest prompt', async () => {
    await ensureFed();
    const started = Date.now();
    const editor = await openWorkspaceFile('src/greet.js');
    const lenses = await waitFor(async () => {
      const l = await agentLenses(editor.document.uri);
      return l.length === 2 ? l : null;
    }, { message: 'two CodeLenses on greet.js' });
    log(`    lenses after ${Date.now() - started} ms: ${JSON.stringify(lenses.map((l) => l.command?.title))}`);
    const [summary, link] = lenses;
    assert.strictEqual(summary.range.start.line, 0);
    const title = summary.command?.title ?? '';
    assert.match(title, /Claude Code/);
    assert.match(title, /1 prompt changed this file/);
    assert.ok(title.includes(cost), `${title} shows ${cost} (scenario costUsd ${expected.costUsd})`);
    assert.ok(!title.includes('~'), 'Claude Code reports its own cost: not estimated');
    assert.strictEqual(summary.command?.command, 'agentTrail.revealPrompt');
    assert.deepStrictEqual(summary.command?.arguments, [expected.promptId]);
    assert.ok(['agentTrail.openReplay', 'agentTrail.revealPrompt'].includes(link.command?.command ?? ''), link.command?.command);
    assert.deepStrictEqual(link.command?.arguments, [expected.promptId]);
  });

  test('CHANGELOG.md (written by the agent) has its CodeLens; untouched files have none', async () => {
    await ensureFed();
    const changelog = await waitFor(async () => {
      const l = await agentLenses(uriOf('CHANGELOG.md'));
      return l.length > 0 ? l : null;
    }, { message: 'a CodeLens on CHANGELOG.md' });
    assert.match(changelog[0].command?.title ?? '', /Claude Code · 1 prompt changed this file · .* · \$0\.25/);
    assert.deepStrictEqual(await agentLenses(uriOf('README.md')), []);
    assert.deepStrictEqual(await agentLenses(uriOf('notes.txt')), []);
  });

  test('the edited line of src/greet.js is highlighted and its hover tells prompt, tool, decision, cost and time', async () => {
    await ensureFed();
    const editor = await openWorkspaceFile('src/greet.js');
    const snap = await waitFor(async () => {
      const s = await inspect(editor.document.uri);
      return s.lineHighlights.length > 0 ? s : null;
    }, { message: 'a highlight in greet.js' });
    log(`    highlights: ${JSON.stringify(snap.lineHighlights)}`);
    assert.deepStrictEqual(snap.lineHighlights, [{ first: 1, last: 1, tool: 'Edit', promptId: expected.promptId }]);
    assert.strictEqual(editor.document.lineAt(1).text.trim(), 'return `Hello, ${name}!`;');

    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', editor.document.uri, new vscode.Position(1, 4));
    const text = hoverText(hovers);
    log(`    hover: ${JSON.stringify(text)}`);
    assert.ok(text.includes('Fix the greeting in src/greet.js'), 'the prompt text');
    assert.match(text, /Tool: Edit/);
    assert.match(text, /accepted by configuration/);
    assert.ok(text.includes(cost), `the prompt's cost ${cost}`);
    assert.match(text, /When: /);
    const ours = hovers.find((h) => hoverText([h]).includes('Agent Trail'));
    const md = ours?.contents[0];
    assert.ok(md instanceof vscode.MarkdownString || typeof md === 'object');
    assert.ok(!(md as vscode.MarkdownString).isTrusted, 'the hover is not trusted markdown');
    assert.deepStrictEqual(hoverText(await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', editor.document.uri, new vscode.Position(3, 2))).includes('Agent Trail'), false, 'no hover on an untouched line');
  });

  test('CHANGELOG.md: every line the Write produced is highlighted', async () => {
    await ensureFed();
    const editor = await openWorkspaceFile('CHANGELOG.md');
    const snap = await waitFor(async () => {
      const s = await inspect(editor.document.uri);
      return s.lineHighlights.length > 0 ? s : null;
    }, { message: 'a highlight in CHANGELOG.md' });
    assert.deepStrictEqual(snap.lineHighlights.map(({ first, last, tool }) => ({ first, last, tool })), [{ first: 0, last: 2, tool: 'Write' }]);
  });

  test('highlights move with the user’s typing and go when the user rewrites the line', async () => {
    await ensureFed();
    const editor = await openWorkspaceFile('src/greet.js');
    await waitFor(async () => (await inspect(editor.document.uri)).lineHighlights.length > 0, { message: 'a highlight in greet.js' });
    const linesNow = async (): Promise<string> => JSON.stringify((await inspect(editor.document.uri)).lineHighlights.map((h) => [h.first, h.last]));
    assert.ok(await editor.edit((b) => b.insert(new vscode.Position(0, 0), '// a line the user added\n// and another\n')));
    await waitFor(async () => (await linesNow()) === '[[3,3]]', { message: 'the highlight on line 4 after two lines were added above' });
    assert.ok(await editor.edit((b) => b.insert(new vscode.Position(3, editor.document.lineAt(3).text.length), ' // typed after it')));
    await new Promise((r) => setTimeout(r, 500));
    assert.strictEqual(await linesNow(), '[[3,3]]', 'typing after the agent’s text keeps the highlight');
    assert.ok(await editor.edit((b) => b.replace(new vscode.Range(3, 2, 3, 8), 'yield')));
    await waitFor(async () => (await linesNow()) === '[]', { message: 'no highlight once the user rewrote the agent’s text' });
    await new Promise((r) => setTimeout(r, 600));
    assert.strictEqual(await linesNow(), '[]', 'the rewritten text is not found again');
    assert.ok(await editor.edit((b) => b.replace(new vscode.Range(3, 2, 3, 7), 'return')));
    await waitFor(async () => (await linesNow()) === '[[3,3]]', { message: 'the highlight back once the agent’s text is there again' });
  });

  test('explorer badges: W on the files the agent changed, the folder that holds them coloured, nothing elsewhere', async () => {
    await ensureFed();
    const greet = await waitFor(async () => (await inspect(uriOf('src/greet.js'))).fileDecoration, { message: 'a file decoration for greet.js' });
    log(`    greet.js: ${JSON.stringify(greet)}`);
    assert.strictEqual(greet.badge, 'W');
    assert.match(greet.tooltip ?? '', /Agent Trail: an agent changed 1 time, read 1 time/);
    assert.strictEqual(greet.color, 'agentTrail.touchedForeground');
    const src = (await inspect(uriOf('src'))).fileDecoration;
    assert.ok(src, 'the folder src is decorated');
    assert.strictEqual(src.badge, undefined);
    assert.match(src.tooltip ?? '', /1 file changed/);
    assert.strictEqual((await inspect(uriOf('CHANGELOG.md'))).fileDecoration?.badge, 'W');
    assert.strictEqual((await inspect(uriOf('test.js'))).fileDecoration, null);
    assert.strictEqual((await inspect(uriOf('notes.txt'))).fileDecoration, null);
  });

  test('turning a setting off removes its annotation, turning it on brings it back', async () => {
    await ensureFed();
    const editor = await openWorkspaceFile('src/greet.js');
    const uri = editor.document.uri;
    await waitFor(async () => (await agentLenses(uri)).length > 0, { message: 'the CodeLens' });
    await waitFor(async () => (await inspect(uri)).lineHighlights.length > 0, { message: 'the highlight' });

    await setSetting('agentTrail', 'annotations.codeLens', false);
    await waitFor(async () => (await agentLenses(uri)).length === 0, { message: 'no CodeLens with agentTrail.annotations.codeLens off' });
    await setSetting('agentTrail', 'annotations.codeLens', undefined);
    await waitFor(async () => (await agentLenses(uri)).length > 0, { message: 'the CodeLens back' });

    await setSetting('editor', 'codeLens', false);
    await waitFor(async () => (await agentLenses(uri)).length === 0, { message: 'no CodeLens with editor.codeLens off' });
    await setSetting('editor', 'codeLens', undefined);

    await setSetting('agentTrail', 'annotations.lineHighlights', false);
    await waitFor(async () => (await inspect(uri)).lineHighlights.length === 0, { message: 'no highlight with lineHighlights off' });
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, new vscode.Position(1, 4));
    assert.ok(!hoverText(hovers).includes('Agent Trail'), 'no hover either');
    await setSetting('agentTrail', 'annotations.lineHighlights', undefined);
    await waitFor(async () => (await inspect(uri)).lineHighlights.length > 0, { message: 'the highlight back' });

    await setSetting('agentTrail', 'annotations.explorerBadges', false);
    await waitFor(async () => (await inspect(uri)).fileDecoration === null, { message: 'no badge with explorerBadges off' });
    await setSetting('agentTrail', 'annotations.explorerBadges', undefined);
    await waitFor(async () => (await inspect(uri)).fileDecoration?.badge === 'W', { message: 'the badge back' });
  });
});

// The pure parts behind the highlights (no VS Code API involved; they live here because this tests do).
suite('editor: locating and tracking edits', () => {
  const greet = 'function greet(name) {\n  return `Hello, ${name}!`;\n}\nmodule.exports = { greet };\n';
  const changelog = '# Changelog\n\n- Greeting now reads "Hello, <name>!"\n';
  const edit = (newText: string, truncated = false): EditText => ({ oldText: null, newText, truncated });
  const at = (line: number, character: number): TextPoint => ({ line, character });

  test('an edit is found by its new text, only when unambiguous and long enough', () => {
    const doc = new LineIndex(greet);
    assert.deepStrictEqual(locateEdit(doc, edit('return `Hello, ${name}!`;'), '\n'), { start: at(1, 2), end: at(1, 27) });
    assert.strictEqual(locateEdit(doc, edit('greet'), '\n'), null, 'twice in the file');
    assert.strictEqual(locateEdit(doc, edit('}'), '\n'), null, 'too short to mean anything');
    assert.strictEqual(locateEdit(doc, edit("return 'Hello ' + name;"), '\n'), null, 'not there (any more)');
  });

  test('a whole-file Write ends on its last line; CRLF documents and truncated texts are handled', () => {
    assert.deepStrictEqual(locateEdit(new LineIndex(changelog), edit(changelog), '\n'), { start: at(0, 0), end: at(2, 37) });
    assert.deepStrictEqual(locateEdit(new LineIndex(changelog.replace(/\n/g, '\r\n')), edit(changelog), '\r\n'), { start: at(0, 0), end: at(2, 37) });
    assert.deepStrictEqual(locateEdit(new LineIndex(changelog), edit('# Changelog\n\n- Greeting no', true), '\n'), { start: at(0, 0), end: at(1, 0) }, 'complete lines only');
  });

  test('replace-all edits mark every occurrence; a MultiEdit marks each of its parts', () => {
    const text = 'a = log(1);\nb = log(2);\nc = 3;\n';
    assert.deepStrictEqual(
      locateEditSpans(new LineIndex(text), { ...edit('log('), replaceAll: true }, '\n').map((s) => s.start.line),
      [0, 1],
    );
    const call = { edit: { oldText: 'x', newText: 'a = log(1);', replaceAll: false, truncated: false, parts: [
      { oldText: 'x', newText: 'a = log(1);', replaceAll: false },
      { oldText: 'y', newText: 'c = 3;', replaceAll: false },
    ] } } as unknown as ToolCallSummary;
    assert.deepStrictEqual(editTextsOf(call).map((t) => t.newText), ['a = log(1);', 'c = 3;']);
    assert.deepStrictEqual(editTextsOf({ edit: null } as unknown as ToolCallSummary), []);
    assert.deepStrictEqual(editTextsOf({} as unknown as ToolCallSummary), [], 'a producer without the field');
  });

  test('spans move with changes before them and are dropped when a change touches their text', () => {
    const span = { start: at(1, 2), end: at(1, 27) };
    const change = (start: TextPoint, end: TextPoint, text: string) => ({ span: { start, end }, text });
    assert.deepStrictEqual(applyChange(span, change(at(0, 0), at(0, 0), 'a\nb\n')), { start: at(3, 2), end: at(3, 27) });
    assert.deepStrictEqual(applyChange(span, change(at(1, 0), at(1, 0), '  ')), { start: at(1, 4), end: at(1, 29) });
    assert.deepStrictEqual(applyChange(span, change(at(0, 3), at(1, 1), '')), { start: at(0, 4), end: at(0, 29) });
    assert.strictEqual(applyChange(span, change(at(1, 27), at(1, 27), ' // x')), span, 'typing right after it');
    assert.strictEqual(applyChange(span, change(at(2, 0), at(3, 0), '')), span, 'a change after it');
    assert.strictEqual(applyChange(span, change(at(1, 5), at(1, 6), 'X')), null, 'a change inside it');
  });

  test('a dropped edit comes back when its whole text is there again (undo)', () => {
    const prompt = { id: 'p', sessionId: 's', agent: 'claude-code', text: 't', redacted: false, command: null, startedAt: '2026-11-24T01:25:00.000Z', costUsd: 0.1, costMicros: 100_000, costSource: 'agent', toolCalls: [
      { tool: 'Edit', callId: 'c', decision: 'accept', decisionSource: 'config', success: true, startedAt: '2026-11-24T01:25:20.000Z', fileTouches: [{ path: '/w/g.js', relativePath: 'g.js', access: 'edit' }], edit: edit('return `Hello, ${name}!`;') },
    ] } as unknown as PromptSummary;
    const touch = { path: '/w/g.js', relativePath: 'g.js', access: 'edit', at: '2026-11-24T01:25:20.000Z', sessionId: 's', promptId: 'p', callId: 'c', tool: 'Edit', decision: 'accept', success: true } as const;
    const trail = buildFileTrail('/w/g.js', new Set(['/w/g.js']), [touch], [prompt]);
    assert.ok(trail);
    assert.strictEqual(trail.costMicros, 100_000);
    const d = new DocumentEdits();
    assert.strictEqual(d.setTrail(trail, greet, '\n'), true);
    assert.deepStrictEqual(d.lines().map((l) => [l.first, l.last, l.tool]), [[1, 1, 'Edit']]);
    d.applyChanges([{ span: { start: at(1, 3), end: at(1, 4) }, text: 'X' }]);
    assert.deepStrictEqual(d.lines(), []);
    assert.strictEqual(d.locatePending(greet.replace('return', 'rXturn'), '\n'), false);
    assert.strictEqual(d.locatePending(greet, '\n'), true);
    assert.deepStrictEqual(d.lines().map((l) => [l.first, l.last]), [[1, 1]]);
  });
});

// `agent-trail report` over a real store on disk: a prompt or a session to one
// self-contained HTML file; wrong arguments and unknown ids said so.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { createRegistry } from '../../../src/cli/main';
import type { CliIo } from '../../../src/cli/command';
import { REPORT_DATA_ID, type ReportData } from '../../../src/protocol/messages';
import { FIXTURES, readScenario } from '../model/scenarioSupport';

const dirs: string[] = [];
after(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});
const temp = (): string => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'at-report-'));
  dirs.push(d);
  return d;
};

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { out: (l) => out.push(l), err: (l) => err.push(l) };
  const code = await createRegistry().run(argv, { io, signal: new AbortController().signal, env: { AGENT_TRAIL_DATA_DIR: path.join(temp(), 'store') } });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

function embedded(html: string): ReportData {
  const start = html.indexOf(`<script type="application/json" id="${REPORT_DATA_ID}">`);
  const body = html.slice(html.indexOf('>', start) + 1, html.indexOf('</script>', start));
  return JSON.parse(body) as ReportData;
}

test('a prompt and a session, each to one HTML file that needs nothing else', async () => {
  const fixture = path.join(FIXTURES, 'claude-code/interactive-approvals');
  const scenario = readScenario(fixture);
  const db = temp();
  assert.equal((await cli('import', fixture, '--db', db)).code, 0);
  const promptId = scenario.prompts[0]?.promptId as string;
  const file = path.join(db, 'prompt.html');
  const r = await cli('report', promptId, '-o', file, '--db', db);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /^wrote .*prompt\.html \(1 prompt, \d+ steps, \d+ KiB\)$/);
  const html = fs.readFileSync(file, 'utf8');
  assert.match(html, /<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'nonce-[A-Za-z0-9+/=]+'; style-src 'nonce-/);
  // The page's own markup (the inlined app and styles set aside) loads nothing.
  const markup = html.replace(/(<script nonce="[^"]+">)[\s\S]*?(<\/script>)/, '$1$2').replace(/(<style nonce="[^"]+">)[\s\S]*?(<\/style>)/, '$1$2');
  assert.doesNotMatch(markup, /<script[^>]+src=|<link\b|<img\b|<iframe\b/i, 'no external assets');
  assert.doesNotMatch(html.match(/<style nonce="[^"]+">([\s\S]*?)<\/style>/)?.[1] ?? '', /@import|url\(/i, 'styles load nothing');
  const data = embedded(html);
  assert.equal(data.initial.kind, 'prompt');
  assert.equal(data.prompts[promptId]?.overview.prompt.costMicros, scenario.prompts[0]?.costUsdMicros);

  const sessionFile = path.join(db, 'session.html');
  const s = await cli('report', '--session', scenario.sessionIds[0] as string, '--output', sessionFile, '--db', db);
  assert.equal(s.code, 0, s.err);
  const session = embedded(fs.readFileSync(sessionFile, 'utf8'));
  assert.equal(session.session?.costMicros, scenario.costUsdMicros);
  assert.equal(Object.keys(session.prompts).length, session.session?.prompts.length);
});

test('usage errors and unknown ids', async () => {
  const db = temp();
  assert.equal((await cli('report', '--db', db)).code, 2);
  assert.equal((await cli('report', 'p1', '--db', db)).code, 2, 'no -o');
  assert.equal((await cli('report', 'p1', '--session', 's1', '-o', path.join(db, 'x.html'), '--db', db)).code, 2);
  const missing = await cli('report', 'no-such-prompt', '-o', path.join(db, 'x.html'), '--db', db);
  assert.equal(missing.code, 1);
  assert.match(missing.err, /prompt no-such-prompt is not in the trail/);
  assert.ok(!fs.existsSync(path.join(db, 'x.html')));
  const help = await cli('report', '--help');
  assert.match(help.out, /self-contained|loads nothing from the network/);
});

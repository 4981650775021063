// The HTML report: rows packed and unpacked to the same rows; the page's CSP,
// nonce and inlined assets; agent text that tries to be markup stays inside
// the JSON data element as escaped text.
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { RowUnpacker, packRows } from '../../../src/protocol/packedRows';
import { REPORT_DATA_ID, type ReportData } from '../../../src/protocol/messages';
import { PromptReplay } from '../../../src/core/replay/replayModel';
import { ReplayData } from '../../../src/core/replay/replayData';
import { buildReportData, inlineScript, renderReportHtml } from '../../../src/core/replay/report';
import { packReportRows, unpackReportRow } from '../../../src/core/replay/reportRows';
import { ModelRepository } from '../../../src/core/store/modelRepository';
import { freshDb, ingestAll, loadRequests, scenarioDirs } from '../model/scenarioSupport';
import { HOSTILE_IMG, HOSTILE_SCRIPT, hostilePrompt, syntheticPrompt } from '../../browser/syntheticPrompt';
import { sourceOf } from '../../browser/makeReports';

const NONCE = 'q83v5gFv2bZ8mV0kJ2xw4A==';
const ASSETS = { script: 'document.getElementById("app").textContent = "app";', css: 'body { color: red }' };

function roundTrip(replay: PromptReplay): void {
  const rows = replay.allRows();
  const packed = packReportRows(rows);
  const viaJson = JSON.parse(JSON.stringify(packed)) as typeof packed;
  const unpacker = new RowUnpacker(viaJson);
  const overview = replay.overview();
  assert.equal(unpacker.count, rows.length);
  rows.forEach((row, i) => assert.deepEqual(unpackReportRow(unpacker, overview, i), row, `row ${i}`));
}

test('packed rows unpack to the very same rows: every scenario, a big synthetic prompt, the hostile one', async () => {
  for (const dir of scenarioDirs('claude-code')) {
    const db = await freshDb();
    ingestAll(db, loadRequests(dir).map((r) => r.batch));
    const repo = new ModelRepository(db);
    for (const p of repo.listPrompts()) roundTrip(new PromptReplay(repo.promptDetails(p.id) ?? assert.fail(path.basename(dir))));
    db.close();
  }
  roundTrip(new PromptReplay(syntheticPrompt(3000)));
  roundTrip(new PromptReplay(hostilePrompt()));
});

test('packing is compact: a 10,000-step prompt stays well under 1.5 MB of JSON', () => {
  const replay = new PromptReplay(syntheticPrompt(10_000));
  const packed = JSON.stringify(packReportRows(replay.allRows()));
  const plain = JSON.stringify(replay.allRows());
  assert.ok(packed.length < 1_500_000, `${packed.length} bytes`);
  assert.ok(packed.length * 5 < plain.length, `packed ${packed.length} vs plain ${plain.length}`);
});

test('generic packing: constants, numbers, number objects, small and large dictionaries, unique values', () => {
  const rows = Array.from({ length: 100 }, (_, i) => ({
    index: i,
    c: 'same',
    n: i % 3 === 0 ? null : i,
    o: i % 2 ? { a: i, b: 2 } : null,
    d: `v${i % 5}`,
    D: `w${i % 80}`,
    u: `id-${i}`,
    mixed: i % 2 ? [i] : 'x',
  }));
  const packed = packRows(rows as never);
  const cols = packed.columns as Record<string, { t: string }>;
  assert.deepEqual(Object.fromEntries(Object.entries(cols).map(([k, v]) => [k, v.t])), { c: 'c', n: 'n', o: 'o', d: 'd', D: 'D', u: 'u', mixed: 'd' });
  const u = new RowUnpacker(JSON.parse(JSON.stringify(packed)));
  rows.forEach((r, i) => {
    const { index: _i, ...rest } = r;
    assert.deepEqual(u.stored(i), rest);
  });
});

test('the report page: CSP with a nonce, inlined script and styles, data as escaped JSON', async () => {
  const hostile = hostilePrompt();
  const data = await buildReportData({ kind: 'prompt', promptId: hostile.id }, new ReplayData(sourceOf([hostile])), new Date('2026-11-24T10:00:00Z'));
  const html = renderReportHtml(data, ASSETS, NONCE);
  assert.match(html, new RegExp(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'nonce-${NONCE.replace(/[+/=]/g, '\\$&')}'; style-src 'nonce-`));
  assert.ok(html.includes(`<style nonce="${NONCE}">body { color: red }</style>`));
  assert.ok(html.includes(`<script nonce="${NONCE}">document.getElementById`));
  // Exactly the two script elements and one style: agent text opened none of its own.
  assert.equal(html.match(/<script\b/gi)?.length, 2);
  assert.equal(html.match(/<\/script>/gi)?.length, 2);
  assert.equal(html.match(/<img\b/gi), null);
  assert.ok(!html.includes('onerror="window'), 'no attribute markup from agent text');
  const start = html.indexOf(`<script type="application/json" id="${REPORT_DATA_ID}">`);
  const body = html.slice(html.indexOf('>', start) + 1, html.indexOf('</script>', start));
  assert.doesNotMatch(body, /[<>&]/);
  const parsed = JSON.parse(body) as ReportData;
  assert.equal(parsed.prompts[hostile.id]?.overview.prompt.text, hostile.text);
  assert.ok(parsed.prompts[hostile.id]?.overview.prompt.text?.includes(HOSTILE_SCRIPT));
  const prompt = parsed.prompts[hostile.id];
  assert.ok(prompt);
  const bash = unpackReportRow(new RowUnpacker(prompt.rows), prompt.overview, 1);
  assert.ok(bash.summary.includes(HOSTILE_IMG) && bash.summary.includes(HOSTILE_SCRIPT), 'the tool input is kept as the agent sent it');
});

test('a session report carries the session and every prompt in it', async () => {
  const a = syntheticPrompt(20, 1, 'a');
  const b = syntheticPrompt(30, 2, 'b');
  const data = await buildReportData({ kind: 'session', sessionId: 'synthetic-session' }, new ReplayData(sourceOf([a, b])));
  assert.equal(data.session?.prompts.length, 2);
  assert.deepEqual(Object.keys(data.prompts).sort(), ['a', 'b']);
  assert.equal(data.prompts.b?.rows.count, 30);
  assert.equal(data.session?.costMicros, a.costMicros + b.costMicros);
});

test('inlining refuses what could end the script early, and nonces must be real', () => {
  assert.equal(inlineScript('const s = "</script>";'), 'const s = "<\\/script>";');
  assert.equal(inlineScript('x = "</SCRIPT"'), 'x = "<\\/SCRIPT"');
  assert.throws(() => inlineScript('x = "<!--"'), /cannot be inlined/);
  const data: ReportData = { format: 'agent-trail-report', version: 1, generatedAt: 'now', initial: { kind: 'prompt', promptId: 'p' }, session: null, prompts: {} };
  assert.throws(() => renderReportHtml(data, ASSETS, 'abc'), /nonce/);
  assert.throws(() => renderReportHtml(data, ASSETS, `${NONCE}"><script>`), /nonce/);
});

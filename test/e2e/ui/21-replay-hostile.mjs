// Agent text that tries to be markup, through the whole pipeline: a copy of the recorded session whose prompt
// and Bash command carry `<img src=x onerror=...>` and `</script><script>...`, with fresh ids so that it is a
// prompt of its own, is fed to the listener; its replay must show those characters and run none of them.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { feedRecordedSession, feedRunOnce, findListenerPort, waitForListener } from '../feedSession.mjs';
import { openLatestReplay, shownRows } from './20-replay.mjs';

export const title = 'replay panel: a hostile prompt renders inert, as text';
export const timeoutS = 180;

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const FIXTURE = path.join(ROOT, 'test/fixtures/claude-code/multi-tool-http-json');
const SCENARIO = JSON.parse(fs.readFileSync(path.join(FIXTURE, 'scenario.json'), 'utf8'));

const IMG = '<img src=x onerror="window.__pwned=1">';
const SCRIPT = '</script><script>window.__pwned=2</script>';
export const HOSTILE_TEXT = `Say ${IMG} then ${SCRIPT} & done`;
// Inside tool_input (JSON in a string) too: no quotes needed to be dangerous.
export const HOSTILE_COMMAND = `node test.js ${SCRIPT} <img src=x onerror=window.__pwned=3>`;

const ID_KEYS = new Set(['traceId', 'spanId', 'parentSpanId']);

/** Rewrites one OTLP/JSON value: strings (and JSON inside strings) get the hostile text and fresh ids. */
function rewrite(value, replace) {
  if (typeof value === 'string') {
    if (/^[[{]/.test(value)) {
      try {
        return JSON.stringify(rewrite(JSON.parse(value), replace));
      } catch {
        // not JSON after all
      }
    }
    return replace(value);
  }
  if (Array.isArray(value)) return value.map((v) => rewrite(v, replace));
  if (value && typeof value === 'object') {
    const out = {};
    for (const [k, v] of Object.entries(value)) out[k] = ID_KEYS.has(k) && typeof v === 'string' ? [...v].reverse().join('') : rewrite(v, replace);
    return out;
  }
  return value;
}

/** A copy of the fixture with the hostile prompt and command, new prompt, session, request and tool ids. */
export function hostileFixture() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'agent-trail-hostile-'));
  const promptId = SCENARIO.prompts[0].promptId;
  const sessionId = SCENARIO.sessionIds[0];
  const replace = (s) =>
    s
      .split(SCENARIO.prompts[0].text)
      .join(HOSTILE_TEXT)
      .split('node test.js')
      .join(HOSTILE_COMMAND)
      .split(promptId)
      .join(promptId.replace(/^./, 'f').replace(/.$/, 'f'))
      .split(sessionId)
      .join(sessionId.replace(/^./, 'f').replace(/.$/, 'f'))
      .replace(/req_fake_/g, 'req_hostile_')
      .replace(/toolu_fake_/g, 'toolu_hostile_');
  for (const file of fs.readdirSync(FIXTURE)) {
    if (!/^\d{4}-http-[a-z]+(\.headers)?\.json$/.test(file)) continue;
    const text = fs.readFileSync(path.join(FIXTURE, file), 'utf8');
    fs.writeFileSync(path.join(dir, file), file.endsWith('.headers.json') ? text : JSON.stringify(rewrite(JSON.parse(text), replace)));
  }
  return dir;
}

export default async function ({ page, ui, workspace, runDir, log, assert }) {
  await feedRunOnce({ runDir, workspace, log });
  // Where the listener is now (an earlier test may have reloaded the window: a new port).
  const port = await waitForListener(() => findListenerPort({ runDir }), { timeoutMs: 60000 });
  const dir = hostileFixture();
  try {
    await feedRecordedSession({ port, workspace, fixtureDir: dir, now: true, log });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  let wv;
  await ui.waitUntil(
    async () => {
      await ui.closeAllEditors();
      wv = await openLatestReplay(ui);
      return ((await wv.locator('.prompt-text').textContent()) ?? '').includes('Say ');
    },
    { timeout: 60000, interval: 1000, message: 'the replay of the hostile prompt' },
  );
  assert.equal((await wv.locator('.prompt-text').textContent()).trim(), HOSTILE_TEXT, 'the prompt shows its markup as characters');
  const bash = (await shownRows(wv)).find((r) => r.title === 'Bash' && r.summary.includes('node test.js'));
  assert.ok(bash, 'the Bash call');
  assert.equal(bash.summary, HOSTILE_COMMAND, 'the command shows its markup as characters');
  await wv.locator(`.vlist .row[data-index="${bash.index}"]`).click();
  await ui.waitUntil(async () => ((await wv.locator('.details').textContent()) ?? '').includes(SCRIPT), { message: 'the details' });
  await page.waitForTimeout(300);
  const state = await wv.locator('body').evaluate(() => ({
    pwned: window.__pwned,
    imgs: document.querySelectorAll('img').length,
    agentScripts: [...document.scripts].filter((s) => (s.textContent ?? '').includes('__pwned')).length,
    appScripts: [...document.scripts].filter((s) => /\/media\/webview\/main\.js/.test(s.src)).length,
  }));
  assert.equal(state.pwned, undefined, 'window.__pwned stays undefined');
  assert.equal(state.imgs, 0, 'no <img> element');
  assert.equal(state.agentScripts, 0, 'no script element from agent text');
  assert.equal(state.appScripts, 1, 'the app script');
  await ui.shot('replay-hostile');
}

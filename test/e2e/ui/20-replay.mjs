// The replay panel in the real VS Code: the recorded multi-tool session is fed into the extension's listener,
// "Agent Trail: Open Replay" opens the latest prompt, and the panel shows its steps, decisions and final cost as
// the fixture's ground truth (scenario.json) says; play and scrub move the running cost; a touched file opens;
// hidden and shown again it comes back where it was; screenshots in the dark, light and high-contrast themes.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { feedRunOnce } from '../feedSession.mjs';

export const title = 'replay panel: steps, decisions and cost of the recorded session; play, scrub, themes';
export const timeoutS = 240;

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const SCENARIO = JSON.parse(fs.readFileSync(path.join(ROOT, 'test/fixtures/claude-code/multi-tool-http-json/scenario.json'), 'utf8'));

/** The rows the webview shows, in order. */
export async function shownRows(wv) {
  return wv.locator('.vlist').evaluate((list) =>
    [...list.querySelectorAll('.row:not([hidden])')]
      .map((r) => ({
        index: Number(r.dataset.index),
        kind: r.dataset.kind ?? null,
        title: r.querySelector('.c-title')?.textContent ?? '',
        summary: r.querySelector('.c-summary-text')?.textContent ?? '',
        decision: r.querySelector('.c-decision')?.textContent ?? '',
        outcome: r.dataset.outcome ?? null,
        loading: r.classList.contains('loading'),
        selected: r.getAttribute('aria-current') === 'step',
      }))
      .sort((a, b) => a.index - b.index),
  );
}

export async function runningCost(wv) {
  return Number(await wv.locator('.total-cost').getAttribute('data-cost-micros'));
}

export async function selectedIndex(wv) {
  return wv.locator('.vlist').evaluate((list) => Number(list.querySelector('.row[aria-current=step]')?.dataset.index ?? -1));
}

/** Picks a colour theme through "Preferences: Color Theme". */
export async function setTheme(ui, page, name) {
  await ui.runCommand('Preferences: Color Theme');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
  await input.fill(name);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: name }).first().waitFor();
  await page.keyboard.press('Enter');
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden' }).catch(() => {});
}

export async function openLatestReplay(ui) {
  await ui.runCommand('Agent Trail: Open Replay');
  const wv = ui.webview();
  await wv.locator('body[data-state=ready]').waitFor({ timeout: 30000 });
  return wv;
}

export default async function ({ page, ui, workspace, runDir, log, assert }) {
  const { port } = await feedRunOnce({ runDir, workspace, log });
  log(`fed the recorded session into the listener on port ${port}`);
  const expected = SCENARIO.prompts[0];
  const calls = expected.toolCalls;

  // The latest prompt: wait until the trail has all of it (ingest is quick but asynchronous).
  let wv;
  await ui.waitUntil(
    async () => {
      await ui.closeAllEditors();
      wv = await openLatestReplay(ui);
      const rows = await shownRows(wv);
      return rows.filter((r) => r.kind === 'tool_call').length === calls.length && Number(await wv.locator('.meta-total').getAttribute('data-cost-micros')) === expected.costUsdMicros;
    },
    { timeout: 60000, interval: 1000, message: 'the replay of the fed prompt' },
  );
  assert.equal((await wv.locator('.prompt-text').textContent()).trim(), expected.text, 'the prompt text');

  // Steps, decisions and results as the ground truth.
  const rows = await shownRows(wv);
  const tools = rows.filter((r) => r.kind === 'tool_call');
  assert.deepEqual(
    tools.map((r) => ({ tool: r.title, decision: r.decision, outcome: r.outcome })),
    calls.map((c) => ({ tool: c.tool, decision: `${c.decision} · ${c.decisionSource}`, outcome: c.success ? 'ok' : 'failed' })),
  );
  assert.equal(rows.filter((r) => r.kind === 'model_request').length, expected.apiRequests, 'one row per model request');
  const read = tools.find((r) => r.title === 'Read');
  assert.equal(read.summary, 'src/greet.js', 'paths are shown relative to the workspace');
  assert.equal(tools.find((r) => r.title === 'Bash').summary, 'node test.js');

  // Final cost: the header's total and the running cost at the last step.
  assert.equal(Number(await wv.locator('.meta-total').getAttribute('data-cost-micros')), expected.costUsdMicros);
  assert.ok((await wv.locator('.meta-total').textContent()).includes(`$${(expected.costUsdMicros / 1e6).toFixed(6)}`));
  await wv.locator(`.vlist .row[data-index="0"]`).click();
  await page.keyboard.press('End');
  await ui.waitUntil(async () => (await runningCost(wv)) === expected.costUsdMicros, { message: 'the running cost at the last step' });
  await page.keyboard.press('Home');
  await ui.waitUntil(async () => (await selectedIndex(wv)) === 0, { message: 'Home' });
  assert.equal(await runningCost(wv), 0);

  // Play: the running cost grows step by step.
  await wv.locator('select.speed').selectOption('50');
  await wv.locator('.play-button').click();
  await ui.waitUntil(async () => (await selectedIndex(wv)) >= 5, { message: 'playback to pass step 5', interval: 50 });
  await wv.locator('.play-button').click();
  assert.ok((await runningCost(wv)) > 0);

  // Scrub: to the middle, to the end.
  const scrub = (v) =>
    wv.locator('.scrubber').evaluate((el, value) => {
      el.value = String(value);
      el.dispatchEvent(new Event('input', { bubbles: true }));
    }, v);
  await scrub(3);
  assert.equal(await selectedIndex(wv), 3);
  const mid = await runningCost(wv);
  await scrub(rows.length - 1);
  assert.equal(await runningCost(wv), expected.costUsdMicros);
  assert.ok(mid > 0 && mid < expected.costUsdMicros, 'the running cost follows the scrubber');
  await ui.shot('replay-dark');

  // A file the prompt touched opens in an editor beside the panel.
  await wv.locator(`.vlist .row[data-index="${read.index}"]`).click();
  await wv.locator('.details vscode-button', { hasText: 'src/greet.js' }).click();
  await page.locator('.tabs-container .tab', { hasText: 'greet.js' }).first().waitFor({ timeout: 20000 });

  // The edit's diff, where the agent sent its text.
  const edit = tools.find((r) => r.title === 'Edit');
  await wv.locator(`.vlist .row[data-index="${edit.index}"]`).click();
  if ((await wv.locator('.details vscode-button', { hasText: 'Diff' }).count()) > 0) {
    await wv.locator('.details vscode-button', { hasText: 'Diff' }).click();
    await page.locator('.tabs-container .tab', { hasText: "the agent's edit" }).first().waitFor({ timeout: 20000 });
    log('the edit opened as a diff');
  } else {
    log('no diff: the store has no edit text for this call');
  }

  // Hidden (another editor in front) and shown again: the same prompt and step, restored from the webview's state.
  await page.locator('.tabs-container .tab', { hasText: 'Replay' }).first().click();
  wv = ui.webview();
  await wv.locator('body[data-state=ready]').waitFor();
  await wv.locator(`.vlist .row[data-index="${edit.index}"]`).click();
  await ui.openFile('README.md');
  await page.locator('.tabs-container .tab', { hasText: 'Replay' }).first().click();
  wv = ui.webview();
  await wv.locator('body[data-state=ready]').waitFor({ timeout: 20000 });
  await ui.waitUntil(async () => (await selectedIndex(wv)) === edit.index, { message: 'the selection restored after hide/show' });

  // Light theme.
  await setTheme(ui, page, 'Light Modern');
  await page.waitForTimeout(500);
  assert.ok(await wv.locator('body').evaluate((b) => b.classList.contains('vscode-light')), 'the webview follows the light theme');
  await ui.shot('replay-light');
  await setTheme(ui, page, 'Dark High Contrast');
  await page.waitForTimeout(500);
  assert.ok(await wv.locator('body').evaluate((b) => b.classList.contains('vscode-high-contrast')), 'and high contrast');
  await ui.shot('replay-high-contrast');
  await setTheme(ui, page, 'Dark Modern');
  assert.ok(await wv.locator('body').evaluate((b) => b.classList.contains('vscode-dark')));
}

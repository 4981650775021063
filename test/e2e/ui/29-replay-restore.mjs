// The replay panel survives a restart: after a window reload (a new renderer and a new extension host) the
// panel comes back through its WebviewPanelSerializer (activation event onWebviewPanel:agentTrail.replay) on
// the same prompt and the same step, from the state the webview saved. Runs last of the replay tests: it
// reloads the shared workbench.
import { feedRunOnce } from '../feedSession.mjs';
import { openLatestReplay, selectedIndex } from './20-replay.mjs';

export const title = 'replay panel: restored after a reload on the same prompt and step';
export const timeoutS = 180;

export default async function ({ page, ui, workspace, runDir, log, assert }) {
  await feedRunOnce({ runDir, workspace, log });
  const wv = await openLatestReplay(ui);
  const text = (await wv.locator('.prompt-text').textContent()).trim();
  await wv.locator('.vlist .row[data-index="4"]').click();
  await ui.waitUntil(async () => (await selectedIndex(wv)) === 4, { message: 'step 5 selected' });
  await page.waitForTimeout(600); // the webview saves its state at most every 250 ms

  // The workbench's own reload: it saves its state (the open editors, the webview's state) before it goes.
  const navigated = page.waitForNavigation({ timeout: 90000 }).catch(() => {});
  await ui.runCommand('Developer: Reload Window');
  await navigated;
  await page.locator('.monaco-workbench').waitFor({ timeout: 90000 });
  await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ timeout: 90000 });
  const tab = page.locator('.tabs-container .tab', { hasText: 'Replay' }).first();
  await tab.waitFor({ timeout: 60000 });
  await tab.click();
  const restored = ui.webview();
  await restored.locator('body[data-state=ready]').waitFor({ timeout: 60000 });
  assert.equal((await restored.locator('.prompt-text').textContent()).trim(), text, 'the same prompt after the reload');
  await ui.waitUntil(async () => (await selectedIndex(restored)) === 4, { message: 'the same step after the reload' });
  await ui.shot('replay-restored');
}

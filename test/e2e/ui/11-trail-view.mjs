// The Agent Trail view in its own activity bar container: the recorded session, its prompt and the prompt's
// 7 tool calls with their outcome; the CodeLens summary on src/greet.js reveals the prompt there (its
// "Replay latest prompt" link opens the replay panel, tested in 20-replay).
import { feedRunOnce } from '../feedSession.mjs';

export const title = 'Agent Trail view: session → prompt → tool calls, revealed from the CodeLens';
export const timeoutS = 120;

const PROMPT = 'Fix the greeting in src/greet.js';

export default async function ({ ui, page, workspace, runDir, assert, log }) {
  await feedRunOnce({ runDir, workspace, log });

  await ui.openFile('src/greet.js');
  const summary = ui.codeLens('changed this file').first();
  await summary.waitFor({ timeout: 30000 });
  log(`CodeLenses: ${JSON.stringify(await ui.codeLensTexts())}`);
  await ui.clickCodeLens('changed this file');

  const view = page.locator('.pane', { has: page.locator('.pane-header', { hasText: 'Sessions' }) });
  const rows = view.locator('.monaco-list-row');
  const prompt = rows.filter({ hasText: PROMPT }).first();
  await prompt.waitFor({ timeout: 20000 });
  assert.strictEqual(await prompt.getAttribute('aria-selected'), 'true', 'the CodeLens summary selects the prompt');
  const session = rows.filter({ hasText: 'Claude Code' }).first();
  assert.match(await session.textContent(), /1 prompt · \$0\.25/);

  if ((await prompt.getAttribute('aria-expanded')) !== 'true') await prompt.click();
  const tools = ['TaskCreate', 'Read', 'Edit', 'Bash', 'Write', 'TaskUpdate'];
  await ui.waitUntil(async () => {
    const texts = await rows.allTextContents();
    return tools.every((t) => texts.some((x) => x.startsWith(t))) ? texts : null;
  }, { message: 'the tool calls under the prompt' });
  const texts = (await rows.allTextContents()).map((t) => t.trim());
  log(`tree rows: ${JSON.stringify(texts)}`);
  assert.strictEqual(texts.filter((t) => /accepted/.test(t)).length, 7, 'seven accepted tool calls');
  await ui.shot('trail-view');

  const edit = rows.filter({ hasText: /^Edit/ }).first();
  await edit.click();
  const file = rows.filter({ hasText: 'edit · src' }).first();
  await file.waitFor({ timeout: 10000 });
  await file.click();
  await page.locator('.tabs-container .tab.active', { hasText: 'greet.js' }).waitFor({ timeout: 10000 });
  await ui.runCommand('View: Show Explorer');
}

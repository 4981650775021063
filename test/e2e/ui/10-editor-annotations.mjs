// After the recorded Claude Code session reaches the extension's listener, the editor shows it: the CodeLens
// at the top of src/greet.js, the highlighted edited line (background and marker), the hover with the prompt
// text, and the W badge on greet.js in the Explorer. Screenshots in the dark and the light theme.
import { feedRunOnce } from '../feedSession.mjs';

export const title = 'editor: CodeLens, edited-line highlight, hover and Explorer badge for the recorded session';
export const timeoutS = 150;

const PROMPT = 'Fix the greeting in src/greet.js';

/** The ::after content of an Explorer row's label (where VS Code draws file decoration badges). */
async function badgeOf(row) {
  return row.evaluate((el) => {
    const texts = [];
    for (const e of el.querySelectorAll('*')) {
      const c = getComputedStyle(e, '::after').content;
      if (c && c !== 'none' && c !== 'normal') texts.push(c.replace(/^"|"$/g, ''));
    }
    return texts;
  });
}

/** 'dark' or 'light': the workbench's current theme kind. */
async function themeKind(page) {
  return (await page.locator('.monaco-workbench.vs-dark, .monaco-workbench.hc-black').count()) > 0 ? 'dark' : 'light';
}

export default async function ({ ui, page, workspace, runDir, assert, log }) {
  const started = Date.now();
  const { port } = await feedRunOnce({ runDir, workspace, log });
  log(`fed the recorded session to 127.0.0.1:${port} (${Date.now() - started} ms)`);

  await ui.openFile('src/greet.js');
  const lens = ui.codeLens('Claude Code').first();
  await lens.waitFor({ timeout: 30000 });
  const lensText = (await lens.textContent()).trim();
  log(`CodeLens after ${Date.now() - started} ms: ${lensText}`);
  assert.match(lensText, /Claude Code · 1 prompt changed this file · .* · \$0\.25/);

  const line = await ui.waitForLineDecoration(2, 'Claude Code', { timeout: 30000 });
  log(`line 2 after ${Date.now() - started} ms: after=${JSON.stringify(line.after)} overlays=${JSON.stringify(line.overlays)}`);
  assert.ok(line.after.some((t) => t.includes(PROMPT.slice(0, 20))), 'the marker quotes the prompt');
  assert.ok(
    line.overlays.some((o) => o.background && o.background !== 'rgba(0, 0, 0, 0)'),
    'a whole-line background on the edited line',
  );
  const line1 = await ui.line(1);
  assert.deepStrictEqual(line1.after, [], 'no marker on an untouched line');

  // (appendText writes spaces as &nbsp;: the widget's text has U+00A0 where the prompt had spaces)
  const hover = (await ui.hoverText(2, 6)).replace(/\u00a0/g, ' ');
  log(`hover: ${hover.replace(/\s+/g, ' ').slice(0, 200)}`);
  assert.ok(hover.includes(PROMPT), 'the hover shows the prompt text');
  assert.match(hover, /Edit/);
  assert.match(hover, /accepted by configuration/);
  assert.match(hover, /\$0\.25/);
  const theme = await themeKind(page);
  await ui.shot(`greet-js-${theme}`);
  await page.keyboard.press('Escape');

  const row = await ui.revealInExplorer('src/greet.js');
  const badges = await ui.waitUntil(async () => {
    const b = await badgeOf(row);
    // VS Code joins the badges of several providers ("M, W" with git's)
    return b.some((t) => /(^|, )W(,|$)/.test(t)) ? b : null;
  }, { message: 'the W badge on greet.js in the Explorer' });
  log(`greet.js badges: ${JSON.stringify(badges)}`);
  assert.ok((await badgeOf(ui.explorerItem('notes.txt').first())).every((t) => !/(^|, )[RW](,|$)/.test(t)), 'no badge on notes.txt');
  await ui.shot(`explorer-badge-${theme}`);

  // The other theme kind: the contributed colours have a value for each.
  await ui.runCommand('Preferences: Toggle between Light/Dark Themes');
  const other = theme === 'dark' ? 'light' : 'dark';
  await ui.waitUntil(async () => (await themeKind(page)) === other, { message: `the ${other} theme` });
  await ui.openFile('src/greet.js');
  await ui.codeLens('Claude Code').first().waitFor({ timeout: 20000 });
  await ui.waitForLineDecoration(2, 'Claude Code');
  await ui.hoverText(2, 6);
  await ui.shot(`greet-js-${other}`);
  await page.keyboard.press('Escape');
  await ui.runCommand('Preferences: Toggle between Light/Dark Themes');
  await ui.waitUntil(async () => (await themeKind(page)) === theme, { message: `the ${theme} theme again` });
}

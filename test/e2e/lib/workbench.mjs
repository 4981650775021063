// Playwright helpers for driving VS Code's workbench (code-server) in UI tests (test/e2e/ui/*.mjs).
// Every helper waits (with a timeout) rather than sleeping; failures throw with a readable message.
//
// Selectors that matter (VS Code 1.139):
//   workbench            .monaco-workbench
//   explorer rows        .explorer-folders-view .monaco-list-row
//   editor text          .monaco-editor .view-lines .view-line      (only the lines in view are rendered)
//   line numbers         .monaco-editor .margin-view-overlays .line-numbers
//   CodeLens             .monaco-editor .codelens-decoration        (its <a> runs the command)
//   decorations          spans inside .view-line; `before`/`after` text is CSS ::before/::after content;
//                        whole-line backgrounds in .view-overlays; gutter icons .cgmr
//   notifications        .notifications-toasts .notification-toast
//   status bar           .statusbar-item
//   webview content      page.frameLocator('iframe.webview.ready').frameLocator('#active-frame')
import fs from 'node:fs';
import path from 'node:path';

const DEFAULT_TIMEOUT = 20000;

/**
 * @param {import('playwright-core').Page} page
 * @param {{ url: string, workspace: string, shotsDir: string, prefix?: string }} opts
 */
export function createWorkbench(page, { url, workspace, shotsDir, prefix = '' }) {
  const editor = () => page.locator('.editor-group-container.active .monaco-editor').first();

  const ui = {
    page,
    url,
    workspace,
    /** Screenshot names start with this (the runner sets the test's file name). */
    prefix,

    // ------------------------------------------------------------------ workbench
    /** Loads the workbench on `folder` (default: the test workspace) and waits for the explorer. */
    async open(folder = workspace, { timeout = 90000 } = {}) {
      await page.goto(`${url}/?folder=${encodeURIComponent(folder)}`, { waitUntil: 'domcontentloaded' });
      await page.locator('.monaco-workbench').waitFor({ timeout });
      await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ timeout });
    },

    /** Reloads the page (fresh renderer; the extension host restarts too) and waits for the workbench. */
    async reload({ timeout = 90000 } = {}) {
      await page.reload({ waitUntil: 'domcontentloaded' });
      await page.locator('.monaco-workbench').waitFor({ timeout });
      await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ timeout });
    },

    /** Runs a command from the Command Palette by its title as shown there (e.g. 'View: Close All Editors'). */
    async runCommand(title, { timeout = DEFAULT_TIMEOUT } = {}) {
      await ui.dismissQuickInput();
      await page.keyboard.press('F1');
      const input = page.locator('.quick-input-widget input');
      await input.waitFor({ state: 'visible', timeout });
      await input.fill('>' + title);
      const row = page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
      await row.waitFor({ timeout });
      await row.click();
      await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout }).catch(() => {});
    },

    async dismissQuickInput() {
      if (await page.locator('.quick-input-widget').isVisible()) await page.keyboard.press('Escape');
    },

    async closeAllEditors() {
      await ui.runCommand('View: Close All Editors');
    },

    // ------------------------------------------------------------------ explorer and editors
    /** Explorer row whose label is exactly `name` (visible rows only: expand folders first). */
    explorerItem(name) {
      return page.locator('.explorer-folders-view .monaco-list-row', {
        has: page.locator('.label-name', { hasText: new RegExp(`^${escapeRe(name)}$`) }),
      });
    },

    /** Expands folders along `relativePath` in the explorer and returns the row of its last segment. */
    async revealInExplorer(relativePath, { timeout = DEFAULT_TIMEOUT } = {}) {
      const parts = relativePath.split('/');
      for (let i = 0; i < parts.length; i++) {
        const row = ui.explorerItem(parts[i]).first();
        await row.waitFor({ timeout });
        if (i < parts.length - 1 && (await row.getAttribute('aria-expanded')) === 'false') await row.click();
      }
      return ui.explorerItem(parts[parts.length - 1]).first();
    },

    /** Opens a workspace file through Quick Open (Ctrl+P) and waits for its editor. */
    async openFile(relativePath, { timeout = DEFAULT_TIMEOUT } = {}) {
      await ui.dismissQuickInput();
      await page.locator('.monaco-workbench').click({ position: { x: 5, y: 5 } }).catch(() => {});
      await page.keyboard.press('Control+P');
      const input = page.locator('.quick-input-widget input');
      await input.waitFor({ state: 'visible', timeout });
      await input.fill(relativePath);
      const base = path.basename(relativePath);
      await page.locator('.quick-input-list .monaco-list-row', { hasText: base }).first().waitFor({ timeout });
      await page.keyboard.press('Enter');
      await page.locator('.tabs-container .tab.active', { hasText: base }).waitFor({ timeout });
      await editor().locator('.view-lines .view-line').first().waitFor({ timeout });
      return editor();
    },

    /** The active editor (a locator). */
    editor,

    /** Text of the rendered lines of the active editor, joined with \n (spaces normalised). */
    async editorText() {
      const lines = await ui.renderedLines();
      return lines.map((l) => l.text).join('\n');
    },

    /** Moves the cursor to `line` (1-based) with Go to Line (Ctrl+G), scrolling it into view. */
    async goToLine(line, { timeout = DEFAULT_TIMEOUT } = {}) {
      await editor().click({ position: { x: 200, y: 10 } });
      await page.keyboard.press('Control+G');
      const input = page.locator('.quick-input-widget input');
      await input.waitFor({ state: 'visible', timeout });
      await input.fill(`:${line}`);
      await page.keyboard.press('Enter');
    },

    /**
     * The rendered lines of the active editor: [{ line, text, before: [...], after: [...], classes: [...],
     * overlays: [{ className, background }], glyphs: [className...] }], `before`/`after` being the decoration
     * texts shown around the line's text (CSS pseudo-element content), `overlays` whole-line decorations
     * (backgrounds, borders) and `glyphs` gutter icons.
     */
    async renderedLines() {
      return editor().evaluate((ed) => {
        const content = (el, pseudo) => {
          const c = getComputedStyle(el, pseudo).content;
          if (!c || c === 'none' || c === 'normal') return null;
          try {
            return JSON.parse(c);
          } catch {
            return c.replace(/^"|"$/g, '');
          }
        };
        const top = (el) => Math.round(el.getBoundingClientRect().top);
        const numbers = [...ed.querySelectorAll('.margin-view-overlays .line-numbers')].map((el) => ({
          line: Number(el.textContent.trim()),
          top: top(el),
        }));
        const at = (t) => numbers.find((n) => Math.abs(n.top - t) <= 2)?.line;
        const lines = [...ed.querySelectorAll('.view-lines .view-line')].map((el) => {
          const spans = [...el.querySelectorAll('span')];
          return {
            line: at(top(el)),
            top: top(el),
            text: el.textContent.replace(/\u00a0/g, ' '),
            before: spans.map((s) => content(s, '::before')).filter(Boolean),
            after: spans.map((s) => content(s, '::after')).filter(Boolean),
            classes: [...new Set(spans.flatMap((s) => [...s.classList]).filter((c) => !/^mtk\d+$/.test(c)))],
            overlays: [],
            glyphs: [],
          };
        });
        const lineAt = (t) => lines.find((l) => Math.abs(l.top - t) <= 2);
        for (const el of ed.querySelectorAll('.view-overlays > div > div, .margin-view-overlays > div > div')) {
          const l = lineAt(top(el));
          if (!l || el.classList.contains('line-numbers') || el.classList.contains('current-line')) continue;
          const cs = getComputedStyle(el);
          l.overlays.push({ className: el.className, background: cs.backgroundColor, border: cs.borderLeftStyle !== 'none' ? cs.borderLeft : '' });
        }
        for (const el of ed.querySelectorAll('.cgmr, .glyph-margin-widgets > div')) {
          const l = lineAt(top(el));
          if (l) l.glyphs.push(el.className);
        }
        return lines.filter((l) => l.line !== undefined).sort((a, b) => a.line - b.line);
      });
    },

    /** One rendered line of the active editor (see renderedLines); throws when it is not in view. */
    async line(n) {
      const l = (await ui.renderedLines()).find((x) => x.line === n);
      if (!l) throw new Error(`line ${n} is not rendered in the active editor`);
      return l;
    },

    /** Waits until line `n` shows a decoration whose before/after text contains `text`; returns the line. */
    async waitForLineDecoration(n, text, { timeout = DEFAULT_TIMEOUT } = {}) {
      return ui.waitUntil(
        async () => {
          const l = (await ui.renderedLines()).find((x) => x.line === n);
          return l && [...l.before, ...l.after].some((t) => t.includes(text)) ? l : null;
        },
        { timeout, message: `a decoration "${text}" on line ${n}` },
      );
    },

    /** CodeLens locator (optionally those containing `text`) in the active editor. */
    codeLens(text) {
      const all = editor().locator('.codelens-decoration');
      return text ? all.filter({ hasText: text }) : all;
    },

    /** Texts of every CodeLens in the active editor, in document order. */
    async codeLensTexts() {
      return (await ui.codeLens().allTextContents()).map((t) => t.trim());
    },

    /** Clicks the CodeLens command whose text contains `text`. */
    async clickCodeLens(text, { timeout = DEFAULT_TIMEOUT } = {}) {
      const a = editor().locator('.codelens-decoration a', { hasText: text }).first();
      await a.waitFor({ timeout });
      await a.click();
    },

    /** Hovers a position of the active editor and returns the hover widget's text. */
    async hoverText(line, column = 1, { timeout = DEFAULT_TIMEOUT } = {}) {
      const l = await ui.line(line);
      const box = await editor().locator('.view-lines').boundingBox();
      const charWidth = await editor().evaluate((ed) => {
        const s = ed.querySelector('.view-line span span');
        return s ? s.getBoundingClientRect().width / Math.max(1, s.textContent.length) : 8;
      });
      await page.mouse.move(box.x + (column - 0.5) * charWidth, l.top + 5);
      const hover = page.locator('.monaco-hover:not(.hidden) .monaco-hover-content').first();
      await hover.waitFor({ timeout });
      // providers answer asynchronously: the widget shows "Loading..." first
      return ui.waitUntil(
        async () => {
          const t = ((await hover.textContent()) || '').trim();
          return t && !/^Loading\.\.\.$/.test(t) ? t : null;
        },
        { timeout, message: `the hover at ${line}:${column}` },
      );
    },

    // ------------------------------------------------------------------ other parts
    /** Notification toast containing `text`. */
    notification(text) {
      return page.locator('.notifications-toasts .notification-toast', { hasText: text });
    },

    /** Status bar item containing `text`. */
    statusBarItem(text) {
      return page.locator('.statusbar-item', { hasText: text });
    },

    /** Content frame of a webview (the n-th ready one; panels and views alike). */
    webview(n = 0) {
      return page.frameLocator('iframe.webview.ready').nth(n).frameLocator('#active-frame');
    },

    // ------------------------------------------------------------------ waiting and evidence
    /** Polls `probe` until it returns a truthy value (returned), else throws after `timeout` ms. */
    async waitUntil(probe, { timeout = DEFAULT_TIMEOUT, interval = 200, message = 'condition' } = {}) {
      const deadline = Date.now() + timeout;
      let last;
      for (;;) {
        try {
          const v = await probe();
          if (v) return v;
        } catch (e) {
          last = e;
        }
        if (Date.now() > deadline) {
          throw new Error(`timed out after ${timeout} ms waiting for ${message}${last ? ` (last error: ${last.message})` : ''}`);
        }
        await page.waitForTimeout(interval);
      }
    },

    /** Saves a screenshot as test-results/screenshots/<prefix><name>.png and returns its path. */
    async shot(name, { fullPage = false } = {}) {
      fs.mkdirSync(shotsDir, { recursive: true });
      const file = path.join(shotsDir, `${ui.prefix}${name.replace(/[^\w.-]+/g, '_')}.png`);
      // let animations (toasts sliding in, CodeLens fading) settle
      await page.waitForTimeout(300);
      await page.screenshot({ path: file, fullPage });
      return file;
    },
  };
  return ui;
}

function escapeRe(s) {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

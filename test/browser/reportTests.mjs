// The report tests run by test/browser/run.mjs. Each gets { page, open, shot,
// requests, errors }; the runner also fails a test on any network request,
// page error or CSP violation.
import assert from 'node:assert/strict';

const HOSTILE_IMG = '<img src=x onerror="window.__pwned=1">';
const HOSTILE_SCRIPT = '</script><script>window.__pwned=2</script>';

/** The rows in the DOM, in order: what the timeline shows. */
async function shownRows(page) {
  return page.evaluate(() =>
    [...document.querySelectorAll('.vlist .row:not([hidden])')]
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

async function runningCost(page) {
  return Number(await page.locator('.total-cost').getAttribute('data-cost-micros'));
}

async function selectedIndex(page) {
  return page.evaluate(() => Number(document.querySelector('.vlist .row[aria-current=step]')?.dataset.index ?? -1));
}

async function waitFor(page, probe, message, timeout = 10000) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${message}`);
    await page.waitForTimeout(50);
  }
}

/** Moves the scrubber to `value` as a user dragging it would (input events). */
async function scrub(page, value) {
  await page.locator('.scrubber').evaluate((el, v) => {
    el.value = String(v);
    el.dispatchEvent(new Event('input', { bubbles: true }));
  }, value);
}

export function TESTS(cases) {
  const promptCases = cases.filter((c) => c.steps);
  const byName = (n) => cases.find((c) => c.name === n) ?? assert.fail(`no report case ${n}`);
  const tests = [];

  for (const c of promptCases) {
    tests.push({
      name: `fixture ${c.name} ${c.target.promptId.slice(0, 8)}: steps, decisions and total as the ground truth`,
      async run({ page, open }) {
        await open(c.file);
        const rows = await shownRows(page);
        assert.equal(rows.length, c.steps.length, 'one row per step');
        rows.forEach((r, i) => {
          const e = c.steps[i];
          assert.equal(r.kind, e.kind, `row ${i} kind`);
          assert.equal(r.title, e.title, `row ${i} title`);
          assert.equal(r.outcome, e.outcome, `row ${i} outcome`);
          if (e.decision) {
            assert.ok(r.decision.startsWith(e.decision), `row ${i} decision: ${r.decision}`);
            if (e.decisionSource === 'unknown' || e.decisionSource === 'config' || e.decisionSource === 'hook') assert.ok(r.decision.includes(e.decisionSource), `row ${i} source: ${r.decision}`);
          } else assert.equal(r.decision, '', `row ${i} has no decision`);
        });
        assert.equal(Number(await page.locator('.meta-total').getAttribute('data-cost-micros')), c.costMicros, 'header total = scenario.json costUsdMicros');
        const dollars = `$${(c.costMicros / 1e6).toFixed(6)}`;
        assert.ok((await page.locator('.meta-total').textContent()).includes(dollars), `the total reads ${dollars}`);
        await page.keyboard.press('End');
        assert.equal(await runningCost(page), c.costMicros, 'the running cost at the last step is the total');
        assert.equal(await selectedIndex(page), c.steps.length - 1);
      },
    });
  }

  tests.push({
    name: 'denied-by-rule: the silent refusal shows its unknown source',
    async run({ page, open, shot }) {
      await open(byName('denied-by-rule').file);
      const rows = await shownRows(page);
      const write = rows.find((r) => r.title === 'Write');
      assert.equal(write.decision, 'reject · unknown');
      assert.equal(write.outcome, 'refused');
      await page.locator(`.vlist .row[data-index="${write.index}"]`).click();
      await waitFor(page, async () => (await page.locator('.details').textContent()).includes('rejected without asking (source unknown)'), 'the details of the Write');
      assert.match(await page.locator('.details').textContent(), /Files \(refused: not touched\)/);
      await shot('denied-by-rule-light');
    },
  });

  tests.push({
    name: 'play moves the running cost forward; scrub moves it anywhere; the chart follows',
    async run({ page, open, shot }) {
      const c = byName('multi-tool-http-json');
      await open(c.file);
      assert.equal(await selectedIndex(page), 0);
      assert.equal(await runningCost(page), 0, 'nothing spent before the first model request');
      await page.locator('.chart canvas').first().waitFor();
      const playheadX = () => page.locator('.chart-playhead').evaluate((el) => new DOMMatrix(getComputedStyle(el).transform).m41);
      const x0 = await playheadX();
      // 1×: the real gaps (at least 80 ms a step), so that the test can pause it on the way.
      await page.locator('select.speed').selectOption('1');
      await page.locator('.play-button').click();
      await page.locator('.prompt-view.playing').waitFor();
      const seen = [];
      await waitFor(page, async () => {
        seen.push(await runningCost(page));
        return (await selectedIndex(page)) >= 6;
      }, 'playback to pass step 6');
      assert.equal(await page.locator('.prompt-view.playing').count(), 1, 'still playing at step 6');
      await page.locator('.play-button').click();
      await page.locator('.prompt-view.playing').waitFor({ state: 'detached' });
      const paused = await selectedIndex(page);
      assert.ok(seen.every((v, i) => i === 0 || v >= seen[i - 1]), `the running cost only grows while playing: ${seen.join(',')}`);
      assert.ok((await runningCost(page)) > 0, 'it grew');
      assert.ok((await playheadX()) > x0, 'the chart playhead moved');
      await page.waitForTimeout(300);
      assert.equal(await selectedIndex(page), paused, 'pause stops');
      await scrub(page, 2);
      assert.equal(await selectedIndex(page), 2);
      const at2 = await runningCost(page);
      await scrub(page, c.steps.length - 1);
      assert.equal(await runningCost(page), c.costMicros, 'scrubbed to the end: the total');
      await scrub(page, 0);
      assert.equal(await runningCost(page), 0);
      assert.ok(at2 > 0 && at2 < c.costMicros);
      // A press on the chart scrubs too.
      const box = await page.locator('.chart .u-over').boundingBox();
      await page.mouse.click(box.x + box.width - 2, box.y + box.height / 2);
      assert.equal(await selectedIndex(page), c.steps.length - 1);
      assert.equal(await runningCost(page), c.costMicros);
      await shot('multi-tool-scrubbed-light');
      // Play again from the end restarts at the first step and plays to the end (fast, at 50×).
      await page.locator('select.speed').selectOption('50');
      await page.locator('.play-button').click();
      await waitFor(page, async () => (await selectedIndex(page)) === c.steps.length - 1 && !(await page.locator('.prompt-view.playing').count()), 'playback to reach the end and stop', 15000);
      assert.equal(await runningCost(page), c.costMicros);
    },
  });

  tests.push({
    name: 'keyboard: arrows move the selection, Home/End, space plays and pauses; rows are labelled for screen readers',
    async run({ page, open }) {
      const c = byName('multi-tool-http-json');
      await open(c.file);
      await page.locator('.vlist .row[data-index="0"]').click();
      await page.keyboard.press('ArrowDown');
      await page.keyboard.press('ArrowDown');
      assert.equal(await selectedIndex(page), 2);
      assert.equal(await page.evaluate(() => document.activeElement?.dataset.index), '2', 'focus follows the selection');
      await page.keyboard.press('ArrowUp');
      assert.equal(await selectedIndex(page), 1);
      await page.keyboard.press('End');
      assert.equal(await selectedIndex(page), c.steps.length - 1);
      await page.keyboard.press('Home');
      assert.equal(await selectedIndex(page), 0);
      await page.keyboard.press(' ');
      await page.locator('.prompt-view.playing').waitFor();
      await page.keyboard.press(' ');
      await page.locator('.prompt-view.playing').waitFor({ state: 'detached' });
      const a11y = await page.evaluate(() => ({
        list: document.querySelector('.vlist')?.getAttribute('role'),
        item: document.querySelector('.vlist .row')?.getAttribute('role'),
        label: document.querySelector('.vlist .row[data-index="1"]')?.getAttribute('aria-label'),
        setsize: document.querySelector('.vlist .row')?.getAttribute('aria-setsize'),
        live: document.querySelector('[aria-live]')?.getAttribute('aria-live'),
        scrubber: document.querySelector('.scrubber')?.getAttribute('aria-label'),
        buttons: [...document.querySelectorAll('.toolbar vscode-button')].map((b) => b.getAttribute('aria-label')),
      }));
      assert.equal(a11y.list, 'list');
      assert.equal(a11y.item, 'listitem');
      assert.match(a11y.label, /^Step 2, at \+0\.\d{3} s, tool Read: .*accepted by config, succeeded/);
      assert.equal(a11y.setsize, String(c.steps.length));
      assert.equal(a11y.live, 'polite');
      assert.ok(a11y.scrubber);
      assert.ok(a11y.buttons.every((l) => l && l.length > 0), 'every control has a label');
      await waitFor(page, async () => /Running cost \$/.test((await page.locator('[aria-live]').textContent()) ?? ''), 'the live region to announce the running cost');
    },
  });

  tests.push({
    name: 'hostile prompt: markup in agent text renders inert, as the characters it is',
    async run({ page, open, shot }) {
      await open(byName('hostile').file);
      const text = await page.locator('.prompt-text').textContent();
      assert.ok(text.includes(HOSTILE_IMG), `the prompt shows the <img> as text: ${text}`);
      assert.ok(text.includes(HOSTILE_SCRIPT), 'and the </script> as text');
      const rows = await shownRows(page);
      assert.equal(rows.length, 3);
      assert.ok(rows[1].summary.includes(HOSTILE_IMG) && rows[1].summary.includes(HOSTILE_SCRIPT), `the tool input as text: ${rows[1].summary}`);
      await page.locator('.vlist .row[data-index="1"]').click();
      await waitFor(page, async () => (await page.locator('.details .pre.error').count()) > 0, 'the error in the details');
      assert.ok((await page.locator('.details').textContent()).includes(`bash: ${HOSTILE_IMG}: command not found`));
      await page.locator('.vlist .row[data-index="2"]').click();
      await waitFor(page, async () => (await page.locator('.details .file-path').count()) > 0, 'the refused file');
      assert.ok((await page.locator('.details .file-path').textContent()).includes(HOSTILE_IMG));
      await page.locator('.vlist .row[data-index="0"]').click();
      await waitFor(page, async () => (await page.locator('.details .response').count()) > 0, 'the response');
      assert.equal(await page.locator('.details .response').textContent(), `Sure: ${HOSTILE_SCRIPT}`);
      await page.waitForTimeout(200);
      const state = await page.evaluate(() => ({ pwned: window.__pwned, imgs: document.querySelectorAll('img').length, scripts: document.scripts.length }));
      assert.equal(state.pwned, undefined, 'window.__pwned stays undefined');
      assert.equal(state.imgs, 0, 'no <img> element was created');
      assert.equal(state.scripts, 2, 'only the data and the app script');
      await shot('hostile-light');
    },
  });

  tests.push({
    name: 'session report: the prompts with their costs; open one, replay it, go back',
    async run({ page, open, shot }) {
      const c = byName('interactive-approvals (session)');
      await open(c.file);
      const items = page.locator('.prompt-list .prompt-item');
      assert.equal(await items.count(), c.prompts);
      assert.equal(Number(await page.locator('.meta-total').getAttribute('data-cost-micros')), c.costMicros, 'session total = scenario.json costUsdMicros');
      assert.match(await items.nth(2).textContent(), /\/exit/);
      await shot('session-light');
      const first = cases.find((x) => x.name === 'interactive-approvals' && x.steps);
      await items.first().click();
      await page.locator('.prompt-view').waitFor();
      await waitFor(page, async () => (await shownRows(page)).length === first.steps.length && !(await shownRows(page)).some((r) => r.loading), 'the prompt rows');
      await page.keyboard.press('End');
      assert.equal(await runningCost(page), first.costMicros);
      await page.locator('.back').click();
      await page.locator('.session-view').waitFor();
      assert.equal(await page.locator('.prompt-list .prompt-item').count(), c.prompts);
      await page.locator('.prompt-list .prompt-item').nth(1).focus();
      await page.keyboard.press('Enter');
      await page.locator('.prompt-view').waitFor();
    },
  });

  tests.push({
    name: 'dark colour scheme: the report follows it',
    async run({ page, open, shot }) {
      await open(byName('subagent').file, { colorScheme: 'dark' });
      const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
      assert.equal(bg, 'rgb(31, 31, 31)');
      await page.locator('.chart canvas').first().waitFor();
      await shot('subagent-dark');
      await page.emulateMedia({ colorScheme: 'light' });
      assert.equal(await page.evaluate(() => getComputedStyle(document.body).backgroundColor), 'rgb(255, 255, 255)');
    },
  });

  tests.push({
    name: 'native-looking controls render under the CSP (vscode-elements styles apply)',
    async run({ page, open }) {
      await open(byName('multi-tool-http-json').file);
      const styled = await page.locator('.play-button').evaluate((el) => {
        const base = el.shadowRoot?.querySelector('[part=base], .wrapper, button, div');
        return { sheets: el.shadowRoot?.adoptedStyleSheets?.length ?? 0, display: getComputedStyle(el).display, height: el.getBoundingClientRect().height };
      });
      assert.ok(styled.sheets > 0, 'the component has its styles');
      assert.notEqual(styled.display, 'inline', 'its :host styles apply');
      assert.ok(styled.height >= 20 && styled.height <= 32, `a toolbar-sized button (${styled.height}px)`);
    },
  });

  const host = cases.find((c) => c.name === 'host-live');
  if (host) {
    const hostLog = (page) => page.evaluate(() => window.__host.log);
    tests.push({
      name: 'in VS Code (fake host): ready first, then requests with ids; rows pulled in pages, never pushed',
      async run({ page, open }) {
        await open(host.file);
        const log = await hostLog(page);
        assert.equal(log[0].type, 'ready', 'the webview says ready before anything else');
        assert.equal(log[0].protocol, 1);
        const requests = log.filter((m) => m.type === 'request');
        assert.ok(requests.length >= 2);
        assert.deepEqual(requests.map((r) => r.id), [...new Set(requests.map((r) => r.id))], 'each request has its own id');
        assert.equal(requests[0].method, 'getPrompt');
        assert.ok(requests.filter((r) => r.method === 'getSteps').every((r) => r.params.limit <= 200 && r.params.offset % r.params.limit === 0), 'pages');
        const posted = await page.evaluate(() => window.__host.posted.map((m) => m.type + ':' + (m.name ?? m.id)));
        assert.equal(posted.filter((p) => p.startsWith('notification')).length, 1, 'one notification: show');
        assert.equal(posted.filter((p) => p.startsWith('response')).length, requests.length, 'one response per request');
        assert.match(await page.locator('.meta-steps').textContent(), new RegExp(`^${host.hostVersions[0]} steps$`));
        assert.equal(await page.locator('.live-badge').isVisible(), true, 'a recent prompt is marked live');
        assert.equal(await selectedIndex(page), host.hostVersions[0] - 1, 'a live prompt opens at its latest step');
        assert.equal(await page.locator('.follow-button').getAttribute('aria-pressed'), 'true', 'and follows it');
        const titles = log.filter((m) => m.type === 'command' && m.command === 'navigated');
        assert.ok(titles.length > 0 && /^Replay: Refactor the HTTP server/.test(titles[0].args.title), 'the panel title');
      },
    });
    tests.push({
      name: 'in VS Code (fake host): live follow, the host says the data changed, the webview re-requests and moves to the newest step',
      async run({ page, open }) {
        await open(host.file);
        const before = (await hostLog(page)).filter((m) => m.method === 'getPrompt').length;
        await page.evaluate(() => window.__host.grow());
        await waitFor(page, async () => (await page.locator('.meta-steps').textContent()) === `${host.hostVersions[1]} steps`, 'the new step count');
        await waitFor(page, async () => (await selectedIndex(page)) === host.hostVersions[1] - 1, 'the selection to follow to the newest step');
        assert.ok((await hostLog(page)).filter((m) => m.method === 'getPrompt').length > before, 'the overview was asked for again');
        await waitFor(page, async () => !(await shownRows(page)).some((r) => r.loading), 'the new rows');
        // Not following any more: a change keeps the selection where the user put it.
        await page.locator('.vlist .row[data-index="50"]').click();
        assert.equal(await page.locator('.follow-button').getAttribute('aria-pressed'), 'false', 'moving off the end stops following');
        await page.evaluate(() => window.__host.grow());
        await page.waitForTimeout(300);
        assert.equal(await selectedIndex(page), 50);
      },
    });
    tests.push({
      name: 'in VS Code (fake host): state saved with setState is restored when the webview comes back',
      async run({ page, open }) {
        await open(host.file);
        await scrub(page, 3);
        await page.locator('select.speed').selectOption('5');
        await waitFor(page, async () => {
          const st = await page.evaluate(() => window.__host.state);
          return st?.selected === 3 && st?.speed === 5;
        }, 'the state saved');
        const state = await page.evaluate(() => window.__host.state);
        assert.deepEqual(state.target, host.target);
        assert.equal(state.speed, 5);
        await page.goto(`file://${host.file}#state=${encodeURIComponent(JSON.stringify(state))}`);
        await page.reload();
        await page.locator('body[data-state=ready]').waitFor();
        const ready = (await page.evaluate(() => window.__host.log)).find((m) => m.type === 'ready');
        assert.deepEqual(ready.restored, host.target, 'ready tells the host what was restored');
        assert.equal(await selectedIndex(page), 3, 'the same step');
        assert.equal(await page.locator('select.speed').inputValue(), '5', 'the same speed');
      },
    });
    tests.push({
      name: 'in VS Code (fake host): opening a file sends the prompt, the step and the path, nothing else',
      async run({ page, open }) {
        await open(host.file);
        const rows = await shownRows(page);
        const read = rows.find((r) => r.title === 'Read' && !r.loading);
        assert.ok(read, 'a Read row in view');
        await page.locator(`.vlist .row[data-index="${read.index}"]`).click();
        await page.locator('.details .file vscode-button').first().click();
        await waitFor(page, async () => (await hostLog(page)).some((m) => m.type === 'command' && m.command === 'openFile'), 'the openFile command');
        const cmd = (await hostLog(page)).find((m) => m.command === 'openFile');
        assert.equal(cmd.args.promptId, host.target.promptId);
        assert.ok(cmd.args.path.startsWith('/home/dev/projects/big/'), cmd.args.path);
        assert.equal(typeof cmd.args.stepKey, 'string');
        assert.deepEqual(Object.keys(cmd.args).sort(), ['path', 'promptId', 'stepKey']);
      },
    });
  }
  const missing = cases.find((c) => c.name === 'host-missing');
  if (missing) {
    tests.push({
      name: 'in VS Code (fake host): an error reply is shown, not thrown',
      async run({ page }) {
        await page.goto(`file://${missing.file}`);
        await page.locator('.error-bar:not([hidden])').waitFor();
        assert.match(await page.locator('.error-bar').textContent(), /not in the trail/);
        assert.equal(await page.evaluate(() => document.body.dataset.state), 'error');
      },
    });
  }

  const big = cases.find((c) => c.name.startsWith('synthetic-'));
  if (big) {
    tests.push({
      name: `${big.name}: only the visible rows are in the DOM; End, scroll and scrub load their pages`,
      async run({ page, open, shot }) {
        await open(big.file);
        const count = Number((await page.locator('.meta-steps').textContent()).replace(/\D/g, ''));
        assert.ok(count >= 1000, `a big prompt (${count} steps)`);
        const inDom = await page.locator('.vlist .row').count();
        assert.ok(inDom < 120, `virtualised: ${inDom} row elements for ${count} steps`);
        await page.locator('.vlist .row[data-index="0"]').click();
        await page.keyboard.press('End');
        await waitFor(page, async () => (await shownRows(page)).some((r) => r.index === count - 1 && !r.loading), 'the last row');
        assert.equal(await runningCost(page), big.costMicros, 'the running cost at the end is the total');
        await scrub(page, Math.floor(count / 2));
        await waitFor(page, async () => {
          const rows = await shownRows(page);
          return rows.some((r) => r.index === Math.floor(count / 2) && r.selected && !r.loading);
        }, 'the middle row, loaded and selected');
        await page.locator('.vlist').evaluate((el) => (el.scrollTop = el.scrollHeight / 4));
        await waitFor(page, async () => {
          const rows = await shownRows(page);
          return rows.length > 10 && rows.every((r) => !r.loading);
        }, 'the rows scrolled to');
        assert.ok((await page.locator('.vlist .row').count()) < 120, 'still only the visible rows');
        const firstRows = await page.evaluate(() => performance.getEntriesByName('agent-trail:first-rows')[0]?.startTime ?? -1);
        assert.ok(firstRows > 0, 'the first-rows mark is set');
        await shot('synthetic-light');
      },
    });
  }
  return tests;
}

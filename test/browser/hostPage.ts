// A page that runs the replay app as VS Code would, with a fake panel host:
// `acquireVsCodeApi()` is defined, messages go through window.postMessage
// asynchronously, and the host answers the protocol from two versions of a
// prompt (the second has more steps: the agent went on). What the host saw is
// in `window.__host` for the tests: the messages in order, the state saved,
// and `grow()` to switch to the second version and post `dataChanged`.
import fs from 'node:fs';
import type { PromptDetails } from '../../src/core/model/views';
import { PromptReplay } from '../../src/core/replay/replayModel';
import type { ReportAssets } from '../../src/core/replay/report';
import { inlineScript, inlineStyle } from '../../src/core/replay/report';
import { jsonForHtml } from '../../src/protocol/messages';

const FAKE_HOST = `(() => {
  const data = JSON.parse(document.getElementById('host-data').textContent);
  let version = 0;
  const host = (window.__host = { log: [], state: null, posted: [], ready: false, version: () => version });
  const fromHash = new URLSearchParams(location.hash.slice(1)).get('state');
  host.state = fromHash ? JSON.parse(fromHash) : null;
  const post = (message) => {
    host.posted.push(message);
    setTimeout(() => window.postMessage(message, '*'), 1);
  };
  const prompt = () => data.versions[version];
  host.grow = () => {
    version = Math.min(version + 1, data.versions.length - 1);
    post({ type: 'notification', name: 'dataChanged', params: {} });
  };
  const answer = (m) => {
    const p = prompt();
    if (m.method === 'getPrompt') {
      if (m.params.promptId !== p.overview.prompt.id) return { type: 'response', id: m.id, ok: false, error: { code: 'not_found', message: 'prompt ' + m.params.promptId + ' is not in the trail' } };
      return { type: 'response', id: m.id, ok: true, result: p.overview };
    }
    if (m.method === 'getSteps') {
      const rows = p.rows.slice(m.params.offset, m.params.offset + m.params.limit);
      return { type: 'response', id: m.id, ok: true, result: { promptId: m.params.promptId, offset: m.params.offset, total: p.rows.length, rows } };
    }
    return { type: 'response', id: m.id, ok: false, error: { code: 'not_found', message: 'no sessions here' } };
  };
  window.acquireVsCodeApi = () => ({
    postMessage: (message) => {
      const m = JSON.parse(JSON.stringify(message)); // what crosses the boundary is data only
      host.log.push(m);
      if (m.type === 'ready') {
        host.ready = true;
        const target = data.target || (m.restored ?? { kind: 'prompt', promptId: prompt().overview.prompt.id });
        post({ type: 'notification', name: 'show', params: { target } });
      } else if (m.type === 'request') {
        if (!host.ready) throw new Error('request before ready');
        setTimeout(() => post(answer(m)), 2);
      }
    },
    getState: () => host.state,
    setState: (s) => { host.state = JSON.parse(JSON.stringify(s)); },
  });
})();`;

/** Writes the page: `versions` are the prompt as the host knows it, one after the other. */
export function writeHostPage(file: string, versions: readonly PromptDetails[], assets: ReportAssets, nonce: string, target: unknown = null): void {
  const data = {
    target,
    versions: versions.map((d) => {
      const r = new PromptReplay(d, { nowMs: Date.parse(d.endedAt) + 1000 });
      return { overview: r.overview(), rows: r.allRows() };
    }),
  };
  const csp = `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'nonce-${nonce}'`;
  fs.writeFileSync(
    file,
    [
      '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">',
      `<meta http-equiv="Content-Security-Policy" content="${csp}">`,
      `<style nonce="${nonce}">${inlineStyle(assets.css)}</style>`,
      '</head><body class="vscode-dark">',
      '<div id="app"></div>',
      `<script type="application/json" id="host-data">${jsonForHtml(data)}</script>`,
      `<script nonce="${nonce}">${FAKE_HOST}</script>`,
      `<script nonce="${nonce}">${inlineScript(assets.script)}</script>`,
      '</body></html>',
    ].join('\n'),
  );
}

// The self-contained HTML report: one file with the replay app's script and
// styles inlined and the data embedded as JSON, for `agent-trail report`.
// Nothing loads from anywhere (CSP `default-src 'none'`, the script and the
// style allowed by a nonce); the data sits in a `<script type="application/json">`
// with `<`, `>`, `&`, U+2028 and U+2029 escaped, so agent text such as
// `</script>` stays text. The app reads it instead of messaging an editor.

import { jsonForHtml, type ReportData, type ReportPrompt } from '../../protocol/messages';
import type { ReplayData } from './replayData';
import { ReplayNotFoundError } from './replayData';
import { packReportRows } from './reportRows';
import type { ViewTarget } from './replayTypes';

export interface ReportAssets {
  /** The built webview bundle (media/webview/main.js). */
  readonly script: string;
  /** Its styles (media/webview/main.css). */
  readonly css: string;
}

/** Base64 of 16+ random bytes, from the caller (crypto.randomBytes in Node). */
const NONCE = /^[A-Za-z0-9+/]{22,}={0,2}$/;

/** The data of a report: one prompt, or a session with every prompt in it. */
export async function buildReportData(target: ViewTarget, replays: ReplayData, now: Date = new Date()): Promise<ReportData> {
  const prompts: Record<string, ReportPrompt> = {};
  const addPrompt = async (promptId: string): Promise<void> => {
    const r = await replays.replay(promptId);
    if (!r) throw new ReplayNotFoundError(`prompt ${promptId}`);
    prompts[promptId] = { overview: r.overview(), rows: packReportRows(r.allRows()) };
  };
  if (target.kind === 'prompt') {
    await addPrompt(target.promptId);
    return { format: 'agent-trail-report', version: 1, generatedAt: now.toISOString(), initial: target, session: null, prompts };
  }
  const session = await replays.session(target.sessionId);
  for (const p of session.prompts) await addPrompt(p.id);
  return { format: 'agent-trail-report', version: 1, generatedAt: now.toISOString(), initial: target, session, prompts };
}

/** `</script` cannot end the inlined script early; `<!--` would change how the parser reads it. */
export function inlineScript(script: string): string {
  if (/<!--/.test(script)) throw new Error('the webview bundle contains "<!--" and cannot be inlined safely');
  return script.replace(/<\/(script)/gi, '<\\/$1');
}

export function inlineStyle(css: string): string {
  return css.replace(/<\/(style)/gi, '<\\/$1');
}

const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function renderReportHtml(data: ReportData, assets: ReportAssets, nonce: string): string {
  if (!NONCE.test(nonce)) throw new Error('the nonce must be base64 of at least 16 random bytes');
  const csp = `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'nonce-${nonce}'; base-uri 'none'; form-action 'none'`;
  const title = data.initial.kind === 'prompt' ? 'Agent Trail: prompt replay' : 'Agent Trail: session replay';
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${csp}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="referrer" content="no-referrer">',
    `<meta name="generator" content="Agent Trail report, ${escapeHtml(data.generatedAt)}">`,
    `<title>${escapeHtml(title)}</title>`,
    `<style nonce="${nonce}">${inlineStyle(assets.css)}</style>`,
    '</head>',
    '<body class="mode-report">',
    '<div id="app"></div>',
    `<script type="application/json" id="agent-trail-data">${jsonForHtml(data)}</script>`,
    `<script nonce="${nonce}">${inlineScript(assets.script)}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

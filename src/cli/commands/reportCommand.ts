// `agent-trail report PROMPT_ID|--session ID -o FILE.html [--db DIR]`: one
// self-contained HTML file that replays a prompt (or every prompt of a
// session) the way the editor's replay panel does: the same app, its script
// and styles inlined, the data embedded. It loads nothing from the network.

import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { buildReportData, renderReportHtml, type ReportAssets } from '../../core/replay/report';
import { ReplayData, ReplayNotFoundError } from '../../core/replay/replayData';
import type { ViewTarget } from '../../core/replay/replayTypes';
import { formatOptions, parseCommandArgs } from '../args';
import { EXIT_FAILURE, EXIT_OK, UsageError, type Command } from '../command';
import { dataDirOf, openQueries, StoreBusyError } from '../storeAccess';

const OPTIONS = {
  session: { type: 'string', valueName: 'ID', description: 'Replay every prompt of this session instead of one prompt' },
  output: { type: 'string', short: 'o', valueName: 'FILE', description: 'Where to write the HTML file (required)' },
  db: { type: 'string', valueName: 'DIR', description: 'Store directory (default: the per-user store shared with VS Code)' },
} as const;

/** Where the built webview app is: beside the CLI bundle (dist/ → media/webview) or in the source tree. */
export function findWebviewAssets(from: string = __dirname): ReportAssets {
  const candidates = [path.resolve(from, '../media/webview'), path.resolve(from, '../../../media/webview'), path.resolve(from, '../../media/webview')];
  for (const dir of candidates) {
    const script = path.join(dir, 'main.js');
    const css = path.join(dir, 'main.css');
    if (fs.existsSync(script) && fs.existsSync(css)) return { script: fs.readFileSync(script, 'utf8'), css: fs.readFileSync(css, 'utf8') };
  }
  throw new Error(`the replay app is not built (no media/webview/main.js near ${from}); run \`node scripts/build.mjs\``);
}

export function newNonce(): string {
  return crypto.randomBytes(18).toString('base64');
}

export const reportCommand: Command = {
  name: 'report',
  summary: 'Write a self-contained HTML replay of a prompt or a session',
  help: () =>
    [
      'Usage: agent-trail report PROMPT_ID -o FILE.html [--db DIR]',
      '       agent-trail report --session ID -o FILE.html [--db DIR]',
      '',
      "One HTML file that replays a prompt's steps (tool calls, decisions, results, model requests)",
      'beside its running cost, like the replay panel in VS Code: play, step, scrub. With --session, the',
      "session's prompts, each replayable. The file loads nothing from the network: the app and the data",
      'are inside it.',
      '',
      'Options:',
      formatOptions(OPTIONS),
    ].join('\n'),
  async run(args, ctx) {
    const { values, positionals } = parseCommandArgs(args, OPTIONS, 1);
    const promptId = positionals[0];
    if (values.session !== undefined && promptId !== undefined) throw new UsageError('give a PROMPT_ID or --session ID, not both');
    if (values.session === '') throw new UsageError('--session needs a session id');
    if (values.session === undefined && !promptId) throw new UsageError('report needs a PROMPT_ID or --session ID (see `agent-trail prompts`)');
    if (!values.output) throw new UsageError('report needs -o FILE.html');
    const target: ViewTarget = values.session !== undefined ? { kind: 'session', sessionId: values.session } : { kind: 'prompt', promptId: promptId as string };
    const assets = findWebviewAssets();

    // The store itself, or (when an editor window or `serve` owns it) the owner's queries over loopback.
    let access;
    try {
      access = await openQueries(dataDirOf(values.db, ctx.env));
    } catch (err) {
      if (err instanceof StoreBusyError) {
        ctx.io.err(`agent-trail: ${err.message}`);
        return err.exitCode;
      }
      throw err;
    }
    let html: string;
    let steps = 0;
    let prompts = 0;
    try {
      const data = await buildReportData(target, new ReplayData(access.queries, { cacheSize: 1 }));
      for (const p of Object.values(data.prompts)) {
        prompts++;
        steps += p.rows.count;
      }
      html = renderReportHtml(data, assets, newNonce());
    } catch (err) {
      if (err instanceof ReplayNotFoundError) {
        ctx.io.err(`agent-trail report: ${err.message}`);
        return EXIT_FAILURE;
      }
      throw err;
    } finally {
      await access.close();
    }
    const out = path.resolve(values.output);
    const tmp = `${out}.${process.pid}.tmp`;
    await fs.promises.writeFile(tmp, html, 'utf8');
    await fs.promises.rename(tmp, out);
    ctx.io.out(`wrote ${out} (${prompts === 1 ? '1 prompt' : `${prompts} prompts`}, ${steps} steps, ${Math.ceil(Buffer.byteLength(html) / 1024)} KiB)`);
    return EXIT_OK;
  },
};

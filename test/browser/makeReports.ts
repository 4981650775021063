// Writes the HTML reports the browser tests and the bench open, with what each
// must show: every Claude Code fixture scenario (ingested into an in-memory
// store, exactly as `agent-trail report` would read it), a session report, a
// synthetic prompt of N steps, and the hostile prompt.
//
//   node --import tsx test/browser/makeReports.ts OUT_DIR [--synthetic N] [--only synthetic]
import fs from 'node:fs';
import path from 'node:path';
import type { PromptDetails, PromptSummary, SessionSummary } from '../../src/core/model/views';
import { findWebviewAssets, newNonce } from '../../src/cli/commands/reportCommand';
import { ReplayData, type ReplaySource } from '../../src/core/replay/replayData';
import { buildReportData, renderReportHtml, type ReportAssets } from '../../src/core/replay/report';
import type { ViewTarget } from '../../src/core/replay/replayTypes';
import { ModelRepository } from '../../src/core/store/modelRepository';
import { freshDb, ingestAll, loadRequests, readScenario, scenarioDirs } from '../unit/model/scenarioSupport';
import { writeHostPage } from './hostPage';
import { hostilePrompt, syntheticPrompt } from './syntheticPrompt';

export interface ExpectedStep {
  readonly kind: string;
  readonly title: string;
  readonly decision: string | null;
  readonly decisionSource: string | null;
  readonly outcome: string;
}

export interface ReportCase {
  readonly name: string;
  readonly file: string;
  readonly target: ViewTarget;
  /** For prompt reports: the prompt's steps as the view model has them. */
  readonly steps?: readonly ExpectedStep[];
  /** Ground truth: scenario.json's costUsdMicros for the prompt (or the session). */
  readonly costMicros: number;
  readonly prompts?: number;
  /** A page with a fake VS Code host (hostPage.ts): the steps of each version it serves. */
  readonly hostVersions?: readonly number[];
}

/** The first `n` steps of a prompt, as the trail had it while the agent was still at work. */
function firstSteps(d: PromptDetails, n: number): PromptDetails {
  const steps = d.steps.slice(0, n);
  const costMicros = steps.reduce((sum, s) => sum + (s.kind === 'model_request' ? s.costMicros : 0), 0);
  return { ...d, steps, costMicros, costUsd: costMicros / 1e6, endedAt: steps[steps.length - 1]?.at ?? d.startedAt };
}

export function sourceOf(details: readonly PromptDetails[], sessions: readonly SessionSummary[] = []): ReplaySource {
  const byId = new Map(details.map((d) => [d.id, d]));
  return {
    promptDetails: async (id) => byId.get(id) ?? null,
    listPrompts: async (q) => details.filter((d) => q?.sessionId === undefined || d.sessionId === q.sessionId).map(({ steps: _s, ...summary }) => summary as PromptSummary),
    listSessions: async () => sessions,
  };
}

export async function writeReport(file: string, target: ViewTarget, source: ReplaySource, assets: ReportAssets): Promise<number> {
  const data = await buildReportData(target, new ReplayData(source));
  const html = renderReportHtml(data, assets, newNonce());
  fs.writeFileSync(file, html);
  return Buffer.byteLength(html);
}

export async function makeReports(outDir: string, options: { synthetic?: number; only?: 'synthetic' } = {}): Promise<ReportCase[]> {
  fs.mkdirSync(outDir, { recursive: true });
  const assets = findWebviewAssets(path.resolve(__dirname, '../../dist'));
  const cases: ReportCase[] = [];
  if (options.only !== 'synthetic') {
    for (const dir of scenarioDirs('claude-code')) {
      const name = path.basename(dir);
      const scenario = readScenario(dir);
      const db = await freshDb();
      ingestAll(db, loadRequests(dir).map((r) => r.batch));
      const repo = new ModelRepository(db);
      const source: ReplaySource = {
        promptDetails: async (id) => repo.promptDetails(id),
        listPrompts: async (q) => repo.listPrompts(q),
        listSessions: async () => repo.listSessions(),
      };
      for (const p of scenario.prompts) {
        const file = path.join(outDir, `${name}--${p.promptId.slice(0, 8)}.html`);
        await writeReport(file, { kind: 'prompt', promptId: p.promptId }, source, assets);
        const replay = await new ReplayData(source).replay(p.promptId);
        cases.push({
          name,
          file,
          target: { kind: 'prompt', promptId: p.promptId },
          steps: (replay?.allRows() ?? []).map((r) => ({ kind: r.kind, title: r.title, decision: r.decision, decisionSource: r.decisionSource, outcome: r.outcome })),
          costMicros: p.costUsdMicros,
        });
      }
      if (scenario.prompts.length > 1) {
        const file = path.join(outDir, `${name}--session.html`);
        await writeReport(file, { kind: 'session', sessionId: scenario.sessionIds[0] }, source, assets);
        cases.push({ name: `${name} (session)`, file, target: { kind: 'session', sessionId: scenario.sessionIds[0] }, costMicros: scenario.costUsdMicros, prompts: repo.listPrompts({ sessionId: scenario.sessionIds[0] }).length });
      }
      db.close();
    }
    const live = syntheticPrompt(60, 7, 'live-prompt');
    const hostFile = path.join(outDir, 'host-live.html');
    writeHostPage(hostFile, [firstSteps(live, 45), live], assets, newNonce());
    cases.push({ name: 'host-live', file: hostFile, target: { kind: 'prompt', promptId: live.id }, costMicros: live.costMicros, hostVersions: [45, 60] });
    const missingFile = path.join(outDir, 'host-missing.html');
    writeHostPage(missingFile, [live], assets, newNonce(), { kind: 'prompt', promptId: 'no-such-prompt' });
    cases.push({ name: 'host-missing', file: missingFile, target: { kind: 'prompt', promptId: 'no-such-prompt' }, costMicros: 0, hostVersions: [60] });
    const hostile = hostilePrompt();
    const file = path.join(outDir, 'hostile.html');
    await writeReport(file, { kind: 'prompt', promptId: hostile.id }, sourceOf([hostile]), assets);
    cases.push({ name: 'hostile', file, target: { kind: 'prompt', promptId: hostile.id }, costMicros: hostile.costMicros });
  }
  const n = options.synthetic ?? 10_000;
  if (n > 0) {
    const big = syntheticPrompt(n);
    const file = path.join(outDir, `synthetic-${n}.html`);
    await writeReport(file, { kind: 'prompt', promptId: big.id }, sourceOf([big]), assets);
    cases.push({ name: `synthetic-${n}`, file, target: { kind: 'prompt', promptId: big.id }, costMicros: big.costMicros });
  }
  fs.writeFileSync(path.join(outDir, 'cases.json'), `${JSON.stringify(cases, null, 2)}\n`);
  return cases;
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const out = args.find((a) => !a.startsWith('--'));
  if (!out) {
    console.error('usage: makeReports.ts OUT_DIR [--synthetic N] [--only synthetic]');
    process.exit(2);
  }
  const synthetic = args.includes('--synthetic') ? Number(args[args.indexOf('--synthetic') + 1]) : undefined;
  const only = args.includes('--only') ? (args[args.indexOf('--only') + 1] as 'synthetic') : undefined;
  makeReports(path.resolve(out), { synthetic, only }).then(
    (cases) => console.log(`${cases.length} reports in ${out}`),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}

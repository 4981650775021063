// Benchmark: the replay app on a synthetic 10,000-step prompt, in Debian's
// Chromium, as the HTML report (the same bundle as the VS Code panel, its data
// embedded). Prints:
// - first paint: navigation start → the first rows painted (the app's
//   `agent-trail:first-rows` mark, set after the frame that shows them), with
//   the bundle's start and the HTML parse as a breakdown; for the development
//   bundle (`npm run bench` builds it) and the production one (minified, as
//   shipped in the .vsix); target < 300 ms;
// - frame times while scrolling the timeline (ten rows a frame), scrubbing
//   across the whole prompt (a far jump every frame), and playing at 50×: p50,
//   p95, max, frames over 50 ms; for scrubbing also one update's main-thread
//   work (handler + style + layout).
//
// Also runnable alone: npx tsx test/bench/replay.ts [--quick]
import * as esbuild from 'esbuild';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { findWebviewAssets } from '../../src/cli/commands/reportCommand';
import type { ReportAssets } from '../../src/core/replay/report';
import { sourceOf, writeReport } from '../browser/makeReports';
import { syntheticPrompt } from '../browser/syntheticPrompt';
import type { BenchContext, BenchSection } from './section';

const ROOT = path.resolve(__dirname, '../..');
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const TARGET_MS = 300;

const round = (n: number, d = 1): number => Number(n.toFixed(d));

function pct(sorted: readonly number[], p: number): number {
  return sorted.length === 0 ? 0 : (sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0);
}

function median(values: readonly number[]): number {
  return pct([...values].sort((a, b) => a - b), 50);
}

/** The production bundle: the webview build of scripts/build.mjs, minified. */
async function productionAssets(dir: string): Promise<ReportAssets> {
  await esbuild.build({
    entryPoints: [path.join(ROOT, 'webview-ui/src/main.ts')],
    outfile: path.join(dir, 'main.js'),
    bundle: true,
    minify: true,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    logLevel: 'warning',
    legalComments: 'none',
  });
  return { script: fs.readFileSync(path.join(dir, 'main.js'), 'utf8'), css: fs.readFileSync(path.join(dir, 'main.css'), 'utf8') };
}

// Code run in the page, as text: the root tsconfig has no DOM types, and tsx's
// helpers must not leak into what Playwright serialises.
const TIMINGS_IN_PAGE = `(() => {
  const mark = (n) => performance.getEntriesByName(n)[0]?.startTime ?? -1;
  const nav = performance.getEntriesByType('navigation')[0];
  return { first: mark('agent-trail:first-rows'), start: mark('agent-trail:start'), responseEnd: nav ? nav.responseEnd : -1 };
})()`;

const FRAMES_IN_PAGE = `async ({ kind, seconds }) => {
  const list = document.querySelector('.vlist');
  const scrubber = document.querySelector('.scrubber');
  const max = Number(scrubber.max);
  const out = [];
  if (kind === 'play') {
    const speed = document.querySelector('select.speed');
    speed.value = '50';
    speed.dispatchEvent(new Event('change'));
    scrubber.value = '0';
    scrubber.dispatchEvent(new Event('input', { bubbles: true }));
    document.querySelector('.play-button').click();
  }
  const work = [];
  await new Promise((resolve) => {
    let last = performance.now();
    const end = last + seconds * 1000;
    let i = 0;
    const frame = (now) => {
      out.push(now - last);
      last = now;
      i++;
      const t0 = performance.now();
      if (kind === 'scroll') list.scrollTop += 240; // ten rows a frame: a fast fling
      if (kind === 'scrub') {
        // Sweep the whole prompt back and forth, a different spot every frame.
        const phase = (i * 97) % (2 * max);
        scrubber.value = String(phase <= max ? phase : 2 * max - phase);
        scrubber.dispatchEvent(new Event('input', { bubbles: true }));
      }
      if (kind === 'scrub') {
        // The update's main-thread work: the handler, then style and layout forced here.
        void document.body.offsetHeight;
        work.push(performance.now() - t0);
      }
      if (now < end) requestAnimationFrame(frame);
      else resolve();
    };
    requestAnimationFrame(frame);
  });
  if (kind === 'play') document.querySelector('.play-button').click();
  return { deltas: out.slice(1), work };
}`;

interface FrameStats {
  readonly frames: number;
  readonly p50: number;
  readonly p95: number;
  readonly max: number;
  readonly over50: number;
  /** Main-thread time of one update (handler + style + layout), where measured. */
  readonly workP50?: number;
  readonly workP95?: number;
}

function frameStats(deltas: readonly number[]): FrameStats {
  const s = [...deltas].sort((a, b) => a - b);
  return { frames: s.length, p50: round(pct(s, 50)), p95: round(pct(s, 95)), max: round(s[s.length - 1] ?? 0), over50: s.filter((d) => d > 50).length };
}

export async function benchReplay(ctx: BenchContext, steps = 10_000): Promise<void> {
  if (!fs.existsSync(CHROMIUM)) {
    ctx.log(`replay: skipped (no Chromium at ${CHROMIUM})`);
    return;
  }
  const { chromium } = await import('playwright-core');
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'agent-trail-bench-replay-'));
  const runs = ctx.quick ? 3 : 7;
  try {
    const prompt = syntheticPrompt(steps);
    const source = sourceOf([prompt]);
    const target = { kind: 'prompt' as const, promptId: prompt.id };
    const variants: Array<{ label: string; file: string; bytes: number; scriptBytes: number }> = [];
    const dev = findWebviewAssets(path.join(ROOT, 'dist'));
    const devFile = path.join(work, 'dev.html');
    variants.push({ label: 'development bundle', file: devFile, bytes: await writeReport(devFile, target, source, dev), scriptBytes: Buffer.byteLength(dev.script) });
    const prod = await productionAssets(path.join(work, 'prod'));
    const prodFile = path.join(work, 'prod.html');
    variants.push({ label: 'production bundle', file: prodFile, bytes: await writeReport(prodFile, target, source, prod), scriptBytes: Buffer.byteLength(prod.script) });

    const context = await chromium.launchPersistentContext(path.join(work, 'profile'), { executablePath: CHROMIUM, headless: true, args: ARGS, viewport: { width: 1280, height: 860 } });
    try {
      const page = context.pages()[0] ?? (await context.newPage());
      const rows: Array<Array<string | number>> = [];
      for (const v of variants) {
        const first: number[] = [];
        const start: number[] = [];
        const parsed: number[] = [];
        // One warm-up load (the renderer's first start), then the measured ones.
        for (let i = 0; i <= runs; i++) {
          await page.goto(`file://${v.file}?run=${i}`);
          await page.locator('body[data-state=ready]').waitFor({ timeout: 30_000 });
          const t = (await page.evaluate(TIMINGS_IN_PAGE)) as { first: number; start: number; responseEnd: number };
          if (i === 0) continue;
          first.push(t.first);
          start.push(t.start);
          parsed.push(t.responseEnd);
        }
        const sorted = [...first].sort((a, b) => a - b);
        rows.push([v.label, round(v.bytes / 1024 / 1024, 2), round(v.scriptBytes / 1024, 0), round(median(parsed)), round(median(start)), round(median(first)), round(sorted[0] ?? 0), round(pct(sorted, 95)), median(first) < TARGET_MS ? 'yes' : 'NO']);
        ctx.log(`replay.firstPaint.${v.label.split(' ')[0]}: median ${round(median(first))} ms over ${runs} loads (${first.map((x) => round(x, 0)).join(', ')})`);
      }
      ctx.table(
        `replay: first paint of a ${steps.toLocaleString('en-US')}-step prompt (HTML report, ms from navigation start; target < ${TARGET_MS} ms)`,
        ['bundle', 'file MiB', 'script KiB', 'response end', 'app start', 'first rows (median)', 'min', 'p95', `< ${TARGET_MS} ms`],
        rows,
      );

      // Frame times, on the production bundle.
      await page.goto(`file://${prodFile}?frames`);
      await page.locator('body[data-state=ready]').waitFor({ timeout: 30_000 });
      await page.locator('.chart canvas').first().waitFor();
      const seconds = ctx.quick ? 1.5 : 3;
      const measure = async (kind: 'scroll' | 'scrub' | 'play'): Promise<FrameStats> => {
        // Settle: the chart and the first pages are in.
        await page.waitForTimeout(300);
        const r = (await page.evaluate(`(${FRAMES_IN_PAGE})(${JSON.stringify({ kind, seconds })})`)) as { deltas: number[]; work: number[] };
        const w = [...r.work].sort((a, b) => a - b);
        return { ...frameStats(r.deltas), workP50: round(pct(w, 50), 2), workP95: round(pct(w, 95), 2) };
      };
      const frames: Array<Array<string | number>> = [];
      for (const kind of ['scroll', 'scrub', 'play'] as const) {
        const s = await measure(kind);
        frames.push([kind, s.frames, s.p50, s.p95, s.max, s.over50, s.workP50 ?? '-', s.workP95 ?? '-']);
        ctx.log(`replay.frames.${kind}: p50 ${s.p50} ms, p95 ${s.p95} ms, max ${s.max} ms, ${s.over50} of ${s.frames} frames over 50 ms; update work p50 ${s.workP50 ?? '-'} ms p95 ${s.workP95 ?? '-'} ms`);
      }
      ctx.table(
        `replay: frame times on the ${steps.toLocaleString('en-US')}-step prompt (ms between frames, ${seconds} s each; work = one update's JS + style + layout)`,
        ['while', 'frames', 'p50', 'p95', 'max', '> 50 ms', 'work p50', 'work p95'],
        frames,
      );
    } finally {
      await context.close();
    }
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

export const replayBench: BenchSection = {
  name: 'replay',
  description: 'replay app in Chromium on a 10,000-step prompt: first paint (target < 300 ms), scroll/scrub/play frame times',
  run: (ctx) => benchReplay(ctx),
};

if (require.main === module) {
  const quick = process.argv.includes('--quick');
  void benchReplay({
    quick,
    log: (l) => console.log(l),
    table: (title, header, rows) => console.log(`\n${title}\n${header.join('  ')}\n${rows.map((r) => r.join('  ')).join('\n')}\n`),
  });
}

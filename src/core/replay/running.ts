// The running totals after a step, read from the cost series' change points
// (binary search): what the scrubber, the chart and the report show without
// having the step's row at hand. Pure and import-free (webview-ui uses it).

import type { CostSeries, ReplayTokens } from './replayTypes';

export interface RunningTotals {
  readonly costMicros: number;
  readonly tokens: ReplayTokens;
}

const NONE: RunningTotals = { costMicros: 0, tokens: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 } };

/** Totals after step `index`: the last change point at or before it (nothing spent before the first). */
export function runningAt(s: CostSeries, index: number): RunningTotals {
  let lo = 0;
  let hi = s.index.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (s.index[mid] <= index) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  if (found < 0) return NONE;
  return { costMicros: s.costMicros[found], tokens: { input: s.input[found], output: s.output[found], cacheRead: s.cacheRead[found], cacheWrite: s.cacheWrite[found] } };
}

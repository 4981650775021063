// A prompt's rows as the HTML report stores them (packed, see
// src/protocol/packedRows.ts) and back: what packing leaves out (index,
// offset, running totals, label, a model request's token line) is rebuilt
// from the overview. Pure; the CLI packs, webview-ui unpacks.

import { packRows, type PackedRows, type RowUnpacker } from '../../protocol/packedRows';
import { tokenLine } from './format';
import type { PromptOverview, StepRow } from './replayTypes';
import { rowLabel } from './rowLabel';
import { runningAt } from './running';

const modelSummary = (r: StepRow): string | null => (r.kind === 'model_request' && r.tokens !== null ? tokenLine(r.tokens) : null);

export function packReportRows(rows: readonly StepRow[]): PackedRows {
  return packRows(rows, modelSummary);
}

export function unpackReportRow(unpacker: RowUnpacker, overview: PromptOverview, index: number): StepRow {
  const stored = unpacker.stored(index);
  const running = runningAt(overview.series, index);
  const summary = stored.summary === null && stored.kind === 'model_request' && stored.tokens !== null ? tokenLine(stored.tokens) : (stored.summary ?? '');
  const row = { ...stored, summary, index, offsetMs: overview.offsets[index] ?? null, runningCostMicros: running.costMicros, runningTokens: running.tokens };
  return { ...row, label: rowLabel(row) };
}

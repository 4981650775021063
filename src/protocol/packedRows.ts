// Timeline rows packed for the HTML report, so that a 10,000-step prompt
// stays a small file that opens fast. One column per field instead of an
// object per row:
// - numbers (and nulls) as they are, in a plain array;
// - objects whose values are all numbers (token counts) split into one
//   numeric column per key;
// - everything else (text, flags, file lists) as a dictionary of JSON texts,
//   each distinct value once, and per row its position in the dictionary:
//   a string of one character per row when the dictionary is small (≤ 64
//   values), else an array of numbers; or the dictionary alone when every
//   row's value differs (ids).
// - a column with one value for every row as that value.
// Derived fields (index, offset, running totals, the screen-reader label, a
// model request's token line) are not stored: the unpacker recomputes them
// from the overview. No vscode, no Node: the webview unpacks.

import type { StepRow } from '../core/replay/replayTypes';

/** Fields recomputed on unpacking, so not stored. */
export const DERIVED_FIELDS = ['index', 'label', 'offsetMs', 'runningCostMicros', 'runningTokens'] as const;

type Derived = (typeof DERIVED_FIELDS)[number];
export type StoredRow = Omit<StepRow, Derived>;

/** One character per dictionary position (64 of them), for small dictionaries. */
const CODES = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_';

export type PackedColumn =
  | { readonly t: 'c'; readonly value: string }
  | { readonly t: 'n'; readonly v: ReadonlyArray<number | null> }
  | { readonly t: 'o'; readonly keys: readonly string[]; readonly v: ReadonlyArray<ReadonlyArray<number> | null> }
  | { readonly t: 'd'; readonly dict: readonly string[]; readonly codes: string }
  | { readonly t: 'D'; readonly dict: readonly string[]; readonly at: readonly number[] }
  | { readonly t: 'u'; readonly dict: readonly string[] };

export interface PackedRows {
  readonly count: number;
  readonly columns: Readonly<Record<string, PackedColumn>>;
}

const DERIVED = new Set<string>(DERIVED_FIELDS);

const isNumeric = (v: unknown): v is number | null => v === null || (typeof v === 'number' && Number.isFinite(v));

function numericObjectKeys(values: readonly unknown[]): string[] | null {
  let keys: string[] | null = null;
  for (const v of values) {
    if (v === null) continue;
    if (typeof v !== 'object' || Array.isArray(v)) return null;
    const k = Object.keys(v as object);
    if (!k.every((key) => typeof (v as Record<string, unknown>)[key] === 'number' && Number.isFinite((v as Record<string, number>)[key]))) return null;
    if (keys === null) keys = k;
    else if (keys.length !== k.length || keys.some((key, i) => key !== k[i])) return null;
  }
  return keys;
}

function packColumn(values: readonly unknown[]): PackedColumn {
  const first = JSON.stringify(values[0] ?? null);
  if (values.length > 1 && values.every((v) => JSON.stringify(v ?? null) === first)) return { t: 'c', value: first };
  if (values.every(isNumeric)) return { t: 'n', v: values as Array<number | null> };
  const keys = numericObjectKeys(values);
  if (keys !== null && keys.length > 0) {
    return { t: 'o', keys, v: values.map((v) => (v === null ? null : keys.map((k) => (v as Record<string, number>)[k]))) };
  }
  const dict: string[] = [];
  const positions = new Map<string, number>();
  const at = values.map((v) => {
    const text = JSON.stringify(v === undefined ? null : v);
    let p = positions.get(text);
    if (p === undefined) {
      p = dict.length;
      dict.push(text);
      positions.set(text, p);
    }
    return p;
  });
  if (dict.length === values.length && values.length > 0) return { t: 'u', dict };
  if (dict.length <= CODES.length) return { t: 'd', dict, codes: at.map((p) => CODES[p]).join('') };
  return { t: 'D', dict, at };
}

/**
 * A model request's summary is its token line (`summaryOf`): stored as null and
 * rebuilt on unpacking when it is exactly that.
 */
export function packRows(rows: readonly StepRow[], summaryOf?: (row: StepRow) => string | null): PackedRows {
  const fields: string[] = [];
  const seen = new Set<string>();
  for (const r of rows) {
    for (const k of Object.keys(r)) {
      if (DERIVED.has(k) || seen.has(k)) continue;
      seen.add(k);
      fields.push(k);
    }
  }
  const columns: Record<string, PackedColumn> = {};
  for (const field of fields) {
    columns[field] = packColumn(
      rows.map((r) => {
        if (field === 'summary' && summaryOf && r.summary === summaryOf(r)) return null;
        return (r as unknown as Record<string, unknown>)[field] ?? null;
      }),
    );
  }
  return { count: rows.length, columns };
}

/** Unpacks rows one at a time; dictionary values are parsed once and shared. */
export class RowUnpacker {
  private readonly parsed = new Map<PackedColumn, Map<number, unknown>>();

  constructor(private readonly packed: PackedRows) {}

  get count(): number {
    return this.packed.count;
  }

  stored(index: number): StoredRow {
    const out: Record<string, unknown> = {};
    for (const [field, col] of Object.entries(this.packed.columns)) out[field] = this.value(col, index);
    return out as unknown as StoredRow;
  }

  private value(col: PackedColumn, index: number): unknown {
    switch (col.t) {
      case 'c':
        return this.entry(col, [col.value], 0);
      case 'n':
        return col.v[index] ?? null;
      case 'o': {
        const v = col.v[index];
        if (!v) return null;
        const o: Record<string, number> = {};
        col.keys.forEach((k, i) => (o[k] = v[i]));
        return o;
      }
      case 'd':
        return this.entry(col, col.dict, CODES.indexOf(col.codes[index] ?? ''));
      case 'D':
        return this.entry(col, col.dict, col.at[index] ?? -1);
      case 'u':
        return this.entry(col, col.dict, index);
    }
  }

  private entry(col: PackedColumn, dict: readonly string[], at: number): unknown {
    if (at < 0 || at >= dict.length) return null;
    let cache = this.parsed.get(col);
    if (!cache) {
      cache = new Map();
      this.parsed.set(col, cache);
    }
    if (cache.has(at)) return cache.get(at);
    const v: unknown = JSON.parse(dict[at] as string);
    cache.set(at, v);
    return v;
  }
}

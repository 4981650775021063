// What a benchmark section is, and the table printer every section shares.

export interface BenchContext {
  /** Shorter runs (`--quick`): numbers are noisier, the shape is the same. */
  readonly quick: boolean;
  log(line: string): void;
  table(title: string, header: readonly string[], rows: ReadonlyArray<ReadonlyArray<string | number>>): void;
}

export interface BenchSection {
  readonly name: string;
  readonly description: string;
  run(ctx: BenchContext): Promise<void>;
}

export function formatTable(title: string, header: readonly string[], rows: ReadonlyArray<ReadonlyArray<string | number>>): string {
  const cells = [header, ...rows].map((r) => r.map((c) => (typeof c === 'number' ? c.toLocaleString('en-US') : c)));
  const widths = header.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  const line = (r: readonly string[]): string => r.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
  return [title, line(cells[0] ?? []), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n');
}

// Readable terminal output. Agent-provided strings are untrusted: control
// characters (ANSI escapes that could rewrite the terminal, newlines that could
// forge lines) are replaced before anything is printed.

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

/** One line of plain text: controls become spaces or visible marks, length bounded. */
export function clean(text: string | null | undefined, max = 200): string {
  if (text === null || text === undefined) return '';
  const s = text.replace(/\r?\n/g, ' ⏎ ').replace(CONTROL, '�');
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

export interface Column<T> {
  readonly title: string;
  readonly value: (row: T) => string;
  readonly align?: 'left' | 'right';
  readonly max?: number;
}

export function table<T>(rows: readonly T[], columns: readonly Column<T>[]): string[] {
  const cells = rows.map((r) => columns.map((c) => clean(c.value(r), c.max ?? 60)));
  const widths = columns.map((c, i) => Math.max(c.title.length, ...cells.map((row) => [...row[i]].length)));
  const line = (values: readonly string[]): string =>
    values
      .map((v, i) => {
        const pad = widths[i] - [...v].length;
        return columns[i].align === 'right' ? ' '.repeat(pad) + v : v + ' '.repeat(pad);
      })
      .join('  ')
      .trimEnd();
  return [line(columns.map((c) => c.title)), line(widths.map((w) => '─'.repeat(w))), ...cells.map(line)];
}

export function usd(costUsd: number, source: 'agent' | 'estimated'): string {
  const v = costUsd < 0.01 && costUsd > 0 ? costUsd.toFixed(4) : costUsd.toFixed(2);
  return `${source === 'estimated' ? '~' : ''}$${v}`;
}

/** 2026-11-24T01:25:20.147Z → 2026-11-24 01:25:20 (local time). */
export function when(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

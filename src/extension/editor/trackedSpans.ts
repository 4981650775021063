// Keeps located edits in place while the user types: each document change moves
// the spans after it, and a span whose own text the change touched is dropped
// (the user rewrote what the agent wrote, so the highlight would lie). Searching
// again on every keystroke would cost a scan of the whole document per edit and
// could jump to another occurrence; moving spans is exact and cheap.
// Plain functions, no `vscode`: the controller converts its change events.
import type { TextPoint, TextSpan } from './editLocator';

/** One content change: the replaced span (before the change) and its replacement. */
export interface TextChange {
  readonly span: TextSpan;
  readonly text: string;
}

export function comparePoints(a: TextPoint, b: TextPoint): number {
  return a.line - b.line || a.character - b.character;
}

/** Where a point at or after the change's end goes once the change is applied. */
function movePoint(p: TextPoint, change: TextChange): TextPoint {
  const { start, end } = change.span;
  const lines = change.text.split(/\r\n|\r|\n/);
  const addedLines = lines.length - 1;
  const lastLen = lines[lines.length - 1].length;
  const newEndLine = start.line + addedLines;
  const newEndChar = addedLines === 0 ? start.character + lastLen : lastLen;
  if (p.line === end.line) {
    return { line: newEndLine, character: newEndChar + (p.character - end.character) };
  }
  return { line: p.line + (newEndLine - end.line), character: p.character };
}

/**
 * The span after the change, or null when the change touched its text.
 * Typing right before the span's first character or right after its last one
 * moves it or leaves it alone; it does not count as touching it.
 */
export function applyChange(span: TextSpan, change: TextChange): TextSpan | null {
  const c = change.span;
  // Entirely after the span (an insertion at its end included): nothing moves.
  if (comparePoints(c.start, span.end) >= 0) return span;
  // Entirely before the span (an insertion at its start included): the span moves.
  if (comparePoints(c.end, span.start) <= 0) {
    return { start: movePoint(span.start, change), end: movePoint(span.end, change) };
  }
  return null;
}

/** Applies the changes of one document event in order (VS Code lists them so that each applies after the previous). */
export function applyChanges(span: TextSpan, changes: readonly TextChange[]): TextSpan | null {
  let current: TextSpan | null = span;
  for (const change of changes) {
    if (current === null) return null;
    current = applyChange(current, change);
  }
  return current;
}

/** The zero-based lines a span covers, for whole-line highlights. */
export function linesOf(span: TextSpan): { readonly first: number; readonly last: number } {
  return { first: span.start.line, last: Math.max(span.start.line, span.end.line) };
}

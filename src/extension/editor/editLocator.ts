// Where an agent's edit is in today's text of a file: the edit's new text (the
// Edit tool's new string, the Write tool's whole content) searched verbatim in
// the document. Only a single, unambiguous match counts: a short new text that
// occurs twice could be either, and a wrong highlight is worse than none.
// Plain functions over strings and offsets, no `vscode`.

/** Zero-based line and UTF-16 column, like vscode.Position. */
export interface TextPoint {
  readonly line: number;
  readonly character: number;
}

export interface TextSpan {
  readonly start: TextPoint;
  readonly end: TextPoint;
}

/** One replacement of an edit as the agent sent it (ToolCallSummary.edit, or one of its MultiEdit parts). */
export interface EditText {
  readonly oldText: string | null;
  readonly newText: string | null;
  /** The text was cut (or may have been): only its complete lines are looked for. */
  readonly truncated: boolean;
  /** Edit `replace_all`: the new text may be in the file several times, all of them the agent's. */
  readonly replaceAll?: boolean | null;
}

/** A replace-all edit names at most this many places. */
export const MAX_REPLACE_ALL_SPANS = 50;

/** Shorter new texts (after trimming) are not searched: they match too much. */
export const MIN_SEARCH_LENGTH = 3;

/** Line starts of a text, for offset → position. */
export class LineIndex {
  private readonly starts: number[] = [0];

  constructor(readonly text: string) {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10) this.starts.push(i + 1);
      else if (c === 13) {
        if (text.charCodeAt(i + 1) === 10) i++;
        this.starts.push(i + 1);
      }
    }
  }

  get lineCount(): number {
    return this.starts.length;
  }

  positionAt(offset: number): TextPoint {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, character: offset - this.starts[lo] };
  }
}

/** The text to search for: the new text in the document's line endings, a truncated one cut to its whole lines. */
export function searchTextOf(edit: EditText, eol: '\n' | '\r\n'): string | null {
  let text = edit.newText;
  if (text === null) return null;
  if (edit.truncated) {
    // A cut text may end mid-character or with a marker: keep its complete lines only.
    const lastBreak = text.lastIndexOf('\n');
    text = lastBreak > 0 ? text.slice(0, lastBreak + 1) : text.replace(/…$/, '');
  }
  text = text.replace(/\r\n/g, '\n');
  if (eol === '\r\n') text = text.replace(/\n/g, '\r\n');
  return text.trim().length >= MIN_SEARCH_LENGTH ? text : null;
}

/** Offsets of `needle` in `haystack`, stopping after `limit` hits. */
export function occurrences(haystack: string, needle: string, limit: number): number[] {
  const hits: number[] = [];
  if (needle === '') return hits;
  let from = 0;
  while (hits.length < limit) {
    const at = haystack.indexOf(needle, from);
    if (at < 0) break;
    hits.push(at);
    from = at + 1;
  }
  return hits;
}

function spanAt(doc: LineIndex, offset: number, needle: string): TextSpan {
  let endOffset = offset + needle.length;
  if (needle.endsWith('\n')) endOffset -= needle.endsWith('\r\n') ? 2 : 1;
  return { start: doc.positionAt(offset), end: doc.positionAt(Math.max(offset, endOffset)) };
}

/**
 * The spans of the edit's new text in the document: none when it is not there
 * (the user changed it, a later edit replaced it) or not unambiguous; one for
 * an edit; each occurrence for a replace-all edit. A new text that ends with a
 * line break ends at the end of its last line, not at the start of the next one.
 */
export function locateEditSpans(doc: LineIndex, edit: EditText, eol: '\n' | '\r\n'): TextSpan[] {
  const needle = searchTextOf(edit, eol);
  if (needle === null) return [];
  if (edit.replaceAll === true) {
    return occurrences(doc.text, needle, MAX_REPLACE_ALL_SPANS).map((offset) => spanAt(doc, offset, needle));
  }
  const hits = occurrences(doc.text, needle, 2);
  return hits.length === 1 ? [spanAt(doc, hits[0], needle)] : [];
}

/** The one span of an edit's new text (see locateEditSpans), or null. */
export function locateEdit(doc: LineIndex, edit: EditText, eol: '\n' | '\r\n'): TextSpan | null {
  const spans = locateEditSpans(doc, { ...edit, replaceAll: false }, eol);
  return spans[0] ?? null;
}

// The agent's edits in one open document: located once by their new text, then
// moved along with the user's typing (trackedSpans.ts). An edit whose text the
// user touched is dropped; it is only shown again if its whole new text turns up
// again (an undo, a revert). Edits not located (the file not reloaded from disk
// yet, a later edit replaced the text, the user rewrote it) are looked for when
// the trail changes and after the user stops typing. Plain data, no `vscode`.
import { LineIndex, locateEditSpans, type EditText, type TextSpan } from './editLocator';
import type { FileEdit, FilePrompt, FileTrail } from './fileTrail';
import { applyChanges, linesOf, type TextChange } from './trackedSpans';

/** More edits than this in one file: only the newest are looked for. */
export const MAX_EDITS_PER_DOCUMENT = 200;

export interface LocatedEdit {
  readonly edit: FileEdit;
  readonly prompt: FilePrompt | undefined;
  readonly span: TextSpan;
}

/** What the tests and the hover read: zero-based lines. */
export interface HighlightedLines {
  readonly first: number;
  readonly last: number;
  readonly key: string;
  readonly tool: string;
  readonly promptId: string;
}

/** One replacement of one call (a MultiEdit has several): what is looked for and tracked as a unit. */
interface Piece {
  readonly key: string;
  readonly edit: FileEdit;
  readonly text: EditText;
}

function piecesOf(edits: readonly FileEdit[]): Piece[] {
  return edits.flatMap((edit) => edit.parts.map((text, i) => ({ key: edit.parts.length > 1 ? `${edit.key}#${i}` : edit.key, edit, text })));
}

export class DocumentEdits {
  private trail: FileTrail | null = null;
  /** Located spans by piece key (a replace-all edit has several). */
  private readonly located = new Map<string, LocatedEdit[]>();
  private pieces = new Map<string, Piece>();
  private pending: Piece[] = [];

  /** The trail changed (or arrived): keep what is tracked, look for edits not located yet. Returns whether anything changed. */
  setTrail(trail: FileTrail | null, text: string, eol: '\n' | '\r\n'): boolean {
    this.trail = trail;
    this.pieces = new Map(piecesOf((trail?.edits ?? []).slice(0, MAX_EDITS_PER_DOCUMENT)).map((p) => [p.key, p]));
    let changed = false;
    for (const [key, spans] of [...this.located]) {
      const piece = this.pieces.get(key);
      if (!piece) {
        this.located.delete(key);
        changed = true;
      } else {
        // Refresh what is known about it (a decision that arrived late, say).
        this.located.set(key, spans.map((s) => ({ ...s, edit: piece.edit, prompt: this.promptOf(piece.edit) })));
      }
    }
    this.pending = [...this.pieces.values()].filter((p) => !this.located.has(p.key));
    return this.locatePending(text, eol) || changed;
  }

  /** Whether some edits are still to be found. */
  get hasPending(): boolean {
    return this.pending.length > 0;
  }

  /** Looks for the edits not found yet in the current text. Returns whether some were found. */
  locatePending(text: string, eol: '\n' | '\r\n'): boolean {
    if (this.pending.length === 0) return false;
    const index = new LineIndex(text);
    const still: Piece[] = [];
    let found = false;
    for (const piece of this.pending) {
      const spans = locateEditSpans(index, piece.text, eol);
      if (spans.length > 0) {
        const prompt = this.promptOf(piece.edit);
        this.located.set(piece.key, spans.map((span) => ({ edit: piece.edit, prompt, span })));
        found = true;
      } else {
        still.push(piece);
      }
    }
    this.pending = still;
    return found;
  }

  /**
   * Moves the located edits with one document change event; a piece with a
   * span the change touched is dropped whole and looked for again later.
   * Returns whether any span moved or was dropped.
   */
  applyChanges(changes: readonly TextChange[]): boolean {
    let changed = false;
    for (const [key, spans] of [...this.located]) {
      const moved: LocatedEdit[] = [];
      let dropped = false;
      for (const located of spans) {
        const span = applyChanges(located.span, changes);
        if (span === null) {
          dropped = true;
          break;
        }
        if (span !== located.span) changed = true;
        moved.push(span === located.span ? located : { ...located, span });
      }
      if (dropped) {
        this.located.delete(key);
        const piece = this.pieces.get(key);
        if (piece) this.pending.push(piece);
        changed = true;
      } else {
        this.located.set(key, moved);
      }
    }
    return changed;
  }

  /** Located edits, newest first. */
  edits(): LocatedEdit[] {
    return [...this.located.values()].flat().sort((a, b) => (b.edit.atMs ?? 0) - (a.edit.atMs ?? 0) || a.span.start.line - b.span.start.line);
  }

  /** Located edits covering a zero-based line, newest first. */
  editsAt(line: number): LocatedEdit[] {
    return this.edits().filter((e) => {
      const { first, last } = linesOf(e.span);
      return line >= first && line <= last;
    });
  }

  lines(): HighlightedLines[] {
    return this.edits().map((e) => ({ ...linesOf(e.span), key: e.edit.key, tool: e.edit.tool, promptId: e.edit.promptId }));
  }

  get fileTrail(): FileTrail | null {
    return this.trail;
  }

  private promptOf(edit: FileEdit): FilePrompt | undefined {
    return this.trail?.prompts.find((p) => p.id === edit.promptId);
  }
}

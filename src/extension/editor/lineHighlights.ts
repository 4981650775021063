// Highlights the lines an agent edited in visible editors: a whole-line
// background, an overview ruler mark, a left border and a short marker after
// the first line; a hover on those lines tells which prompt, tool, decision and
// cost. The two decoration types are created once; decorations are applied to
// the visible editors after changes, debounced. Spans move with the user's
// typing (documentEdits.ts) instead of being searched for again.
import * as vscode from 'vscode';
import type { TrailLogger } from '../../core/query/trailCoordinator';
import type { AnnotationConfig } from './annotationConfig';
import { Debouncer } from './debouncer';
import { DocumentEdits, type HighlightedLines } from './documentEdits';
import { editHover, markerText } from './editHover';
import type { FileTrailCache } from './fileTrailCache';
import { THEME_COLORS } from './themeColors';
import { linesOf, type TextChange } from './trackedSpans';
import { isWorkspaceFile, storeNamesOf } from './workspaceScope';

export const APPLY_DEBOUNCE_MS = 80;
/** After typing, edits not found yet are looked for again once the typing pauses. */
export const RELOCATE_DEBOUNCE_MS = 400;

interface TrackedDocument {
  readonly edits: DocumentEdits;
  /** The trail this state was built from is older than the cache's: reload when visible. */
  stale: boolean;
  loading: Promise<void> | undefined;
}

export class LineHighlightController implements vscode.Disposable {
  private readonly lineType: vscode.TextEditorDecorationType;
  private readonly markerType: vscode.TextEditorDecorationType;
  private readonly documents = new Map<string, TrackedDocument>();
  private readonly apply = new Debouncer(APPLY_DEBOUNCE_MS, () => this.applyToVisibleEditors());
  private readonly relocate = new Debouncer(RELOCATE_DEBOUNCE_MS, () => this.relocatePending());
  private readonly subscriptions: vscode.Disposable[] = [];
  private hoverRegistration: vscode.Disposable | undefined;
  private enabled: boolean;

  constructor(
    private readonly cache: FileTrailCache,
    private readonly config: AnnotationConfig,
    private readonly log: TrailLogger,
  ) {
    this.lineType = vscode.window.createTextEditorDecorationType({
      isWholeLine: true,
      backgroundColor: new vscode.ThemeColor(THEME_COLORS.editedLineBackground),
      borderColor: new vscode.ThemeColor(THEME_COLORS.editedLineBorder),
      borderStyle: 'solid',
      borderWidth: '0 0 0 2px',
      overviewRulerColor: new vscode.ThemeColor(THEME_COLORS.editedLineRuler),
      overviewRulerLane: vscode.OverviewRulerLane.Left,
      rangeBehavior: vscode.DecorationRangeBehavior.ClosedClosed,
    });
    this.markerType = vscode.window.createTextEditorDecorationType({
      after: {
        color: new vscode.ThemeColor(THEME_COLORS.touchedForeground),
        fontStyle: 'italic',
        margin: '0 0 0 2.5em',
      },
      rangeBehavior: vscode.DecorationRangeBehavior.ClosedClosed,
    });
    this.enabled = config.settings.annotations.lineHighlights;
    this.subscriptions.push(
      vscode.window.onDidChangeVisibleTextEditors(() => this.syncVisible()),
      vscode.workspace.onDidChangeTextDocument((e) => this.onDocumentChanged(e)),
      vscode.workspace.onDidCloseTextDocument((d) => this.documents.delete(d.uri.toString())),
      vscode.workspace.onDidChangeWorkspaceFolders(() => this.reset()),
      cache.onDidChange(() => this.onDataChanged()),
      config.onDidChange(() => this.onSettingsChanged()),
    );
    if (this.enabled) this.turnOn();
  }

  /** Test hook: the lines highlighted in a document now (zero-based, newest edit first). */
  highlightedLines(uri: vscode.Uri): HighlightedLines[] {
    if (!this.enabled) return [];
    return this.documents.get(uri.toString())?.edits.lines() ?? [];
  }

  /** Resolves once the visible editors' trails are loaded and their decorations applied (tests). */
  async settle(): Promise<void> {
    await Promise.all([...this.documents.values()].map((d) => d.loading));
    this.apply.flush();
  }

  provideHover(document: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
    const tracked = this.documents.get(document.uri.toString());
    const edits = tracked?.edits.editsAt(position.line) ?? [];
    if (edits.length === 0) return undefined;
    const { first, last } = linesOf(edits[0].span);
    const range = new vscode.Range(first, 0, last, document.lineAt(Math.min(last, document.lineCount - 1)).text.length);
    return new vscode.Hover(editHover(edits, Date.now()), range);
  }

  dispose(): void {
    this.apply.dispose();
    this.relocate.dispose();
    this.hoverRegistration?.dispose();
    for (const s of this.subscriptions.splice(0).reverse()) s.dispose();
    this.markerType.dispose();
    this.lineType.dispose();
    this.documents.clear();
  }

  private turnOn(): void {
    this.hoverRegistration ??= vscode.languages.registerHoverProvider({ scheme: 'file' }, { provideHover: (d, p) => this.provideHover(d, p) });
    this.syncVisible();
  }

  private onSettingsChanged(): void {
    const on = this.config.settings.annotations.lineHighlights;
    if (on === this.enabled) return;
    this.enabled = on;
    this.log('debug', 'editor', `line highlights ${on ? 'on' : 'off'}`);
    if (on) {
      this.turnOn();
      return;
    }
    this.hoverRegistration?.dispose();
    this.hoverRegistration = undefined;
    this.documents.clear();
    this.clearVisibleEditors();
  }

  private onDataChanged(): void {
    if (!this.enabled) return;
    for (const tracked of this.documents.values()) tracked.stale = true;
    this.syncVisible();
  }

  private reset(): void {
    this.documents.clear();
    if (this.enabled) this.syncVisible();
    else this.clearVisibleEditors();
  }

  /** Loads trails for visible workspace documents that have none (or a stale one), then applies. */
  private syncVisible(): void {
    if (!this.enabled) return;
    for (const editor of vscode.window.visibleTextEditors) {
      const doc = editor.document;
      if (!isWorkspaceFile(doc.uri)) continue;
      const key = doc.uri.toString();
      let tracked = this.documents.get(key);
      if (!tracked) {
        tracked = { edits: new DocumentEdits(), stale: true, loading: undefined };
        this.documents.set(key, tracked);
      }
      if (tracked.stale && !tracked.loading) this.load(doc, tracked);
      // Edits dropped or not found while the document was out of view: look again now that it is back.
      else if (!tracked.loading && tracked.edits.hasPending) tracked.edits.locatePending(doc.getText(), eolOf(doc));
    }
    this.apply.schedule();
  }

  private load(doc: vscode.TextDocument, tracked: TrackedDocument): void {
    tracked.stale = false;
    const loading = this.cache.trailOf(storeNamesOf(doc.uri)).then((trail) => {
      tracked.loading = undefined;
      if (this.documents.get(doc.uri.toString()) !== tracked || doc.isClosed) return;
      if (tracked.edits.setTrail(trail, doc.getText(), eolOf(doc))) this.apply.schedule();
      // Data arrived while this load was running: load again.
      if (tracked.stale) this.load(doc, tracked);
    });
    tracked.loading = loading;
  }

  private onDocumentChanged(e: vscode.TextDocumentChangeEvent): void {
    if (!this.enabled || e.contentChanges.length === 0) return;
    const tracked = this.documents.get(e.document.uri.toString());
    if (!tracked) return;
    const changes: TextChange[] = e.contentChanges.map((c) => ({
      span: {
        start: { line: c.range.start.line, character: c.range.start.character },
        end: { line: c.range.end.line, character: c.range.end.character },
      },
      text: c.text,
    }));
    if (tracked.edits.applyChanges(changes)) this.apply.schedule();
    if (tracked.edits.hasPending) this.relocate.schedule();
  }

  private relocatePending(): void {
    for (const editor of vscode.window.visibleTextEditors) {
      const tracked = this.documents.get(editor.document.uri.toString());
      if (tracked?.edits.hasPending && tracked.edits.locatePending(editor.document.getText(), eolOf(editor.document))) {
        this.apply.schedule();
      }
    }
  }

  private applyToVisibleEditors(): void {
    if (!this.enabled) return;
    for (const editor of vscode.window.visibleTextEditors) {
      const tracked = this.documents.get(editor.document.uri.toString());
      const located = tracked?.edits.edits() ?? [];
      const lines: vscode.DecorationOptions[] = [];
      const markers: vscode.DecorationOptions[] = [];
      const markedLines = new Set<number>();
      const doc = editor.document;
      for (const e of located) {
        const { first, last } = linesOf(e.span);
        if (first >= doc.lineCount) continue;
        lines.push({ range: new vscode.Range(first, 0, Math.min(last, doc.lineCount - 1), 0) });
        // Newest first: the newest edit starting on a line names it.
        if (markedLines.has(first)) continue;
        markedLines.add(first);
        const end = doc.lineAt(first).range.end;
        markers.push({ range: new vscode.Range(end, end), renderOptions: { after: { contentText: markerText(e) } } });
      }
      editor.setDecorations(this.lineType, lines);
      editor.setDecorations(this.markerType, markers);
    }
  }

  private clearVisibleEditors(): void {
    for (const editor of vscode.window.visibleTextEditors) {
      editor.setDecorations(this.lineType, []);
      editor.setDecorations(this.markerType, []);
    }
  }
}

function eolOf(doc: vscode.TextDocument): '\n' | '\r\n' {
  return doc.eol === vscode.EndOfLine.CRLF ? '\r\n' : '\n';
}

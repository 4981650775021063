// A list that keeps only the rows in view in the DOM: a spacer as tall as all
// rows, a small pool of absolutely placed row elements moved with transforms
// and refilled as the list scrolls. Fixed row height, so any index is one
// multiplication away. Keyboard: arrows, Page Up/Down, Home/End, Enter.
// The selected row is the one focusable row (roving tabindex).

import { perFrame, setAttr } from './dom';

export interface RowView {
  readonly element: HTMLElement;
}

export interface VirtualListOptions<V extends RowView> {
  readonly rowHeight: number;
  readonly label: string;
  readonly className?: string;
  createRow(): V;
  /** Fill `view` for row `index` (called for every row in view on every render: keep it cheap). */
  renderRow(view: V, index: number, selected: boolean): void;
  /** The rows first..last (inclusive, with overscan) are about to show. */
  onRange?(first: number, last: number): void;
  onSelect(index: number, how: 'keyboard' | 'pointer'): void;
  onActivate?(index: number): void;
}

const OVERSCAN = 4;

export class VirtualList<V extends RowView> {
  readonly element: HTMLDivElement;
  private readonly spacer: HTMLDivElement;
  private readonly pool: Array<{ view: V; index: number }> = [];
  private count = 0;
  private selected = -1;
  private viewportHeight = 0;
  /** Cached: reading scrollTop or clientHeight would force a layout on every render. */
  private scrollTop = 0;
  /** A scroll event is on its way for a scrollTop this list set itself. */
  private ownScroll = false;
  /** From a scroll: read where the list is (in the frame, not in the event: no forced layout). */
  private readonly scheduleRender = perFrame(() => {
    this.scrollTop = this.element.scrollTop;
    this.render();
  });
  private readonly resizeObserver: ResizeObserver;
  private fillTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly options: VirtualListOptions<V>) {
    this.element = document.createElement('div');
    this.element.className = `vlist${options.className ? ` ${options.className}` : ''}`;
    this.element.setAttribute('role', 'list');
    this.element.setAttribute('aria-label', options.label);
    // Focusable from script only: it keeps the keyboard when the focused row scrolls out and is recycled.
    this.element.tabIndex = -1;
    this.spacer = document.createElement('div');
    this.spacer.className = 'vlist-spacer';
    this.element.appendChild(this.spacer);
    this.element.addEventListener(
      'scroll',
      () => {
        // Our own scrollTop assignment: that position is rendered already.
        if (this.ownScroll) {
          this.ownScroll = false;
          return;
        }
        this.scheduleRender();
      },
      { passive: true },
    );
    this.element.addEventListener('keydown', (e) => this.onKey(e));
    this.element.addEventListener('click', (e) => this.onClick(e));
    this.element.addEventListener('dblclick', (e) => {
      const index = this.indexOf(e.target);
      if (index !== null) this.options.onActivate?.(index);
    });
    this.resizeObserver = new ResizeObserver(() => {
      const h = this.element.clientHeight;
      if (h !== this.viewportHeight) {
        const first = this.viewportHeight === 0;
        this.viewportHeight = h;
        this.scrollTop = this.element.scrollTop;
        // Now that the list's real height is known (or changed): keep the selected row in view.
        if (this.selected >= 0) this.scrollToIndex(this.selected, first);
        this.render();
      }
    });
    this.resizeObserver.observe(this.element);
  }

  get size(): number {
    return this.count;
  }

  get selectedIndex(): number {
    return this.selected;
  }

  /** Rows that fit in the viewport. */
  get pageRows(): number {
    return Math.max(1, Math.floor(this.viewport() / this.options.rowHeight));
  }

  setCount(count: number): void {
    this.count = Math.max(0, count);
    this.spacer.style.height = `${this.count * this.options.rowHeight}px`;
    setAttr(this.element, 'aria-rowcount', null);
    if (this.selected >= this.count) this.selected = this.count - 1;
    this.render();
  }

  /** Selects (without calling onSelect) and scrolls the row into view. */
  /**
   * Selects (without calling onSelect) and scrolls the row into view. `lean`: a jump (scrubbing) renders
   * only the rows in view; the rows around them follow on the next frame unless another jump comes first.
   */
  select(index: number, { scroll = true, center = false, focus = false, lean = false }: { scroll?: boolean; center?: boolean; focus?: boolean; lean?: boolean } = {}): void {
    if (this.count === 0) return;
    this.selected = Math.max(0, Math.min(this.count - 1, index));
    if (scroll) this.scrollToIndex(this.selected, center);
    this.render(lean ? 0 : OVERSCAN);
    if (lean) {
      // The rows around the view once the jumps pause.
      clearTimeout(this.fillTimer);
      this.fillTimer = setTimeout(() => this.render(), 100);
    }
    if (focus) this.focusSelected();
  }

  scrollToIndex(index: number, center = false): void {
    const h = this.options.rowHeight;
    const top = index * h;
    const view = this.viewport();
    const current = this.scrollTop;
    let next = current;
    if (center ? top < current || top + h > current + view : top < current - view || top > current + 2 * view) next = Math.max(0, top - view / 2 + h / 2);
    else if (top < current) next = top;
    else if (top + h > current + view) next = top + h - view;
    // Clamp only with the real height; before the first layout the browser clamps (and the ResizeObserver re-reads).
    next = Math.max(0, this.viewportHeight > 0 ? Math.min(next, this.count * h - view) : next);
    if (next !== current) {
      this.scrollTop = next;
      this.ownScroll = true;
      this.element.scrollTop = next;
    }
  }

  /** Re-renders the rows in view (their data arrived or changed). */
  refresh(): void {
    this.scheduleRender();
  }

  /** Renders now (first paint). */
  renderNow(): void {
    this.render();
  }

  focusSelected(): void {
    const slot = this.pool.find((s) => s.index === this.selected);
    const target = slot ? slot.view.element : this.element;
    if (document.activeElement !== target) target.focus({ preventScroll: true });
  }

  /** The first and last index in view (without overscan). */
  visibleRange(): { first: number; last: number } {
    const h = this.options.rowHeight;
    const view = this.viewport();
    const first = Math.max(0, Math.floor(this.scrollTop / h));
    return { first, last: Math.min(this.count - 1, first + Math.ceil(view / h)) };
  }

  dispose(): void {
    clearTimeout(this.fillTimer);
    this.resizeObserver.disconnect();
    this.element.remove();
  }

  /** The list's height; before the first layout, the window's (no forced layout). */
  private viewport(): number {
    return this.viewportHeight || window.innerHeight || 600;
  }

  private render(overscan = OVERSCAN): void {
    const h = this.options.rowHeight;
    const view = this.viewport();
    const needed = Math.min(this.count, Math.ceil(view / h) + 2 * OVERSCAN + 1);
    const wantedRows = Math.min(this.count, Math.ceil(view / h) + 2 * overscan + 1);
    while (this.pool.length < needed) {
      const created = this.options.createRow();
      created.element.setAttribute('role', 'listitem');
      created.element.tabIndex = -1;
      created.element.hidden = true;
      this.element.appendChild(created.element);
      this.pool.push({ view: created, index: -1 });
    }
    const first = Math.max(0, Math.floor(this.scrollTop / h) - overscan);
    const last = Math.min(this.count - 1, first + wantedRows - 1);
    if (this.count > 0) this.options.onRange?.(first, last);
    // Keep rows that are still in range in their slot; refill the others.
    const wanted = new Set<number>();
    for (let i = first; i <= last; i++) wanted.add(i);
    const free: Array<{ view: V; index: number }> = [];
    for (const slot of this.pool) {
      if (wanted.has(slot.index)) wanted.delete(slot.index);
      else free.push(slot);
    }
    for (const index of wanted) {
      const slot = free.pop();
      if (!slot) break;
      slot.index = index;
    }
    for (const slot of free) {
      if (slot.index === -1) continue;
      slot.index = -1;
      const el = slot.view.element;
      // A spare row says nothing: no index, not current, not focusable.
      el.hidden = true;
      delete el.dataset.index;
      el.tabIndex = -1;
      el.classList.remove('selected');
      setAttr(el, 'aria-current', null);
    }
    const focusWasInList = this.element.contains(document.activeElement);
    for (const slot of this.pool) {
      if (slot.index < 0) continue;
      const el = slot.view.element;
      if (el.hidden) el.hidden = false;
      const y = `translateY(${slot.index * h}px)`;
      if (el.style.transform !== y) el.style.transform = y;
      const isSelected = slot.index === this.selected;
      el.tabIndex = isSelected || (this.selected < 0 && slot.index === first) ? 0 : -1;
      el.classList.toggle('selected', isSelected);
      setAttr(el, 'aria-current', isSelected ? 'step' : null);
      setAttr(el, 'aria-posinset', String(slot.index + 1));
      setAttr(el, 'aria-setsize', String(this.count));
      el.dataset.index = String(slot.index);
      this.options.renderRow(slot.view, slot.index, isSelected);
    }
    if (focusWasInList) this.focusSelected();
  }

  private indexOf(target: EventTarget | null): number | null {
    let node = target instanceof Element ? target : null;
    while (node && node !== this.element) {
      if (node.parentElement === this.element && node instanceof HTMLElement && node.dataset.index !== undefined) {
        const i = Number(node.dataset.index);
        return Number.isInteger(i) && i >= 0 ? i : null;
      }
      node = node.parentElement;
    }
    return null;
  }

  private onClick(e: MouseEvent): void {
    // Buttons inside a row (open file...) act on their own.
    if (e.target instanceof Element && e.target.closest('button, a, vscode-button')) return;
    const index = this.indexOf(e.target);
    if (index === null) return;
    this.select(index, { scroll: false, focus: true });
    this.options.onSelect(index, 'pointer');
  }

  private onKey(e: KeyboardEvent): void {
    if (this.count === 0 || e.altKey || e.ctrlKey || e.metaKey) return;
    const current = this.selected < 0 ? 0 : this.selected;
    let next: number | null = null;
    switch (e.key) {
      case 'ArrowDown':
        next = current + 1;
        break;
      case 'ArrowUp':
        next = current - 1;
        break;
      case 'PageDown':
        next = current + this.pageRows;
        break;
      case 'PageUp':
        next = current - this.pageRows;
        break;
      case 'Home':
        next = 0;
        break;
      case 'End':
        next = this.count - 1;
        break;
      case 'Enter':
        if (this.selected >= 0) this.options.onActivate?.(this.selected);
        e.preventDefault();
        return;
      default:
        return;
    }
    e.preventDefault();
    e.stopPropagation();
    next = Math.max(0, Math.min(this.count - 1, next));
    this.select(next, { focus: true });
    this.options.onSelect(next, 'keyboard');
  }
}

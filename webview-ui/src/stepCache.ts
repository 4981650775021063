// The rows of one prompt, fetched page by page as the list shows them. Pages
// in flight are not asked for twice; the least recently used are dropped past
// a bound. After a data change the pages stay on screen, marked stale, until
// their fresh copies arrive (no flicker while following a live prompt).

import type { StepRow } from '../../src/core/replay/replayTypes';
import type { Transport } from './transport';

/** Rows per request to the host: few round trips while scrolling. */
export const HOST_PAGE_SIZE = 200;
/** Rows per page in the report: unpacked on the spot, so small pages keep a jump cheap. */
export const REPORT_PAGE_SIZE = 50;
/** Pages kept: 16,000 rows over the host, 4,000 in the report (which can unpack them again at any time). */
const MAX_PAGES = 80;

interface Page {
  rows: readonly StepRow[];
  generation: number;
}

export class StepCache {
  private readonly pages = new Map<number, Page>();
  private readonly inFlight = new Map<number, number>();
  private generation = 0;
  private disposed = false;
  private readonly pageSize: number;

  constructor(
    private readonly transport: Transport,
    private readonly promptId: string,
    private total: number,
    private readonly onLoaded: (first: number, last: number) => void,
    private readonly onError: (err: unknown) => void,
  ) {
    this.pageSize = transport.mode === 'report' ? REPORT_PAGE_SIZE : HOST_PAGE_SIZE;
  }

  get count(): number {
    return this.total;
  }

  /** The row when its page has arrived (possibly stale), else undefined. */
  get(index: number): StepRow | undefined {
    const page = this.pages.get(Math.floor(index / this.pageSize));
    return page?.rows[index % this.pageSize];
  }

  /** Asks for the pages covering rows first..last that are missing or stale. */
  ensure(first: number, last: number): void {
    if (this.disposed || this.total === 0) return;
    const from = Math.max(0, Math.floor(first / this.pageSize));
    const to = Math.min(Math.floor((this.total - 1) / this.pageSize), Math.floor(Math.max(first, last) / this.pageSize));
    for (let p = from; p <= to; p++) {
      const page = this.pages.get(p);
      if (page) {
        // touch: most recently used last
        this.pages.delete(p);
        this.pages.set(p, page);
        if (page.generation === this.generation) continue;
      }
      if (this.inFlight.get(p) === this.generation) continue;
      this.fetch(p);
    }
  }

  /** The data changed: every page is stale; the total may have grown. */
  invalidate(total: number): void {
    this.generation++;
    this.total = total;
    for (const p of [...this.pages.keys()]) if (p * this.pageSize >= total) this.pages.delete(p);
  }

  dispose(): void {
    this.disposed = true;
    this.pages.clear();
  }

  private fetch(p: number): void {
    const generation = this.generation;
    this.inFlight.set(p, generation);
    this.transport.request('getSteps', { promptId: this.promptId, offset: p * this.pageSize, limit: this.pageSize }).then(
      (page) => {
        if (this.inFlight.get(p) === generation) this.inFlight.delete(p);
        if (this.disposed || generation !== this.generation) return;
        this.pages.set(p, { rows: page.rows, generation });
        while (this.pages.size > MAX_PAGES) this.pages.delete(this.pages.keys().next().value as number);
        if (page.rows.length > 0) this.onLoaded(page.offset, page.offset + page.rows.length - 1);
      },
      (err: unknown) => {
        if (this.inFlight.get(p) === generation) this.inFlight.delete(p);
        if (!this.disposed) this.onError(err);
      },
    );
  }
}

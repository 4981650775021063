// A one-glance description of a decoded batch: who sent it and what it holds.
// For display only (the CLI's serve output, logs); adapters do the real naming.
import type { Attributes, DecodedBatch, LogRecord } from './types';
import { recordCount } from './types';

export interface NameCount {
  readonly name: string;
  readonly count: number;
}

export interface BatchSummary {
  readonly signal: DecodedBatch['signal'];
  readonly records: number;
  readonly rejected: number;
  /** Distinct resource `service.name`s, in order of appearance. */
  readonly services: readonly string[];
  /** Event names (logs), metric names or span names, in order of first appearance. */
  readonly names: readonly NameCount[];
}

function serviceOf(attributes: Attributes): string {
  const s = attributes['service.name'];
  return typeof s === 'string' && s !== '' ? s : 'unknown service';
}

/**
 * The event name a person would recognise: the `event.name` attribute (all three
 * agents set it), else LogRecord.eventName unless it is a call site (Codex), else the body.
 */
export function displayEventName(r: LogRecord): string {
  const attr = r.attributes['event.name'];
  if (typeof attr === 'string' && attr !== '') return attr;
  if (r.eventName !== '' && !/\s/.test(r.eventName)) return r.eventName;
  if (typeof r.body === 'string' && r.body !== '' && r.body.length <= 80 && !/\s/.test(r.body)) return r.body;
  return '(unnamed)';
}

class Tally {
  private readonly counts = new Map<string, number>();
  add(name: string): void {
    this.counts.set(name, (this.counts.get(name) ?? 0) + 1);
  }
  list(): NameCount[] {
    return [...this.counts].map(([name, count]) => ({ name, count }));
  }
}

export function summarizeBatch(batch: DecodedBatch): BatchSummary {
  const services = new Set<string>();
  const names = new Tally();
  const items: ReadonlyArray<{ readonly resource: { readonly attributes: Attributes } }> =
    batch.signal === 'logs' ? batch.records : batch.signal === 'metrics' ? batch.points : batch.spans;
  let lastResource: object | undefined;
  for (const item of items) {
    // Records of one resource share its object: look it up once.
    if (item.resource !== lastResource) {
      lastResource = item.resource;
      services.add(serviceOf(item.resource.attributes));
    }
  }
  if (batch.signal === 'logs') for (const r of batch.records) names.add(displayEventName(r));
  else if (batch.signal === 'metrics') for (const p of batch.points) names.add(p.name || '(unnamed)');
  else for (const s of batch.spans) names.add(s.name || '(unnamed)');
  return { signal: batch.signal, records: recordCount(batch), rejected: batch.rejected, services: [...services], names: names.list() };
}

/** `user_prompt, api_request ×3, tool_result ×2 +4 more` */
export function formatNames(names: readonly NameCount[], max = 6): string {
  const shown = names.slice(0, max).map((n) => (n.count > 1 ? `${n.name} ×${n.count}` : n.name));
  const more = names.length - max;
  return shown.join(', ') + (more > 0 ? ` +${more} more` : '');
}

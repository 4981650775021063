// The sink of `agent-trail serve`: hands each request to the store (when there
// is one), then counts it and prints one line per request.
import type { ReceivedRequest, SinkVerdict, TelemetrySink } from '../core/otlp/sink';
import { STORED } from '../core/otlp/sink';
import { formatNames, summarizeBatch } from '../core/otlp/summary';
import type { Signal } from '../core/otlp/types';
import { clean } from './table';

export interface SinkCounts {
  requests: number;
  records: Record<Signal, number>;
  rejected: number;
}

function clock(ms: number): string {
  return new Date(ms).toTimeString().slice(0, 8);
}

/** `13:07:13 logs    json       13 records  claude-code  user_prompt, api_request ×3` */
export function formatRequestLine(r: ReceivedRequest): string {
  const s = summarizeBatch(r.batch);
  const records = `${s.records} ${s.records === 1 ? 'record ' : 'records'}`;
  const rejected = s.rejected > 0 ? ` (${s.rejected} rejected)` : '';
  const services = s.services.length > 0 ? clean(s.services.join(','), 60) : '-';
  return `${clock(r.receivedAtMs)} ${s.signal.padEnd(7)} ${r.encoding.padEnd(8)} ${records.padStart(12)}${rejected}  ${services}  ${clean(formatNames(s.names), 300)}`;
}

export function requestJson(r: ReceivedRequest): Record<string, unknown> {
  const s = summarizeBatch(r.batch);
  return {
    type: 'request',
    time: new Date(r.receivedAtMs).toISOString(),
    signal: s.signal,
    encoding: r.encoding,
    bytes: r.body.length,
    records: s.records,
    rejected: s.rejected,
    services: s.services,
    names: Object.fromEntries(s.names.map((n) => [n.name, n.count])),
  };
}

export class PrintingSink implements TelemetrySink {
  readonly counts: SinkCounts = { requests: 0, records: { logs: 0, metrics: 0, traces: 0 }, rejected: 0 };

  constructor(
    private readonly print: (line: string) => void,
    private readonly json: boolean,
    /** Where requests are kept; without one they are only counted and printed. */
    private readonly inner?: TelemetrySink,
  ) {}

  async accept(r: ReceivedRequest): Promise<SinkVerdict> {
    if (this.inner) {
      const verdict = await this.inner.accept(r);
      if (verdict.kind !== 'stored') return verdict;
    }
    const s = summarizeBatch(r.batch);
    this.counts.requests++;
    this.counts.records[s.signal] += s.records;
    this.counts.rejected += s.rejected;
    this.print(this.json ? JSON.stringify(requestJson(r)) : formatRequestLine(r));
    return STORED;
  }
}

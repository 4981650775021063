// Shared by the otlp tests: fixture access, test sinks, a plain HTTP client.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import zlib from 'node:zlib';
import { OtlpHttpListener } from '../../../src/core/otlp/httpReceiver';
import type { ListenerOptions } from '../../../src/core/otlp/listenerOptions';
import { STORED, type ReceivedRequest, type SinkVerdict, type TelemetrySink } from '../../../src/core/otlp/sink';
import type { DecodedBatch, LogRecord, MetricPoint, Signal, Span } from '../../../src/core/otlp/types';

export const FIXTURES = path.resolve(__dirname, '../../fixtures');

const HEX_IDS = new Set(['traceId', 'spanId', 'parentSpanId']);

/** OTLP/JSON → the proto3 JSON protobufjs expects (ids as base64, not hex): to re-encode a JSON body as protobuf. */
export function toProto3Json(v: unknown, key = ''): unknown {
  if (Array.isArray(v)) return v.map((x) => toProto3Json(x, key));
  if (typeof v === 'string' && HEX_IDS.has(key)) return Buffer.from(v, 'hex').toString('base64');
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, toProto3Json(x, k)]));
  return v;
}

/** A fixture file as stored (compressed when it ends in .gz). */
export function fixture(rel: string): Buffer {
  return fs.readFileSync(path.join(FIXTURES, rel));
}

/** A fixture body as the decoder sees it (gunzipped). */
export function fixtureBody(rel: string): Buffer {
  const raw = fixture(rel);
  return rel.endsWith('.gz') ? zlib.gunzipSync(raw) : raw;
}

export interface FixtureFile {
  readonly rel: string;
  readonly signal: Signal;
  readonly transport: 'http' | 'grpc';
  readonly kind: 'json' | 'pb' | 'pb.gz';
}

/** Every request body under test/fixtures. */
export function fixtureFiles(): FixtureFile[] {
  const out: FixtureFile[] = [];
  for (const agent of fs.readdirSync(FIXTURES)) {
    const agentDir = path.join(FIXTURES, agent);
    if (!fs.statSync(agentDir).isDirectory()) continue;
    for (const scenario of fs.readdirSync(agentDir)) {
      for (const file of fs.readdirSync(path.join(agentDir, scenario))) {
        const m = /^\d+-(http|grpc)-(logs|metrics|traces)\.(json|pb|pb\.gz)$/.exec(file);
        if (m) out.push({ rel: `${agent}/${scenario}/${file}`, transport: m[1] as 'http' | 'grpc', signal: m[2] as Signal, kind: m[3] as FixtureFile['kind'] });
      }
    }
  }
  return out.sort((a, b) => a.rel.localeCompare(b.rel));
}

export function logsOf(b: DecodedBatch): readonly LogRecord[] {
  if (b.signal !== 'logs') throw new Error(`expected logs, got ${b.signal}`);
  return b.records;
}

export function pointsOf(b: DecodedBatch): readonly MetricPoint[] {
  if (b.signal !== 'metrics') throw new Error(`expected metrics, got ${b.signal}`);
  return b.points;
}

export function spansOf(b: DecodedBatch): readonly Span[] {
  if (b.signal !== 'traces') throw new Error(`expected traces, got ${b.signal}`);
  return b.spans;
}

/** Keeps every request; answers 'stored' unless `verdict` says otherwise. */
export class RecordingSink implements TelemetrySink {
  readonly requests: ReceivedRequest[] = [];
  constructor(private readonly verdict: (r: ReceivedRequest, n: number) => SinkVerdict | Promise<SinkVerdict> = () => STORED) {}

  async accept(r: ReceivedRequest): Promise<SinkVerdict> {
    const v = await this.verdict(r, this.requests.length);
    if (v.kind === 'stored') this.requests.push(r);
    return v;
  }

  logs(): LogRecord[] {
    return this.requests.flatMap((r) => (r.batch.signal === 'logs' ? [...r.batch.records] : []));
  }

  points(): MetricPoint[] {
    return this.requests.flatMap((r) => (r.batch.signal === 'metrics' ? [...r.batch.points] : []));
  }

  spans(): Span[] {
    return this.requests.flatMap((r) => (r.batch.signal === 'traces' ? [...r.batch.spans] : []));
  }
}

/** Holds every request until open() (to keep requests in flight on purpose). */
export class GateSink implements TelemetrySink {
  readonly requests: ReceivedRequest[] = [];
  private waiting: Array<() => void> = [];
  private opened = false;
  arrived = 0;

  async accept(r: ReceivedRequest): Promise<SinkVerdict> {
    this.arrived++;
    if (!this.opened) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.requests.push(r);
    return STORED;
  }

  open(): void {
    this.opened = true;
    for (const w of this.waiting.splice(0)) w();
  }
}

export interface HttpResult {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: Buffer;
}

export interface RequestOptions {
  readonly method?: string;
  readonly path?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: Buffer | string;
}

/** One request on a fresh connection. */
export function request(port: number, o: RequestOptions = {}): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, method: o.method ?? 'POST', path: o.path ?? '/v1/logs', headers: o.headers, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(o.body);
  });
}

export const JSON_TYPE = { 'content-type': 'application/json' } as const;
export const PROTOBUF_TYPE = { 'content-type': 'application/x-protobuf' } as const;

/** Starts a listener on a free port; the test closes it. */
export async function startListener(
  sink: TelemetrySink,
  options: Partial<ListenerOptions> = {},
): Promise<{ listener: OtlpHttpListener; port: number; url: string }> {
  const listener = new OtlpHttpListener(sink, { port: 0, ...options });
  const address = await listener.start();
  return { listener, port: address.port, url: address.url };
}

/** A small PRNG (mulberry32): the fuzz and load tests are reproducible. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Passes received OTLP requests on to an upstream OTLP/HTTP endpoint (a team's
// collector), unchanged: the same signal path (<base>/v1/<signal>), the same
// content type, the body byte for byte as the agent sent it (after undoing the
// agent's own compression; gzip is re-applied on the way unless switched off).
// Requests received over gRPC go up as OTLP/HTTP protobuf with their message bytes.
//
// Local recording never waits for the upstream: enqueue() only appends to an
// in-memory queue bounded by count and bytes, and returns at once. When the queue
// is full the oldest requests are dropped and counted. A few workers drain it,
// retrying network errors and 429/502/503/504 with exponential backoff and jitter
// (Retry-After honoured), giving up on every other status (logged, counted as
// rejected).
//
// Nothing is persisted: requests still queued when the process ends (or the
// listener is switched off) are lost from the forward queue, but they were stored
// locally before they were queued, so no local data is lost; only the upstream
// misses them. close() tries to deliver what is queued for a short while first.
import http from 'node:http';
import https from 'node:https';
import zlib from 'node:zlib';
import { Emitter, type Event } from '../otlp/emitter';
import { CONTENT_TYPES } from '../otlp/routing';
import type { Encoding, ReceivedRequest } from '../otlp/sink';
import type { Signal } from '../otlp/types';
import { BoundedQueue } from './boundedQueue';
import { backoffDelay, isRetryableStatus, parseRetryAfter } from './retryPolicy';

export interface ForwarderOptions {
  /** Base URL of the upstream OTLP/HTTP endpoint, e.g. http://collector:4318 (requests go to <base>/v1/<signal>). */
  readonly url: string;
  /** Extra request headers, e.g. { authorization: 'Bearer …' } for the collector. */
  readonly headers: Readonly<Record<string, string>>;
  /** Compress bodies on the way ('gzip', with Content-Encoding) or send them as received ('none'). */
  readonly compression: 'gzip' | 'none';
  /** Requests waiting to be sent, at most (the oldest are dropped beyond). */
  readonly maxQueueRequests: number;
  /** Bytes of bodies waiting to be sent, at most. */
  readonly maxQueueBytes: number;
  /** Requests sent in parallel (also the keep-alive connections). */
  readonly concurrency: number;
  /** An attempt without an answer for this long is retried. */
  readonly requestTimeoutMs: number;
  readonly initialBackoffMs: number;
  readonly maxBackoffMs: number;
  /** Longest Retry-After honoured. */
  readonly maxRetryAfterMs: number;
}

export const DEFAULT_FORWARDER_OPTIONS: Omit<ForwarderOptions, 'url'> = Object.freeze({
  headers: {},
  compression: 'gzip',
  maxQueueRequests: 10_000,
  maxQueueBytes: 64 * 1024 * 1024,
  concurrency: 4,
  requestTimeoutMs: 30_000,
  initialBackoffMs: 500,
  maxBackoffMs: 30_000,
  maxRetryAfterMs: 5 * 60_000,
});

export class ForwardConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ForwardConfigError';
  }
}

/** The upstream's base URL, checked: http(s), no signal path of its own. */
export function parseUpstreamUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    throw new ForwardConfigError(`the forward URL ${JSON.stringify(text)} is not a URL; give the collector's OTLP/HTTP base URL, e.g. http://collector:4318`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ForwardConfigError(`the forward URL must be http:// or https:// (OTLP/HTTP), not ${url.protocol}`);
  }
  if (/\/v1\/(logs|metrics|traces)\/?$/.test(url.pathname)) {
    throw new ForwardConfigError(`give the collector's base URL (e.g. ${url.origin}), not a signal endpoint: /v1/logs, /v1/metrics and /v1/traces are appended`);
  }
  if (url.hash) throw new ForwardConfigError('the forward URL must not have a #fragment');
  return url;
}

/** The URL to show in logs: no credentials. */
export function displayUrl(url: URL): string {
  const u = new URL(url.href);
  u.username = '';
  u.password = '';
  return u.href.replace(/\/$/, '');
}

export interface ForwardStats {
  /** Requests the upstream accepted (2xx). */
  readonly forwarded: number;
  /** Attempts that failed and were tried again. */
  readonly retried: number;
  /** Requests dropped from a full queue, or still queued when the forwarder closed. */
  readonly dropped: number;
  /** Requests the upstream refused for good (a 4xx other than 429, a 500, ...). */
  readonly rejected: number;
  /** Requests waiting in the queue. */
  readonly queued: number;
  readonly queuedBytes: number;
  /** Requests being sent or waiting for their next attempt. */
  readonly inFlight: number;
  /** false after a retryable failure until the next success. */
  readonly upstreamHealthy: boolean;
  readonly lastError: string | undefined;
}

export interface ForwardLogEvent {
  readonly level: 'info' | 'warn';
  readonly message: string;
}

interface Item {
  readonly signal: Signal;
  readonly encoding: Encoding;
  readonly body: Uint8Array;
  readonly bytes: number;
  /** The gzipped body, made on the first attempt. */
  gz?: Buffer;
  attempts: number;
}

type Outcome =
  | { readonly kind: 'ok' }
  | { readonly kind: 'retry'; readonly reason: string; readonly delayMs: number | undefined }
  | { readonly kind: 'final'; readonly reason: string };

/**
 * Fast gzip: on the captured agent bodies level 1 is about 10% larger than level 6
 * (4-10x smaller than the body either way) for a third to a fifth of the CPU, so
 * the forwarder keeps up with ingest.
 */
const GZIP_LEVEL = 1;

const gzip = (b: Uint8Array): Promise<Buffer> =>
  new Promise((resolve, reject) => zlib.gzip(b, { level: GZIP_LEVEL }, (err, out) => (err ? reject(err) : resolve(out))));

/** An OTLP/HTTP client that forwards requests to one upstream, in the background. */
export class OtlpForwarder {
  readonly options: ForwarderOptions;
  readonly url: URL;
  private readonly endpoints: Readonly<Record<Signal, URL>>;
  private readonly agent: http.Agent;
  private readonly queue: BoundedQueue<Item>;
  private readonly logs = new Emitter<ForwardLogEvent>();
  private readonly requests = new Set<http.ClientRequest>();
  private readonly sleepers = new Set<() => void>();
  private idleWaiters: Array<() => void> = [];
  private workers = 0;
  private delivering = 0;
  private closed = false;
  private aborted = false;
  private counts = { forwarded: 0, retried: 0, dropped: 0, rejected: 0 };
  private healthy = true;
  private lastError: string | undefined;
  /** Drops since the queue last had room, for one log line per episode. */
  private dropsInEpisode = 0;
  private retriesInOutage = 0;

  /** What the forwarder has to say (outage begins/ends, drops, refusals); rate-limited to state changes. */
  readonly onDidLog: Event<ForwardLogEvent> = this.logs.event;

  constructor(options: Partial<ForwarderOptions> & { readonly url: string }) {
    this.options = { ...DEFAULT_FORWARDER_OPTIONS, ...options };
    for (const k of ['maxQueueRequests', 'maxQueueBytes', 'concurrency', 'requestTimeoutMs', 'initialBackoffMs', 'maxBackoffMs'] as const) {
      const v = this.options[k];
      if (!Number.isSafeInteger(v) || v <= 0) throw new ForwardConfigError(`${k} must be a positive integer (got ${v})`);
    }
    this.url = parseUpstreamUrl(this.options.url);
    const base = this.url.pathname.replace(/\/+$/, '');
    const endpoint = (signal: Signal): URL => {
      const u = new URL(this.url.href);
      u.pathname = `${base}/v1/${signal}`;
      return u;
    };
    this.endpoints = { logs: endpoint('logs'), metrics: endpoint('metrics'), traces: endpoint('traces') };
    const agentOptions: http.AgentOptions = { keepAlive: true, maxSockets: this.options.concurrency };
    this.agent = this.url.protocol === 'https:' ? new https.Agent(agentOptions) : new http.Agent(agentOptions);
    this.queue = new BoundedQueue<Item>(this.options.maxQueueRequests, this.options.maxQueueBytes);
  }

  get stats(): ForwardStats {
    return {
      ...this.counts,
      queued: this.queue.length,
      queuedBytes: this.queue.bytes,
      inFlight: this.delivering,
      upstreamHealthy: this.healthy,
      lastError: this.lastError,
    };
  }

  /** Queues a request for the upstream and returns at once; never throws, never waits. */
  enqueue(request: Pick<ReceivedRequest, 'signal' | 'encoding' | 'body'>): void {
    const item: Item = { signal: request.signal, encoding: request.encoding, body: request.body, bytes: request.body.byteLength, attempts: 0 };
    if (this.closed) {
      this.counts.dropped++;
      return;
    }
    const dropped = this.queue.push(item);
    if (dropped.length > 0) {
      this.counts.dropped += dropped.length;
      if (this.dropsInEpisode === 0) {
        const why = dropped.includes(item) ? `a ${item.bytes}-byte request is larger than the whole queue (${this.options.maxQueueBytes} bytes)` : `the queue is full (${this.options.maxQueueRequests} requests or ${this.options.maxQueueBytes} bytes)`;
        this.log('warn', `forwarding to ${displayUrl(this.url)}: ${why}; dropping the oldest requests (they are still recorded locally)`);
      }
      this.dropsInEpisode += dropped.length;
    } else if (this.dropsInEpisode > 0 && this.queue.length < this.options.maxQueueRequests / 2) {
      this.dropsInEpisode = 0;
    }
    this.pump();
  }

  /** Resolves true once nothing is queued or in flight, false if that takes longer than timeoutMs. */
  flush(timeoutMs: number): Promise<boolean> {
    if (this.isIdle()) return Promise.resolve(true);
    return new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => {
        this.idleWaiters = this.idleWaiters.filter((w) => w !== done);
        resolve(false);
      }, timeoutMs);
      const done = (): void => {
        clearTimeout(timer);
        resolve(true);
      };
      this.idleWaiters.push(done);
    });
  }

  /**
   * Stops taking requests, gives the queue up to timeoutMs to drain, then abandons
   * the rest (counted as dropped) and closes the connections.
   */
  async close(timeoutMs = 2_000): Promise<ForwardStats> {
    this.closed = true;
    await this.flush(timeoutMs);
    this.aborted = true;
    const left = this.queue.clear().length;
    this.counts.dropped += left;
    for (const wake of [...this.sleepers]) wake();
    for (const req of [...this.requests]) req.destroy(new Error('the forwarder is closing'));
    // Workers notice `aborted` and finish; their items count as dropped.
    await this.flush(1_000);
    this.agent.destroy();
    const stats = this.stats;
    if (stats.dropped > 0 && left > 0) this.log('warn', `forwarding to ${displayUrl(this.url)} stopped with ${left} requests not sent (they are recorded locally)`);
    return stats;
  }

  private isIdle(): boolean {
    return this.queue.length === 0 && this.delivering === 0;
  }

  private checkIdle(): void {
    if (this.isIdle()) for (const w of this.idleWaiters.splice(0)) w();
  }

  private log(level: ForwardLogEvent['level'], message: string): void {
    this.logs.fire({ level, message });
  }

  private pump(): void {
    while (!this.aborted && this.workers < this.options.concurrency && this.queue.length > 0) {
      this.workers++;
      void this.work().finally(() => {
        this.workers--;
        // Something may have been queued after this worker found the queue empty.
        this.pump();
        this.checkIdle();
      });
    }
  }

  private async work(): Promise<void> {
    for (;;) {
      if (this.aborted) return;
      const item = this.queue.shift();
      if (!item) return;
      this.delivering++;
      try {
        await this.deliver(item);
      } catch (error) {
        // A bug here must not kill the worker silently; the item is lost for the upstream only.
        this.counts.dropped++;
        this.log('warn', `forwarding failed unexpectedly: ${(error as Error)?.message ?? String(error)}`);
      } finally {
        this.delivering--;
      }
    }
  }

  private async deliver(item: Item): Promise<void> {
    for (;;) {
      if (this.aborted) {
        this.counts.dropped++;
        return;
      }
      item.attempts++;
      const outcome = await this.send(item);
      if (outcome.kind === 'ok') {
        this.counts.forwarded++;
        this.markHealthy();
        return;
      }
      if (outcome.kind === 'final') {
        this.counts.rejected++;
        this.lastError = outcome.reason;
        this.markHealthy();
        this.log('warn', `forwarding to ${displayUrl(this.url)}: the upstream refused a ${item.signal} request (${outcome.reason}); not retrying it`);
        return;
      }
      if (this.aborted) {
        this.counts.dropped++;
        return;
      }
      this.counts.retried++;
      this.retriesInOutage++;
      this.lastError = outcome.reason;
      if (this.healthy) {
        this.healthy = false;
        this.log('warn', `forwarding to ${displayUrl(this.url)} failed (${outcome.reason}); retrying with backoff, local recording continues`);
      }
      await this.sleep(outcome.delayMs ?? backoffDelay(item.attempts, { initialMs: this.options.initialBackoffMs, maxMs: this.options.maxBackoffMs }));
    }
  }

  private markHealthy(): void {
    if (this.healthy) return;
    this.healthy = true;
    this.log('info', `forwarding to ${displayUrl(this.url)} works again after ${this.retriesInOutage} retries (${this.counts.dropped} requests dropped so far, ${this.queue.length} queued)`);
    this.retriesInOutage = 0;
  }

  private sleep(ms: number): Promise<void> {
    if (ms <= 0) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const wake = (): void => {
        clearTimeout(timer);
        this.sleepers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.sleepers.add(wake);
    });
  }

  private async send(item: Item): Promise<Outcome> {
    let body: Uint8Array = item.body;
    const headers: Record<string, string> = {
      'user-agent': 'agent-trail-forwarder',
      ...this.options.headers,
      'content-type': CONTENT_TYPES[item.encoding],
    };
    if (this.options.compression === 'gzip') {
      item.gz ??= await gzip(item.body);
      body = item.gz;
      headers['content-encoding'] = 'gzip';
    }
    headers['content-length'] = String(body.byteLength);
    return new Promise<Outcome>((resolve) => {
      let settled = false;
      const settle = (o: Outcome): void => {
        if (settled) return;
        settled = true;
        this.requests.delete(req);
        resolve(o);
      };
      const client = this.url.protocol === 'https:' ? https : http;
      const req = client.request(this.endpoints[item.signal], { method: 'POST', agent: this.agent, headers, timeout: this.options.requestTimeoutMs }, (res) => {
        const status = res.statusCode ?? 0;
        const chunks: Buffer[] = [];
        let kept = 0;
        res.on('data', (c: Buffer) => {
          if (kept < 2048) {
            chunks.push(c);
            kept += c.length;
          }
        });
        res.on('error', (err: NodeJS.ErrnoException) => settle({ kind: 'retry', reason: err.code ?? err.message, delayMs: undefined }));
        res.on('end', () => {
          if (status >= 200 && status < 300) return settle({ kind: 'ok' });
          const text = Buffer.concat(chunks).toString('utf8').replace(/[^\x20-\x7e]+/g, ' ').trim().slice(0, 200);
          const reason = `HTTP ${status}${text ? `: ${text}` : ''}`;
          if (isRetryableStatus(status)) {
            const retryAfter = status === 429 || status === 503 ? parseRetryAfter(res.headers['retry-after'], this.options.maxRetryAfterMs) : undefined;
            return settle({ kind: 'retry', reason, delayMs: retryAfter });
          }
          settle({ kind: 'final', reason });
        });
      });
      this.requests.add(req);
      req.on('timeout', () => req.destroy(Object.assign(new Error(`no answer within ${this.options.requestTimeoutMs} ms`), { code: 'ETIMEDOUT' })));
      req.on('error', (err: NodeJS.ErrnoException) => {
        // A kept-alive socket the upstream had just closed: try again at once on a fresh one.
        const stale = req.reusedSocket && (err.code === 'ECONNRESET' || err.code === 'EPIPE');
        settle({ kind: 'retry', reason: err.code ?? err.message, delayMs: stale && item.attempts === 1 ? 0 : undefined });
      });
      req.end(body);
    });
  }
}

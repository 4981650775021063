// The OTLP/HTTP listener: transport only (method, path, content type, size,
// compression, security, status codes). Decoding lives in decodeJson/decodeProtobuf,
// keeping the data in the sink; this file only moves bytes between them.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  BodyEncodingError,
  BodyTooLargeError,
  ClientAbortedError,
  decompress,
  parseContentEncoding,
  readBody,
} from './bodyReader';
import { decodeJson } from './decodeJson';
import { decodeProtobuf } from './decodeProtobuf';
import { Emitter, type Event } from './emitter';
import { resolveListenerOptions, type ListenerOptions } from './listenerOptions';
import { findPortHolder, PortInUseError } from './portInUse';
import { BearerToken, refusalReason } from './requestGuard';
import { exportReply, statusReply, type HttpReply } from './responses';
import { encodingForContentType, signalForPath } from './routing';
import type { Encoding, ReceivedRequest, TelemetrySink } from './sink';
import { OtlpDecodeError, recordCount, type DecodedBatch, type Signal } from './types';

export interface ListenerAddress {
  readonly host: string;
  readonly port: number;
  /** Base URL to give agents (OTEL_EXPORTER_OTLP_ENDPOINT). */
  readonly url: string;
}

/** One answered request, for logging. */
export interface RequestEvent {
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly signal: Signal | undefined;
  readonly encoding: Encoding | undefined;
  /** Bytes as sent (compressed, when it was). */
  readonly wireBytes: number;
  /** Bytes after decompression. */
  readonly bodyBytes: number;
  readonly records: number;
  readonly rejected: number;
  readonly durationMs: number;
  /** Why the request was refused, or which records were. */
  readonly message: string | undefined;
  /** Set when the request was decoded (whatever the sink then said). */
  readonly request: ReceivedRequest | undefined;
}

export interface ListenerFailure {
  readonly error: unknown;
  /** What the listener was doing. */
  readonly context: string;
}

/** How long a refused request may keep sending its body before the socket is closed. */
const LINGER_MS = 2_000;

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** One node:http server; restart() runs two of them side by side while the old one drains. */
class ServerInstance {
  readonly server: http.Server;
  draining = false;
  private inFlight = 0;
  private idle: Array<() => void> = [];
  private closed: Promise<void> | undefined;

  constructor(
    readonly options: ListenerOptions,
    handler: (req: http.IncomingMessage, res: http.ServerResponse, instance: ServerInstance) => void,
    /** Errors after listening (an accept failure); an unheard 'error' would end the process. */
    private readonly onRuntimeError: (error: Error) => void,
  ) {
    this.server = http.createServer(
      {
        maxHeaderSize: options.maxHeaderBytes,
        requestTimeout: options.requestTimeoutMs,
        headersTimeout: options.headersTimeoutMs,
        keepAliveTimeout: options.keepAliveTimeoutMs,
        // Node checks the two timeouts above only this often (30 s by default).
        connectionsCheckingInterval: Math.max(50, Math.min(1_000, Math.floor(options.headersTimeoutMs / 4))),
        noDelay: true,
      },
      (req, res) => handler(req, res, this),
    );
    this.server.maxConnections = options.maxConnections;
  }

  get requestsInFlight(): number {
    return this.inFlight;
  }

  begin(): void {
    this.inFlight++;
  }

  end(): void {
    this.inFlight--;
    if (this.inFlight === 0) for (const wake of this.idle.splice(0)) wake();
  }

  /** Rejects with the raw errno error; see bind(). */
  listen(): Promise<AddressInfo> {
    const { host, port } = this.options;
    return new Promise<AddressInfo>((resolve, reject) => {
      const onError = (err: NodeJS.ErrnoException): void => {
        this.server.off('listening', onListening);
        reject(err);
      };
      const onListening = (): void => {
        this.server.off('error', onError);
        this.server.on('error', this.onRuntimeError);
        resolve(this.server.address() as AddressInfo);
      };
      this.server.once('error', onError);
      this.server.once('listening', onListening);
      this.server.listen({ host, port, exclusive: true });
    });
  }

  /** Closes the listening socket; resolves once every connection has ended too. */
  stopAccepting(): Promise<void> {
    this.closed ??= new Promise<void>((resolve) => this.server.close(() => resolve()));
    return this.closed;
  }

  /** Stops accepting, lets requests in flight finish (at most timeoutMs), then closes every connection. */
  async close(timeoutMs: number): Promise<void> {
    this.draining = true;
    const closed = this.stopAccepting();
    this.server.closeIdleConnections();
    if (this.inFlight > 0) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        new Promise<void>((resolve) => this.idle.push(resolve)),
        new Promise<void>((resolve) => {
          timer = setTimeout(resolve, timeoutMs);
        }),
      ]);
      clearTimeout(timer);
    }
    this.server.closeAllConnections();
    await closed;
  }
}

/**
 * Listens, turning EADDRINUSE into a PortInUseError that names the holder.
 * `retries`: the old socket of the same port closes asynchronously, give it a few turns.
 */
async function bind(instance: ServerInstance, retries = 0): Promise<AddressInfo> {
  const { host, port } = instance.options;
  for (let attempt = 0; ; attempt++) {
    try {
      return await instance.listen();
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EADDRINUSE' && attempt < retries) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        continue;
      }
      if (code === 'EADDRINUSE') throw new PortInUseError(host, port, await findPortHolder(port));
      throw new Error(`cannot listen on ${host}:${port}: ${(err as Error).message}`);
    }
  }
}

/**
 * Receives OTLP/HTTP on loopback and hands every decoded request to the sink,
 * answering only once the sink has answered.
 */
export class OtlpHttpListener {
  private current: ServerInstance | undefined;
  private currentAddress: ListenerAddress | undefined;
  /** Old servers finishing their requests after stop() or restart(). */
  private readonly draining = new Map<ServerInstance, Promise<void>>();
  private opts: ListenerOptions;
  private token: BearerToken | undefined;
  private readonly handled = new Emitter<RequestEvent>();
  private readonly failed = new Emitter<ListenerFailure>();

  /** Every answered request, refused ones included. */
  readonly onDidHandleRequest: Event<RequestEvent> = this.handled.event;
  /** Errors the listener survived (a failing sink, a socket error), for the log. */
  readonly onDidFail: Event<ListenerFailure> = this.failed.event;

  constructor(
    private readonly sink: TelemetrySink,
    options: Partial<ListenerOptions> = {},
  ) {
    this.opts = resolveListenerOptions(options);
    this.token = this.opts.bearerToken ? new BearerToken(this.opts.bearerToken) : undefined;
  }

  get options(): ListenerOptions {
    return this.opts;
  }

  /** Where it listens, once started. */
  get address(): ListenerAddress | undefined {
    return this.currentAddress;
  }

  /** Requests being read, decoded or stored, across the current and draining servers. */
  get requestsInFlight(): number {
    let n = this.current?.requestsInFlight ?? 0;
    for (const instance of this.draining.keys()) n += instance.requestsInFlight;
    return n;
  }

  /** Binds the port. Rejects with PortInUseError when it is taken. */
  async start(): Promise<ListenerAddress> {
    if (this.current && this.currentAddress) return this.currentAddress;
    const instance = this.createInstance(this.opts);
    const address = await bind(instance);
    this.current = instance;
    this.currentAddress = this.addressOf(address);
    return this.currentAddress;
  }

  /** Stops accepting and lets requests in flight finish (at most drainTimeoutMs), then closes. */
  async stop(timeoutMs: number = this.opts.drainTimeoutMs): Promise<void> {
    const instance = this.current;
    this.current = undefined;
    this.currentAddress = undefined;
    if (instance) await this.drain(instance, timeoutMs);
    await Promise.all([...this.draining.values()]);
  }

  /**
   * Applies new options (a new port, token or limits) without losing requests in
   * flight: the new server listens before the old one drains. If the new server
   * cannot start, the old one keeps running and the error is thrown. On the same
   * fixed port the old one has to stop accepting first.
   */
  async restart(options: Partial<ListenerOptions>): Promise<ListenerAddress> {
    const next = resolveListenerOptions({ ...this.opts, ...options });
    const old = this.current;
    if (!old) {
      this.apply(next);
      return this.start();
    }
    const samePort = next.port !== 0 && next.port === this.currentAddress?.port && next.host === old.options.host;
    const instance = this.createInstance(next);
    let address: AddressInfo;
    if (samePort) {
      // A port is bound once: the old server stops accepting (requests already on
      // its connections still finish), then the new one binds. If that fails, the
      // listener is stopped and the error thrown.
      this.current = undefined;
      this.currentAddress = undefined;
      void this.drain(old, this.opts.drainTimeoutMs);
      address = await bind(instance, 10);
    } else {
      address = await bind(instance);
      void this.drain(old, this.opts.drainTimeoutMs);
    }
    this.apply(next);
    this.current = instance;
    this.currentAddress = this.addressOf(address);
    return this.currentAddress;
  }

  private apply(options: ListenerOptions): void {
    this.opts = options;
    this.token = options.bearerToken ? new BearerToken(options.bearerToken) : undefined;
  }

  private addressOf(a: AddressInfo): ListenerAddress {
    const host = a.family === 'IPv6' ? `[${a.address}]` : a.address;
    return { host: a.address, port: a.port, url: `http://${host}:${a.port}` };
  }

  private drain(instance: ServerInstance, timeoutMs: number): Promise<void> {
    const existing = this.draining.get(instance);
    if (existing) return existing;
    const p = instance
      .close(timeoutMs)
      .catch((error: unknown) => this.failed.fire({ error, context: 'closing the server' }))
      .finally(() => this.draining.delete(instance));
    this.draining.set(instance, p);
    return p;
  }

  private createInstance(options: ListenerOptions): ServerInstance {
    return new ServerInstance(
      options,
      (req, res, inst) =>
        void this.handle(req, res, inst).catch((error: unknown) => {
          // Never an unhandled rejection: that would end the process.
          this.failed.fire({ error, context: 'answering a request' });
          res.destroy();
        }),
      (error) => this.failed.fire({ error, context: 'server' }),
    );
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse, instance: ServerInstance): Promise<void> {
    const started = performance.now();
    const receivedAtMs = Date.now();
    instance.begin();
    let ended = false;
    const end = (): void => {
      if (!ended) {
        ended = true;
        instance.end();
      }
    };
    // In flight until the reply is handed to the OS (or the socket is gone).
    res.once('finish', end);
    res.once('close', end);
    req.on('error', () => undefined);
    const info: Mutable<RequestEvent> = {
      method: req.method ?? '',
      path: (req.url ?? '').slice(0, 200),
      status: 0,
      signal: undefined,
      encoding: undefined,
      wireBytes: 0,
      bodyBytes: 0,
      records: 0,
      rejected: 0,
      durationMs: 0,
      message: undefined,
      request: undefined,
    };
    let reply: HttpReply | undefined;
    try {
      reply = await this.process(req, info, instance.options, receivedAtMs);
    } catch (error) {
      if (!(error instanceof ClientAbortedError)) {
        this.failed.fire({ error, context: 'handling a request' });
        reply = statusReply(500, info.encoding ?? 'json', 'internal error');
      }
    }
    if (reply) {
      info.status = reply.status;
      this.send(req, res, reply, instance);
    } else {
      info.message = 'the client closed the connection before the body was complete';
      end();
    }
    info.durationMs = performance.now() - started;
    this.handled.fire(info);
  }

  private refuse(info: Mutable<RequestEvent>, reply: HttpReply, message: string): HttpReply {
    info.message = message;
    return reply;
  }

  private async process(req: http.IncomingMessage, info: Mutable<RequestEvent>, o: ListenerOptions, receivedAtMs: number): Promise<HttpReply> {
    const headers = req.headers;
    const signal = signalForPath(req.url);
    const encoding = encodingForContentType(headers['content-type']);
    info.signal = signal;
    info.encoding = encoding;
    // Refusals before the type is known are written as JSON, readable in any tool.
    const enc: Encoding = encoding ?? 'json';

    const refusal = refusalReason(headers);
    if (refusal) return this.refuse(info, statusReply(403, enc, refusal), refusal);
    if (this.token && !this.token.matches(headers.authorization)) {
      const m = 'missing or wrong bearer token';
      return this.refuse(info, statusReply(401, enc, m, { 'www-authenticate': 'Bearer' }), m);
    }
    if (!signal) {
      const m = `no OTLP endpoint at ${info.path}: use /v1/logs, /v1/metrics or /v1/traces`;
      return this.refuse(info, statusReply(404, enc, m), m);
    }
    if (req.method !== 'POST') {
      const m = `method ${info.method} is not allowed: OTLP/HTTP uses POST`;
      return this.refuse(info, statusReply(405, enc, m, { allow: 'POST' }), m);
    }
    if (!encoding) {
      const m = `unsupported Content-Type ${JSON.stringify(headers['content-type'] ?? '')}: use application/json or application/x-protobuf`;
      return this.refuse(info, statusReply(415, enc, m), m);
    }
    const coding = parseContentEncoding(headers['content-encoding']);
    if (!coding) {
      const m = `unsupported Content-Encoding ${JSON.stringify(headers['content-encoding'])}: use gzip, deflate or none`;
      return this.refuse(info, statusReply(415, enc, m), m);
    }

    let body: Buffer;
    try {
      const wire = await readBody(req, o.maxBodyBytes);
      info.wireBytes = wire.wireBytes;
      const inflated = await decompress(wire.body, coding, o.maxBodyBytes);
      body = inflated.body;
      info.bodyBytes = inflated.inflatedBytes;
    } catch (err) {
      if (err instanceof BodyTooLargeError) {
        if (err.stage === 'wire') info.wireBytes = err.bytesSeen;
        else info.bodyBytes = err.bytesSeen;
        return this.refuse(info, statusReply(413, encoding, err.message), err.message);
      }
      if (err instanceof BodyEncodingError) return this.refuse(info, statusReply(400, encoding, err.message), err.message);
      throw err;
    }

    let batch: DecodedBatch;
    try {
      batch = encoding === 'json' ? decodeJson(signal, body, o.limits) : decodeProtobuf(signal, body, o.limits);
    } catch (err) {
      // Anything a decoder throws is about the body; never let it reach the socket.
      const m = err instanceof OtlpDecodeError ? err.message : `the body does not decode: ${String((err as Error)?.message ?? err).slice(0, 200)}`;
      return this.refuse(info, statusReply(400, encoding, m), m);
    }
    info.records = recordCount(batch);
    info.rejected = batch.rejected;
    const request: ReceivedRequest = { signal, transport: 'http', encoding, body, batch, receivedAtMs };
    info.request = request;

    try {
      const verdict = await this.sink.accept(request);
      if (verdict.kind === 'busy') {
        const retry = String(Math.max(1, Math.ceil(verdict.retryAfterSeconds)));
        return this.refuse(info, statusReply(429, encoding, verdict.reason, { 'retry-after': retry }), verdict.reason);
      }
    } catch (error) {
      this.failed.fire({ error, context: `storing a ${signal} request` });
      const m = 'the receiver could not store the data; retry later';
      return this.refuse(info, statusReply(503, encoding, m, { 'retry-after': String(o.retryAfterSeconds) }), m);
    }
    if (batch.rejected > 0) info.message = batch.errors.join('; ');
    return exportReply(signal, encoding, batch.rejected, batch.errors.join('; '));
  }

  private send(req: http.IncomingMessage, res: http.ServerResponse, reply: HttpReply, instance: ServerInstance): void {
    if (res.destroyed || res.headersSent || req.socket.destroyed) {
      res.destroy();
      return;
    }
    const headers: Record<string, string> = { ...reply.headers, 'content-length': String(reply.body.length) };
    // While draining, let each connection end after its reply.
    if (instance.draining) headers.connection = 'close';
    res.writeHead(reply.status, headers);
    // Replies are small: as a latin1 string (byte for byte) the body joins the head
    // in one plain write instead of a writev, measurably cheaper per request.
    if (reply.body.length === 0) res.end();
    else res.end(reply.body.toString('latin1'), 'latin1');
    if (!req.complete) this.discardRest(req, instance.options);
  }

  /**
   * A reply sent before the body was read (an early 4xx, a 413): keep reading and
   * dropping the rest so the client sees the reply instead of a reset, but only up
   * to the size limit and for LINGER_MS.
   */
  private discardRest(req: http.IncomingMessage, o: ListenerOptions): void {
    let discarded = 0;
    const close = (): void => {
      clearTimeout(timer);
      req.socket.destroy();
    };
    const timer = setTimeout(close, LINGER_MS);
    timer.unref();
    req.on('data', (chunk: Buffer) => {
      discarded += chunk.length;
      if (discarded > o.maxBodyBytes) close();
    });
    req.once('end', () => clearTimeout(timer));
    req.once('close', () => clearTimeout(timer));
    req.resume();
  }
}

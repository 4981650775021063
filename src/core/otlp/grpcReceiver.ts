// The OTLP/gRPC listener: the three unary Export methods
// (opentelemetry.proto.collector.{logs,metrics,trace}.v1.*Service/Export) served by
// @grpc/grpc-js on loopback, next to the OTLP/HTTP listener and feeding the same
// sink. grpc-js does the HTTP/2 framing, gzip/deflate message decompression and the
// size limits (on the wire and again while inflating); this file keeps the message
// bytes verbatim (a pass-through deserializer), decodes them with decodeProtobuf
// and maps every outcome onto the status codes of the OTLP spec:
//   stored                      OK, empty Export*ServiceResponse (partial_success when records were refused)
//   undecodable message         INVALID_ARGUMENT
//   over maxBodyBytes           RESOURCE_EXHAUSTED (grpc-js, before the handler runs)
//   sink busy / failing         UNAVAILABLE + RetryInfo (clients that retry come back then)
//   missing/wrong bearer token  UNAUTHENTICATED
//   browser Origin / foreign :authority  PERMISSION_DENIED (as the HTTP listener's 403)
//   unknown method              UNIMPLEMENTED (grpc-js)
// Lifecycle mirrors OtlpHttpListener: start() binds (port 0 = any free port, a taken
// port is a PortInUseError), stop() drains (tryShutdown, then forceShutdown after
// drainTimeoutMs), restart(options) moves without losing calls in flight.
import * as grpc from '@grpc/grpc-js';
import { decodeProtobuf } from './decodeProtobuf';
import { Emitter, type Event } from './emitter';
import { GrpcCode, grpcCodeName, STATUS_DETAILS_KEY, statusWithRetryInfo } from './grpcStatus';
import type { ListenerAddress, ListenerFailure } from './httpReceiver';
import { resolveListenerOptions, type ListenerOptions } from './listenerOptions';
import { findPortHolder, PortInUseError, type PortHolder } from './portInUse';
import { BearerToken, hostOfHeader, isLoopbackHost } from './requestGuard';
import { exportReply } from './responses';
import type { ReceivedRequest, TelemetrySink } from './sink';
import { OtlpDecodeError, recordCount, SIGNALS, type DecodedBatch, type Signal } from './types';

/** The OTLP/gRPC default port. */
export const DEFAULT_GRPC_PORT = 4317;

/**
 * The same knobs as the HTTP listener (one settings object can feed both); port
 * defaults to 4317. Used here: host, port, maxBodyBytes (max receive message
 * length, also after decompression), bearerToken, maxHeaderBytes (metadata size),
 * maxConnections (concurrent calls per connection), drainTimeoutMs,
 * retryAfterSeconds, limits. The HTTP-only timeouts are ignored:
 * gRPC clients carry their own deadline (grpc-timeout).
 */
export type GrpcListenerOptions = ListenerOptions;

export function resolveGrpcListenerOptions(partial: Partial<GrpcListenerOptions> = {}): GrpcListenerOptions {
  return resolveListenerOptions({ port: DEFAULT_GRPC_PORT, ...partial });
}

/** The gRPC method path of each signal's Export. */
export const GRPC_EXPORT_PATHS: Readonly<Record<Signal, string>> = {
  logs: '/opentelemetry.proto.collector.logs.v1.LogsService/Export',
  metrics: '/opentelemetry.proto.collector.metrics.v1.MetricsService/Export',
  traces: '/opentelemetry.proto.collector.trace.v1.TraceService/Export',
};

/** One answered call, for logging (the gRPC counterpart of RequestEvent). */
export interface GrpcRequestEvent {
  /** The gRPC method, e.g. /opentelemetry.proto.collector.logs.v1.LogsService/Export. */
  readonly path: string;
  /**
   * The status sent (0 = OK). undefined when grpc-js ended the call before the
   * message reached the handler: over the size limit (RESOURCE_EXHAUSTED), a
   * corrupt or unknown compression, an expired deadline, or a client that went away.
   */
  readonly code: number | undefined;
  /** `OK`, `UNAVAILABLE`, ...; `ENDED_BY_TRANSPORT` when code is undefined. */
  readonly codeName: string;
  readonly signal: Signal;
  /** The message size after decompression (grpc-js does not tell the wire size). */
  readonly bodyBytes: number;
  readonly records: number;
  readonly rejected: number;
  readonly durationMs: number;
  readonly peer: string;
  /** Why the call was refused, or which records were. */
  readonly message: string | undefined;
  /** Set when the message was decoded (whatever the sink then said). */
  readonly request: ReceivedRequest | undefined;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** A taken gRPC port; a PortInUseError whose advice names the gRPC settings. */
export class GrpcPortInUseError extends PortInUseError {
  constructor(host: string, port: number, holder: PortHolder | undefined) {
    super(host, port, holder);
    const who = holder ? ` by process ${holder.pid}${holder.command ? ` (${holder.command})` : ''}` : '';
    this.message =
      `OTLP/gRPC port ${port} on ${host} is already in use${who}. ` +
      'Choose another gRPC port (setting agentTrail.listener.grpcPort, or --grpc-port N on the command line), ' +
      '0 for any free port, or turn gRPC off (--no-grpc).';
    this.name = 'GrpcPortInUseError';
  }
}

const passthrough = (b: Buffer): Buffer => b;

function serviceDefinition(signal: Signal): grpc.ServiceDefinition<grpc.UntypedServiceImplementation> {
  return {
    Export: {
      path: GRPC_EXPORT_PATHS[signal],
      requestStream: false,
      responseStream: false,
      // The message bytes as sent (after grpc-js undid the compression): kept verbatim.
      requestDeserialize: passthrough,
      requestSerialize: passthrough,
      // Responses are encoded by us (responses.ts).
      responseSerialize: passthrough,
      responseDeserialize: passthrough,
      originalName: 'export',
    },
  };
}

const SIGNAL_OF_PATH = new Map<string, Signal>(SIGNALS.map((s) => [GRPC_EXPORT_PATHS[s], s]));

/**
 * grpc-js logs bind failures to stderr itself; the listener reports them
 * (PortInUseError) instead. Its logger is per module copy, so this also quiets
 * any other grpc-js user loaded from the same copy; GRPC_VERBOSITY keeps it on.
 */
let grpcLoggingQuieted = false;
function quietGrpcLogging(): void {
  if (grpcLoggingQuieted || process.env.GRPC_VERBOSITY !== undefined) return;
  grpcLoggingQuieted = true;
  grpc.setLogVerbosity(grpc.logVerbosity.NONE);
}

/** One grpc-js server; restart() runs two side by side while the old one drains. */
class ServerInstance {
  readonly server: grpc.Server;
  private inFlight = 0;
  private closed: Promise<void> | undefined;

  constructor(
    readonly options: GrpcListenerOptions,
    handler: (signal: Signal, call: grpc.ServerUnaryCall<Buffer, Buffer>, callback: grpc.sendUnaryData<Buffer>, instance: ServerInstance) => void,
    interceptor: grpc.ServerInterceptor,
  ) {
    this.server = new grpc.Server({
      'grpc.max_receive_message_length': options.maxBodyBytes,
      'grpc.max_metadata_size': options.maxHeaderBytes,
      // Calls at once on one connection (each may hold up to maxBodyBytes).
      'grpc.max_concurrent_streams': options.maxConnections,
      interceptors: [interceptor],
    });
    for (const signal of SIGNALS) {
      this.server.addService(serviceDefinition(signal), {
        Export: (call: grpc.ServerUnaryCall<Buffer, Buffer>, callback: grpc.sendUnaryData<Buffer>) => handler(signal, call, callback, this),
      });
    }
  }

  get requestsInFlight(): number {
    return this.inFlight;
  }

  begin(): void {
    this.inFlight++;
  }

  end(): void {
    this.inFlight--;
  }

  /** Resolves with the bound port; rejects with grpc-js's error (its message names the errno). */
  listen(): Promise<number> {
    const { host, port } = this.options;
    const target = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
    return new Promise<number>((resolve, reject) => {
      this.server.bindAsync(target, grpc.ServerCredentials.createInsecure(), (err, bound) => (err ? reject(err) : resolve(bound)));
    });
  }

  /**
   * Stops accepting at once; calls in flight finish (each connection gets a
   * GOAWAY and closes when its calls are done), at most timeoutMs, then every
   * connection is closed.
   */
  close(timeoutMs: number): Promise<void> {
    this.closed ??= new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.server.forceShutdown();
        resolve();
      }, timeoutMs);
      this.server.tryShutdown(() => {
        clearTimeout(timer);
        resolve();
      });
    });
    return this.closed;
  }
}

/**
 * Binds, turning EADDRINUSE into a GrpcPortInUseError that names the holder.
 * `retries`: the old socket of the same port closes asynchronously, give it a few turns.
 */
async function bind(instance: ServerInstance, retries = 0): Promise<number> {
  const { host, port } = instance.options;
  for (let attempt = 0; ; attempt++) {
    try {
      return await instance.listen();
    } catch (err) {
      const message = (err as Error).message ?? String(err);
      const inUse = /EADDRINUSE/.test(message);
      if (inUse && attempt < retries) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        continue;
      }
      // A failed bindAsync leaves nothing listening, but the server object is spent.
      instance.server.forceShutdown();
      if (inUse) throw new GrpcPortInUseError(host, port, await findPortHolder(port));
      throw new Error(`cannot listen for OTLP/gRPC on ${host}:${port}: ${message}`);
    }
  }
}

function firstString(metadata: grpc.Metadata, key: string): string | undefined {
  const v = metadata.get(key)[0];
  return v === undefined ? undefined : typeof v === 'string' ? v : v.toString('latin1');
}

/** Why a call must be refused with PERMISSION_DENIED (the HTTP listener's 403), or undefined. */
function refusalReason(call: grpc.ServerUnaryCall<Buffer, Buffer>): string | undefined {
  if (call.metadata.get('origin').length > 0) return 'requests from web pages (with an Origin header) are not accepted';
  const authority = call.getHost();
  const name = authority ? hostOfHeader(authority) : undefined;
  if (name === undefined || !isLoopbackHost(name)) return `:authority ${JSON.stringify((authority ?? '').slice(0, 100))} is not a loopback address`;
  return undefined;
}

/**
 * Receives OTLP/gRPC on loopback and hands every decoded message to the sink,
 * answering only once the sink has answered.
 */
export class GrpcListener {
  private current: ServerInstance | undefined;
  private currentAddress: ListenerAddress | undefined;
  /** Old servers finishing their calls after stop() or restart(). */
  private readonly draining = new Map<ServerInstance, Promise<void>>();
  private opts: GrpcListenerOptions;
  private token: BearerToken | undefined;
  private readonly handled = new Emitter<GrpcRequestEvent>();
  private readonly failed = new Emitter<ListenerFailure>();
  private readonly interceptor: grpc.ServerInterceptor;

  /** Every answered call, refused ones included. */
  readonly onDidHandleRequest: Event<GrpcRequestEvent> = this.handled.event;
  /** Errors the listener survived (a failing sink), for the log. */
  readonly onDidFail: Event<ListenerFailure> = this.failed.event;

  constructor(
    private readonly sink: TelemetrySink,
    options: Partial<GrpcListenerOptions> = {},
  ) {
    this.opts = resolveGrpcListenerOptions(options);
    this.token = this.opts.bearerToken ? new BearerToken(this.opts.bearerToken) : undefined;
    this.interceptor = (method, call) => this.observe(method.path, call);
  }

  get options(): GrpcListenerOptions {
    return this.opts;
  }

  /** Where it listens, once started; `url` is what gRPC exporters take (http://127.0.0.1:4317). */
  get address(): ListenerAddress | undefined {
    return this.currentAddress;
  }

  /** Calls being decoded or stored, across the current and draining servers. */
  get requestsInFlight(): number {
    let n = this.current?.requestsInFlight ?? 0;
    for (const instance of this.draining.keys()) n += instance.requestsInFlight;
    return n;
  }

  /** Binds the port. Rejects with GrpcPortInUseError (a PortInUseError) when it is taken. */
  async start(): Promise<ListenerAddress> {
    if (this.current && this.currentAddress) return this.currentAddress;
    quietGrpcLogging();
    const instance = this.createInstance(this.opts);
    const port = await bind(instance);
    this.current = instance;
    this.currentAddress = this.addressOf(this.opts.host, port);
    return this.currentAddress;
  }

  /** Stops accepting and lets calls in flight finish (at most drainTimeoutMs), then closes. */
  async stop(timeoutMs: number = this.opts.drainTimeoutMs): Promise<void> {
    const instance = this.current;
    this.current = undefined;
    this.currentAddress = undefined;
    if (instance) await this.drain(instance, timeoutMs);
    await Promise.all([...this.draining.values()]);
  }

  /**
   * Applies new options (a new port, token or limits) without losing calls in
   * flight: the new server listens before the old one drains. If the new server
   * cannot start, the old one keeps running and the error is thrown. On the same
   * fixed port the old one has to stop accepting first; if the new one then cannot
   * bind, the listener is stopped and the error thrown.
   */
  async restart(options: Partial<GrpcListenerOptions>): Promise<ListenerAddress> {
    const next = resolveGrpcListenerOptions({ ...this.opts, ...options });
    const old = this.current;
    if (!old) {
      this.apply(next);
      return this.start();
    }
    quietGrpcLogging();
    const samePort = next.port !== 0 && next.port === this.currentAddress?.port && next.host === old.options.host;
    const instance = this.createInstance(next);
    let port: number;
    if (samePort) {
      this.current = undefined;
      this.currentAddress = undefined;
      void this.drain(old, this.opts.drainTimeoutMs);
      port = await bind(instance, 10);
    } else {
      port = await bind(instance);
      void this.drain(old, this.opts.drainTimeoutMs);
    }
    this.apply(next);
    this.current = instance;
    this.currentAddress = this.addressOf(next.host, port);
    return this.currentAddress;
  }

  private apply(options: GrpcListenerOptions): void {
    this.opts = options;
    this.token = options.bearerToken ? new BearerToken(options.bearerToken) : undefined;
  }

  private addressOf(host: string, port: number): ListenerAddress {
    const h = host.includes(':') ? `[${host}]` : host;
    return { host, port, url: `http://${h}:${port}` };
  }

  private drain(instance: ServerInstance, timeoutMs: number): Promise<void> {
    const existing = this.draining.get(instance);
    if (existing) return existing;
    const p = instance
      .close(timeoutMs)
      .catch((error: unknown) => this.failed.fire({ error, context: 'closing the gRPC server' }))
      .finally(() => this.draining.delete(instance));
    this.draining.set(instance, p);
    return p;
  }

  private createInstance(options: GrpcListenerOptions): ServerInstance {
    return new ServerInstance(
      options,
      (signal, call, callback, instance) =>
        void this.handle(signal, call, callback, instance).catch((error: unknown) => {
          // Never an unhandled rejection: that would end the process.
          this.failed.fire({ error, context: 'answering a gRPC call' });
          callback({ code: GrpcCode.INTERNAL, details: 'internal error' });
        }),
      this.interceptor,
    );
  }

  /**
   * Sees every call to a known method: one that grpc-js ends before the handler
   * gets the message (size limit, bad compression, deadline, client gone) still
   * produces an event.
   */
  private observe(path: string, call: grpc.ServerInterceptingCallInterface): grpc.ServerInterceptingCall {
    const started = performance.now();
    let received = false;
    let answered = false;
    return new grpc.ServerInterceptingCall(call, {
      start: (next) => {
        next(
          new grpc.ServerListenerBuilder()
            .withOnReceiveMessage((message, pass) => {
              received = true;
              pass(message);
            })
            .withOnCancel(() => {
              if (received || answered) return;
              answered = true;
              const expired = call.getDeadline() !== Infinity && Number(call.getDeadline()) <= Date.now();
              this.handled.fire({
                path,
                code: expired ? GrpcCode.DEADLINE_EXCEEDED : undefined,
                codeName: expired ? 'DEADLINE_EXCEEDED' : 'ENDED_BY_TRANSPORT',
                signal: SIGNAL_OF_PATH.get(path) ?? 'logs',
                bodyBytes: 0,
                records: 0,
                rejected: 0,
                durationMs: performance.now() - started,
                peer: call.getPeer(),
                message: expired
                  ? 'the deadline expired before the message arrived'
                  : `ended before the message was read: larger than ${this.opts.maxBodyBytes} bytes (RESOURCE_EXHAUSTED), a corrupt or unsupported compression, or the client went away`,
                request: undefined,
              });
            })
            .build(),
        );
      },
      sendStatus: (status, next) => {
        answered = true;
        next(status);
      },
    });
  }

  private async handle(
    signal: Signal,
    call: grpc.ServerUnaryCall<Buffer, Buffer>,
    callback: grpc.sendUnaryData<Buffer>,
    instance: ServerInstance,
  ): Promise<void> {
    const started = performance.now();
    const receivedAtMs = Date.now();
    instance.begin();
    const body = call.request;
    const info: Mutable<GrpcRequestEvent> = {
      path: GRPC_EXPORT_PATHS[signal],
      code: GrpcCode.OK,
      codeName: 'OK',
      signal,
      bodyBytes: body.length,
      records: 0,
      rejected: 0,
      durationMs: 0,
      peer: call.getPeer(),
      message: undefined,
      request: undefined,
    };
    let settled = false;
    const answer = (error: grpc.ServerErrorResponse | Partial<grpc.StatusObject> | null, value?: Buffer): void => {
      if (settled) return;
      settled = true;
      instance.end();
      info.durationMs = performance.now() - started;
      this.handled.fire(info);
      callback(error, value);
    };
    const refuse = (code: number, message: string, metadata?: grpc.Metadata): void => {
      info.code = code;
      info.codeName = grpcCodeName(code);
      info.message = message;
      answer({ code, details: message, ...(metadata ? { metadata } : {}) });
    };
    try {
      const refusal = refusalReason(call);
      if (refusal) return refuse(GrpcCode.PERMISSION_DENIED, refusal);
      if (this.token && !this.token.matches(firstString(call.metadata, 'authorization'))) {
        return refuse(GrpcCode.UNAUTHENTICATED, 'missing or wrong bearer token');
      }
      let batch: DecodedBatch;
      try {
        batch = decodeProtobuf(signal, body, instance.options.limits);
      } catch (err) {
        const m = err instanceof OtlpDecodeError ? err.message : `the message does not decode: ${String((err as Error)?.message ?? err).slice(0, 200)}`;
        return refuse(GrpcCode.INVALID_ARGUMENT, m);
      }
      info.records = recordCount(batch);
      info.rejected = batch.rejected;
      const request: ReceivedRequest = { signal, transport: 'grpc', encoding: 'protobuf', body, batch, receivedAtMs };
      info.request = request;
      try {
        const verdict = await this.sink.accept(request);
        if (verdict.kind === 'busy') return refuse(GrpcCode.UNAVAILABLE, verdict.reason, retryMetadata(verdict.reason, verdict.retryAfterSeconds));
      } catch (error) {
        this.failed.fire({ error, context: `storing a ${signal} gRPC call` });
        const m = 'the receiver could not store the data; retry later';
        return refuse(GrpcCode.UNAVAILABLE, m, retryMetadata(m, instance.options.retryAfterSeconds));
      }
      if (batch.rejected > 0) info.message = batch.errors.join('; ');
      answer(null, exportReply(signal, 'protobuf', batch.rejected, batch.errors.join('; ')).body);
    } finally {
      if (!settled) {
        // An exception above: handle()'s caller answers INTERNAL; keep the count right.
        settled = true;
        instance.end();
      }
    }
  }
}

function retryMetadata(message: string, retryAfterSeconds: number): grpc.Metadata {
  const metadata = new grpc.Metadata();
  const seconds = Math.max(1, Math.ceil(retryAfterSeconds));
  metadata.set(STATUS_DETAILS_KEY, statusWithRetryInfo(GrpcCode.UNAVAILABLE, message, seconds * 1000));
  return metadata;
}

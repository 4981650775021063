// Every knob of the OTLP/HTTP listener in one object, with defaults and checks.
import { DEFAULT_LIMITS, type NormalizeLimits } from './normalize';
import { isLoopbackHost } from './requestGuard';

export interface ListenerOptions {
  /** Loopback only: 127.0.0.1 (default), another 127.x address, ::1 or localhost. */
  readonly host: string;
  /** 4318 by default (the OTLP/HTTP port); 0 picks any free port. */
  readonly port: number;
  /** Size limit of a body, on the wire and again after decompression (OTLP recommends 64 MiB). */
  readonly maxBodyBytes: number;
  /** When non-empty, requests must carry `Authorization: Bearer <token>`. */
  readonly bearerToken: string;
  /** A whole request (headers and body) must arrive within this time, else 408 or close. */
  readonly requestTimeoutMs: number;
  /** The headers must arrive within this time. */
  readonly headersTimeoutMs: number;
  /** Idle keep-alive connections are closed after this time. */
  readonly keepAliveTimeoutMs: number;
  /** Larger request headers are refused with 431. */
  readonly maxHeaderBytes: number;
  /** Connections beyond this many are closed on arrival. */
  readonly maxConnections: number;
  /** stop() and restart() let requests in flight finish for at most this long. */
  readonly drainTimeoutMs: number;
  /** Retry-After (seconds) sent with a 503 when the sink fails. */
  readonly retryAfterSeconds: number;
  /** Limits the decoders apply to each request. */
  readonly limits: NormalizeLimits;
}

export const DEFAULT_LISTENER_OPTIONS: ListenerOptions = Object.freeze({
  host: '127.0.0.1',
  port: 4318,
  maxBodyBytes: 64 * 1024 * 1024,
  bearerToken: '',
  requestTimeoutMs: 30_000,
  headersTimeoutMs: 10_000,
  keepAliveTimeoutMs: 5_000,
  maxHeaderBytes: 16 * 1024,
  maxConnections: 256,
  drainTimeoutMs: 5_000,
  retryAfterSeconds: 5,
  limits: DEFAULT_LIMITS,
});

export class ListenerConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ListenerConfigError';
  }
}

function positiveInt(name: keyof ListenerOptions, v: number): void {
  if (!Number.isSafeInteger(v) || v <= 0) throw new ListenerConfigError(`${name} must be a positive integer (got ${v})`);
}

/** Fills defaults and refuses what the listener must never do (a non-loopback host, a bad port). */
export function resolveListenerOptions(partial: Partial<ListenerOptions> = {}): ListenerOptions {
  const o: ListenerOptions = { ...DEFAULT_LISTENER_OPTIONS, ...partial };
  if (!isLoopbackHost(o.host)) {
    throw new ListenerConfigError(`the listener only binds to a loopback address (127.0.0.1, ::1, localhost), not ${JSON.stringify(o.host)}`);
  }
  if (!Number.isInteger(o.port) || o.port < 0 || o.port > 65535) {
    throw new ListenerConfigError(`port must be an integer from 0 to 65535 (got ${o.port})`);
  }
  for (const k of ['maxBodyBytes', 'requestTimeoutMs', 'headersTimeoutMs', 'keepAliveTimeoutMs', 'maxHeaderBytes', 'maxConnections', 'drainTimeoutMs', 'retryAfterSeconds'] as const) {
    positiveInt(k, o[k]);
  }
  // Node requires headersTimeout <= requestTimeout.
  return o.headersTimeoutMs > o.requestTimeoutMs ? { ...o, headersTimeoutMs: o.requestTimeoutMs } : o;
}

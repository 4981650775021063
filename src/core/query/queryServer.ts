// The owner's loopback query server: how reader windows read the store the owner
// writes. Guarded like the OTLP listener (no Origin, loopback Host only) and
// further by a bearer secret only this user can read, so neither a web page nor
// another user's process can read prompts through it.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { BodyTooLargeError, ClientAbortedError, readBody } from '../otlp/bodyReader';
import { BearerToken, refusalReason } from '../otlp/requestGuard';
import {
  dispatchQuery,
  isQueryMethod,
  MAX_QUERY_BODY_BYTES,
  QUERY_PATH,
  QueryParamsError,
  type QueryBackend,
  type QueryErrorCode,
  type QueryMethod,
} from './queryProtocol';

export interface QueryServerOptions {
  /** Readers must send `Authorization: Bearer <secret>`. */
  readonly secret: string;
  /** Loopback address to bind (default 127.0.0.1). */
  readonly host?: string;
  /** 0 (default): any free port, recorded in the owner lock for readers. */
  readonly port?: number;
  readonly maxBodyBytes?: number;
}

/** One answered call, for the log (never the params: they may name files or prompts). */
export interface QueryEvent {
  readonly method: string;
  readonly status: number;
  readonly durationMs: number;
  readonly message: string | undefined;
}

interface Reply {
  readonly status: number;
  readonly body: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

const errorReply = (status: number, code: QueryErrorCode, message: string, headers?: Record<string, string>): Reply => ({
  status,
  body: { error: { code, message } },
  headers,
});

export class QueryServer {
  private readonly server: http.Server;
  private readonly token: BearerToken;
  private readonly maxBodyBytes: number;
  private readonly listeners = new Set<(e: QueryEvent) => void>();
  private address: AddressInfo | undefined;

  constructor(
    private readonly backend: QueryBackend,
    private readonly options: QueryServerOptions,
  ) {
    if (!options.secret) throw new Error('the query server needs a secret');
    this.token = new BearerToken(options.secret);
    this.maxBodyBytes = options.maxBodyBytes ?? MAX_QUERY_BODY_BYTES;
    this.server = http.createServer({ requestTimeout: 10_000, headersTimeout: 5_000, keepAliveTimeout: 5_000 }, (req, res) => {
      void this.handle(req, res);
    });
    // Readers keep one connection each; a small cap is plenty and bounds the damage of a runaway client.
    this.server.maxConnections = 64;
    this.server.on('error', () => undefined);
  }

  /** Every answered call (for trace logging). */
  onDidAnswer(listener: (e: QueryEvent) => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  get port(): number | undefined {
    return this.address?.port;
  }

  start(): Promise<number> {
    return new Promise<number>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen({ host: this.options.host ?? '127.0.0.1', port: this.options.port ?? 0, exclusive: true }, () => {
        this.server.off('error', reject);
        this.address = this.server.address() as AddressInfo;
        resolve(this.address.port);
      });
    });
  }

  /** Closes the socket and every connection (readers reconnect to whoever owns next). */
  stop(): Promise<void> {
    if (!this.server.listening) return Promise.resolve();
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    this.address = undefined;
    return closed;
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const started = performance.now();
    let method = '';
    let reply: Reply;
    try {
      const r = await this.process(req);
      method = r.method;
      reply = r.reply;
    } catch (err) {
      if (err instanceof ClientAbortedError) {
        res.destroy();
        return;
      }
      reply = errorReply(500, 'internal', 'the query failed');
    }
    const text = JSON.stringify(reply.body);
    res.writeHead(reply.status, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': String(Buffer.byteLength(text)),
      'cache-control': 'no-store',
      ...reply.headers,
    });
    res.end(text);
    if (!req.complete) req.resume();
    const error = (reply.body as { error?: { message?: string } }).error;
    const event: QueryEvent = { method, status: reply.status, durationMs: performance.now() - started, message: error?.message };
    for (const l of this.listeners) {
      try {
        l(event);
      } catch {
        // a broken logger must not break the reply path
      }
    }
  }

  private async process(req: http.IncomingMessage): Promise<{ method: string; reply: Reply }> {
    const refusal = refusalReason(req.headers);
    if (refusal) return { method: '', reply: errorReply(403, 'bad_request', refusal) };
    if (!this.token.matches(req.headers.authorization)) {
      return { method: '', reply: errorReply(401, 'bad_request', 'missing or wrong bearer secret', { 'www-authenticate': 'Bearer' }) };
    }
    if ((req.url ?? '').split('?')[0] !== QUERY_PATH) return { method: '', reply: errorReply(404, 'bad_request', `no endpoint here: use POST ${QUERY_PATH}`) };
    if (req.method !== 'POST') return { method: '', reply: errorReply(405, 'bad_request', 'use POST', { allow: 'POST' }) };
    const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    if (type !== 'application/json') return { method: '', reply: errorReply(415, 'bad_request', 'use Content-Type: application/json') };

    let body: Buffer;
    try {
      body = (await readBody(req, this.maxBodyBytes)).body;
    } catch (err) {
      if (err instanceof BodyTooLargeError) return { method: '', reply: errorReply(413, 'bad_request', `the body is larger than ${this.maxBodyBytes} bytes`) };
      throw err;
    }
    let call: unknown;
    try {
      call = JSON.parse(body.toString('utf8'));
    } catch {
      return { method: '', reply: errorReply(400, 'bad_request', 'the body is not JSON') };
    }
    if (typeof call !== 'object' || call === null || Array.isArray(call)) {
      return { method: '', reply: errorReply(400, 'bad_request', 'the body must be {"method": ..., "params": {...}}') };
    }
    const { method, params } = call as { method?: unknown; params?: unknown };
    if (!isQueryMethod(method)) {
      const name = typeof method === 'string' ? method.slice(0, 100) : String(method);
      return { method: name, reply: errorReply(404, 'unknown_method', `no method ${JSON.stringify(name)}`) };
    }
    return { method, reply: await this.run(method, params) };
  }

  private async run(method: QueryMethod, params: unknown): Promise<Reply> {
    try {
      const result = await dispatchQuery(this.backend, method, params);
      return { status: 200, body: { result: result === undefined ? null : result } };
    } catch (err) {
      if (err instanceof QueryParamsError) return errorReply(400, 'bad_params', err.message);
      // The store may be opening or failed to open: the reader retries later.
      return errorReply(503, 'unavailable', err instanceof Error ? err.message.slice(0, 500) : 'unavailable', { 'retry-after': '1' });
    }
  }
}

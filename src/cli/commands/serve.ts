// `agent-trail serve`: the OTLP/HTTP listener in a terminal, one line per request.
// Also OTLP/gRPC (default port 4317, --no-grpc) and forwarding to a collector (--forward URL).
import { displayUrl, ForwardConfigError, OtlpForwarder, parseUpstreamUrl } from '../../core/forward/forwarder';
import { ForwardingSink } from '../../core/forward/forwardingSink';
import { DEFAULT_GRPC_PORT, GrpcListener, type GrpcRequestEvent } from '../../core/otlp/grpcReceiver';
import { OtlpHttpListener, type ListenerAddress, type RequestEvent } from '../../core/otlp/httpReceiver';
import { DEFAULT_LISTENER_OPTIONS, ListenerConfigError } from '../../core/otlp/listenerOptions';
import { PortInUseError } from '../../core/otlp/portInUse';
import { isLoopbackHost } from '../../core/otlp/requestGuard';
import type { TelemetrySink } from '../../core/otlp/sink';
import { formatOptions, parseCommandArgs, parsePort } from '../args';
import { EXIT_FAILURE, EXIT_OK, UsageError, type CliIo, type Command, type CommandContext } from '../command';
import { FinishedPrompts, formatPromptLine, promptJson } from '../finishedPrompts';
import { PrintingSink, type SinkCounts } from '../printingSink';
import { serveQueries } from '../serveQueries';
import { dataDirOf, openOwnedStore, type OwnedStore } from '../storeAccess';

const OPTIONS = {
  port: { type: 'string', valueName: 'N', description: `Loopback port (default ${DEFAULT_LISTENER_OPTIONS.port}; 0 = any free port)` },
  host: { type: 'string', valueName: 'ADDR', description: `Loopback address to bind (default ${DEFAULT_LISTENER_OPTIONS.host})` },
  db: { type: 'string', valueName: 'DIR', description: 'Store directory (default: the per-user store shared with VS Code)' },
  'no-store': { type: 'boolean', description: 'Keep nothing: only print what arrives' },
  token: { type: 'string', valueName: 'T', description: 'Require "Authorization: Bearer T" (or set AGENT_TRAIL_TOKEN)' },
  json: { type: 'boolean', description: 'Print one JSON object per line instead of text' },
  'grpc-port': { type: 'string', valueName: 'N', description: `OTLP/gRPC loopback port (default ${DEFAULT_GRPC_PORT}; 0 = any free port)` },
  'no-grpc': { type: 'boolean', description: 'Do not listen for OTLP/gRPC' },
  forward: {
    type: 'string',
    valueName: 'URL',
    description: 'Also pass every stored request on to this OTLP/HTTP collector (base URL, e.g. http://collector:4318; headers from AGENT_TRAIL_FORWARD_HEADERS="k=v,k2=v2")',
  },
} as const;

export interface ServeOptions {
  readonly port: number;
  readonly host: string;
  /** The store directory; undefined = the per-user default. */
  readonly db: string | undefined;
  readonly store: boolean;
  readonly token: string;
  readonly json: boolean;
  /** The OTLP/gRPC port; null with --no-grpc. */
  readonly grpcPort: number | null;
  /** --grpc-port was given: a taken port is then fatal (the default port only warns). */
  readonly grpcPortExplicit: boolean;
  /** The upstream collector's base URL (--forward), or undefined. */
  readonly forward: string | undefined;
  readonly forwardHeaders: Readonly<Record<string, string>>;
}

/** OTEL_EXPORTER_OTLP_HEADERS syntax: `k=v,k2=v2`, values URL-encoded. */
function parseHeaderList(text: string | undefined): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const part of (text ?? '').split(',')) {
    if (part.trim() === '') continue;
    const eq = part.indexOf('=');
    if (eq <= 0) throw new UsageError(`AGENT_TRAIL_FORWARD_HEADERS: ${JSON.stringify(part.trim())} is not key=value`);
    let value: string;
    try {
      value = decodeURIComponent(part.slice(eq + 1).trim());
    } catch {
      value = part.slice(eq + 1).trim();
    }
    headers[part.slice(0, eq).trim().toLowerCase()] = value;
  }
  return headers;
}

export function parseServeArgs(args: readonly string[], env: CommandContext['env']): ServeOptions {
  const { values } = parseCommandArgs(args, OPTIONS);
  const host = values.host ?? DEFAULT_LISTENER_OPTIONS.host;
  if (!isLoopbackHost(host)) throw new UsageError(`--host must be a loopback address (127.0.0.1, ::1, localhost), not ${JSON.stringify(host)}`);
  if (values.db === '') throw new UsageError('--db needs a file path');
  if (values['no-grpc'] && values['grpc-port'] !== undefined) throw new UsageError('--grpc-port and --no-grpc contradict each other');
  const port = values.port === undefined ? DEFAULT_LISTENER_OPTIONS.port : parsePort(values.port);
  const grpcPort = values['no-grpc'] ? null : values['grpc-port'] === undefined ? DEFAULT_GRPC_PORT : parsePort(values['grpc-port'], '--grpc-port');
  if (grpcPort !== null && grpcPort !== 0 && grpcPort === port) throw new UsageError(`--grpc-port must differ from --port (both ${port})`);
  if (values.forward !== undefined) {
    try {
      parseUpstreamUrl(values.forward);
    } catch (err) {
      if (err instanceof ForwardConfigError) throw new UsageError(`--forward: ${err.message}`);
      throw err;
    }
  }
  return {
    port,
    host,
    db: values.db,
    store: !values['no-store'],
    token: values.token ?? env.AGENT_TRAIL_TOKEN ?? '',
    json: values.json,
    grpcPort,
    grpcPortExplicit: values['grpc-port'] !== undefined,
    forward: values.forward,
    forwardHeaders: values.forward === undefined ? {} : parseHeaderList(env.AGENT_TRAIL_FORWARD_HEADERS),
  };
}

/** The sink chain `serve` records into, and how to close it. */
export interface ServeSink {
  readonly sink: TelemetrySink;
  readonly counts: SinkCounts;
  /** The store, when recording (not with --no-store). */
  readonly owned: OwnedStore | null;
  close(): Promise<void>;
}

/** Opens the store (taking the owner lock), wraps it to print one line per request and per finished prompt. */
export async function openServeSink(options: ServeOptions, io: CliIo, env: CommandContext['env']): Promise<ServeSink> {
  if (!options.store) {
    const printing = new PrintingSink(io.out, options.json);
    return { sink: printing, counts: printing.counts, owned: null, close: async () => undefined };
  }
  const owned = await openOwnedStore(dataDirOf(options.db, env), (level, message) => {
    if (level !== 'info') io.err(`agent-trail: [store] ${message}`);
  });
  const printing = new PrintingSink(io.out, options.json, owned.store);
  const prompts = new FinishedPrompts(owned.store, (p) => io.out(options.json ? JSON.stringify(promptJson(p)) : formatPromptLine(p)));
  return {
    sink: printing,
    counts: printing.counts,
    owned,
    close: async () => {
      prompts.flush();
      await owned.close();
    },
  };
}

/** A request that was not stored: refused with a status, or abandoned by its client (status 0). */
function refusedLine(e: RequestEvent, json: boolean): string {
  const type = e.status === 0 ? 'aborted' : 'refused';
  if (json) return JSON.stringify({ type, time: new Date().toISOString(), status: e.status, method: e.method, path: e.path, message: e.message });
  return `${new Date().toTimeString().slice(0, 8)} ${type}${e.status ? ` ${e.status}` : ''} ${e.method} ${e.path}: ${e.message ?? ''}`;
}

/** A gRPC call that was not stored (the gRPC counterpart of refusedLine). */
function refusedGrpcLine(e: GrpcRequestEvent, json: boolean): string {
  if (json) return JSON.stringify({ type: 'refused', time: new Date().toISOString(), transport: 'grpc', code: e.code ?? null, status: e.codeName, path: e.path, message: e.message });
  return `${new Date().toTimeString().slice(0, 8)} refused ${e.codeName} gRPC ${e.path}: ${e.message ?? ''}`;
}

interface ServeExtras {
  readonly grpc: ListenerAddress | undefined;
  /** The upstream, for display. */
  readonly forward: string | undefined;
}

function listeningLines(a: ListenerAddress, o: ServeOptions & { dataDir: string | null }, x: ServeExtras = { grpc: undefined, forward: undefined }): string[] {
  if (o.json) {
    const grpc = x.grpc ? { host: x.grpc.host, port: x.grpc.port, url: x.grpc.url } : null;
    return [JSON.stringify({ type: 'listening', host: a.host, port: a.port, url: a.url, grpc, forward: x.forward ?? null, db: o.dataDir, token: o.token !== '' })];
  }
  return [
    `agent-trail: listening on ${a.url} (OTLP/HTTP, JSON and protobuf: /v1/logs /v1/metrics /v1/traces)`,
    ...(x.grpc ? [`  and OTLP/gRPC on ${x.grpc.url} (Export of logs, metrics and traces; gzip or not)`] : []),
    `  point agents at it: OTEL_EXPORTER_OTLP_ENDPOINT=${a.url} OTEL_EXPORTER_OTLP_PROTOCOL=http/json`,
    ...(x.grpc ? [`  or over gRPC: OTEL_EXPORTER_OTLP_ENDPOINT=${x.grpc.url} OTEL_EXPORTER_OTLP_PROTOCOL=grpc`] : []),
    ...(x.forward ? [`  forwarding every stored request to ${x.forward} (OTLP/HTTP, gzip; local recording never waits for it)`] : []),
    ...(o.token ? ['  requests must carry "Authorization: Bearer <token>"'] : []),
    ...(o.store ? [`  recording into ${o.dataDir}`] : ['  --no-store: nothing is kept']),
    '  Ctrl+C to stop',
  ];
}

function stoppedLine(c: SinkCounts, refused: number, json: boolean): string {
  if (json) return JSON.stringify({ type: 'stopped', requests: c.requests, records: c.records, rejected: c.rejected, refused });
  const { logs, metrics, traces } = c.records;
  return `agent-trail: stopped after ${c.requests} requests: ${logs} log records, ${metrics} metric points, ${traces} spans (${c.rejected} records rejected, ${refused} requests refused)`;
}

/** --forward naming our own OTLP/HTTP port would send every request round in a circle. */
function forwardsToItself(url: URL, a: ListenerAddress): boolean {
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  return port === a.port && isLoopbackHost(url.hostname.replace(/^\[|\]$/g, ''));
}

function aborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
}

export const serveCommand: Command = {
  name: 'serve',
  summary: 'Run the OTLP/HTTP listener in this terminal and print what arrives',
  help: () =>
    [
      'Usage: agent-trail serve [--port N] [--grpc-port N | --no-grpc] [--host 127.0.0.1] [--db PATH] [--token T] [--forward URL] [--json]',
      '',
      'Receives OpenTelemetry from coding agents (OTLP/HTTP, JSON or protobuf, gzip or not,',
      `and OTLP/gRPC on port ${DEFAULT_GRPC_PORT} unless --no-grpc) on loopback ports and prints one line`,
      'per request: signal, encoding, record count, service.name and the event names.',
      'With --forward every stored request is also passed on, unchanged, to a collector;',
      'an unreachable collector never slows local recording. Stops on Ctrl+C (SIGINT) or SIGTERM.',
      '',
      'Options:',
      formatOptions(OPTIONS),
    ].join('\n'),

  async run(args: readonly string[], ctx: CommandContext): Promise<number> {
    const options = parseServeArgs(args, ctx.env);
    const { sink, counts, owned, close: closeSink } = await openServeSink(options, ctx.io, ctx.env);
    const forwarder = options.forward === undefined ? undefined : new OtlpForwarder({ url: options.forward, headers: options.forwardHeaders });
    forwarder?.onDidLog((e) => ctx.io.err(`agent-trail: [forward] ${e.message}`));
    // Stored locally first; forwarded after, without the answer waiting for the upstream.
    const listenerSink = forwarder ? new ForwardingSink(sink, forwarder) : sink;
    const close = async (): Promise<void> => {
      await forwarder?.close(0);
      await closeSink();
    };
    let listener: OtlpHttpListener;
    try {
      listener = new OtlpHttpListener(listenerSink, { host: options.host, port: options.port, bearerToken: options.token });
    } catch (err) {
      await close();
      if (err instanceof ListenerConfigError) throw new UsageError(err.message);
      throw err;
    }
    let refused = 0;
    listener.onDidHandleRequest((e) => {
      if (e.status === 200) return;
      if (e.status !== 0) refused++;
      ctx.io.out(refusedLine(e, options.json));
    });
    listener.onDidFail((f) => ctx.io.err(`agent-trail: ${f.context}: ${f.error instanceof Error ? f.error.message : String(f.error)}`));
    let address: ListenerAddress;
    try {
      address = await listener.start();
    } catch (err) {
      await close();
      ctx.io.err(`agent-trail serve: ${err instanceof PortInUseError ? err.message : `cannot start: ${(err as Error).message}`}`);
      return EXIT_FAILURE;
    }
    if (forwarder && forwardsToItself(forwarder.url, address)) {
      await listener.stop();
      await close();
      ctx.io.err(`agent-trail serve: --forward ${displayUrl(forwarder.url)} is this listener itself: every request would loop`);
      return EXIT_FAILURE;
    }
    let grpcListener: GrpcListener | undefined;
    let grpcAddress: ListenerAddress | undefined;
    if (options.grpcPort !== null) {
      grpcListener = new GrpcListener(listenerSink, { host: options.host, port: options.grpcPort, bearerToken: options.token });
      grpcListener.onDidHandleRequest((e) => {
        if (e.code === 0) return;
        refused++;
        ctx.io.out(refusedGrpcLine(e, options.json));
      });
      grpcListener.onDidFail((f) => ctx.io.err(`agent-trail: ${f.context}: ${f.error instanceof Error ? f.error.message : String(f.error)}`));
      try {
        grpcAddress = await grpcListener.start();
      } catch (err) {
        const message = err instanceof PortInUseError ? err.message : `cannot start OTLP/gRPC: ${(err as Error).message}`;
        grpcListener = undefined;
        if (options.grpcPortExplicit) {
          await listener.stop();
          await close();
          ctx.io.err(`agent-trail serve: ${message}`);
          return EXIT_FAILURE;
        }
        // Only the default port was asked for: run without gRPC rather than not at all.
        ctx.io.err(`agent-trail: ${message} OTLP/gRPC is off for this run; OTLP/HTTP works.`);
      }
    }
    // Editor windows and the read commands ask this process while it owns the store.
    const queryServer = owned ? await serveQueries(owned, listener) : undefined;
    const extras: ServeExtras = { grpc: grpcAddress, forward: forwarder ? displayUrl(forwarder.url) : undefined };
    for (const line of listeningLines(address, { ...options, dataDir: owned?.dataDir ?? null }, extras)) ctx.io.out(line);
    await aborted(ctx.signal);
    await Promise.all([listener.stop(), grpcListener?.stop(), queryServer?.stop()]);
    if (forwarder) {
      // What is still queued gets a moment to go out; the rest is recorded locally anyway.
      const f = await forwarder.close(2_000);
      ctx.io.out(
        options.json
          ? JSON.stringify({ type: 'forwarded', url: displayUrl(forwarder.url), forwarded: f.forwarded, retried: f.retried, dropped: f.dropped, rejected: f.rejected })
          : `agent-trail: forwarded ${f.forwarded} requests to ${displayUrl(forwarder.url)} (${f.retried} retries, ${f.dropped} dropped, ${f.rejected} refused by the upstream)`,
      );
    }
    await close();
    ctx.io.out(stoppedLine(counts, refused, options.json));
    return EXIT_OK;
  },
};

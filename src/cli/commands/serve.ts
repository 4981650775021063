// `agent-trail serve`: the OTLP/HTTP listener in a terminal, one line per request.
import { OtlpHttpListener, type ListenerAddress, type RequestEvent } from '../../core/otlp/httpReceiver';
import { DEFAULT_LISTENER_OPTIONS, ListenerConfigError } from '../../core/otlp/listenerOptions';
import { PortInUseError } from '../../core/otlp/portInUse';
import { isLoopbackHost } from '../../core/otlp/requestGuard';
import type { TelemetrySink } from '../../core/otlp/sink';
import { formatOptions, parseCommandArgs, parsePort } from '../args';
import { EXIT_FAILURE, EXIT_OK, UsageError, type CliIo, type Command, type CommandContext } from '../command';
import { FinishedPrompts, formatPromptLine, promptJson } from '../finishedPrompts';
import { PrintingSink, type SinkCounts } from '../printingSink';
import { dataDirOf, openOwnedStore, type OwnedStore } from '../storeAccess';

const OPTIONS = {
  port: { type: 'string', valueName: 'N', description: `Loopback port (default ${DEFAULT_LISTENER_OPTIONS.port}; 0 = any free port)` },
  host: { type: 'string', valueName: 'ADDR', description: `Loopback address to bind (default ${DEFAULT_LISTENER_OPTIONS.host})` },
  db: { type: 'string', valueName: 'DIR', description: 'Store directory (default: the per-user store shared with VS Code)' },
  'no-store': { type: 'boolean', description: 'Keep nothing: only print what arrives' },
  token: { type: 'string', valueName: 'T', description: 'Require "Authorization: Bearer T" (or set AGENT_TRAIL_TOKEN)' },
  json: { type: 'boolean', description: 'Print one JSON object per line instead of text' },
} as const;

export interface ServeOptions {
  readonly port: number;
  readonly host: string;
  /** The store directory; undefined = the per-user default. */
  readonly db: string | undefined;
  readonly store: boolean;
  readonly token: string;
  readonly json: boolean;
}

export function parseServeArgs(args: readonly string[], env: CommandContext['env']): ServeOptions {
  const { values } = parseCommandArgs(args, OPTIONS);
  const host = values.host ?? DEFAULT_LISTENER_OPTIONS.host;
  if (!isLoopbackHost(host)) throw new UsageError(`--host must be a loopback address (127.0.0.1, ::1, localhost), not ${JSON.stringify(host)}`);
  if (values.db === '') throw new UsageError('--db needs a file path');
  return {
    port: values.port === undefined ? DEFAULT_LISTENER_OPTIONS.port : parsePort(values.port),
    host,
    db: values.db,
    store: !values['no-store'],
    token: values.token ?? env.AGENT_TRAIL_TOKEN ?? '',
    json: values.json,
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

function listeningLines(a: ListenerAddress, o: ServeOptions & { dataDir: string | null }): string[] {
  if (o.json) return [JSON.stringify({ type: 'listening', host: a.host, port: a.port, url: a.url, db: o.dataDir, token: o.token !== '' })];
  return [
    `agent-trail: listening on ${a.url} (OTLP/HTTP, JSON and protobuf: /v1/logs /v1/metrics /v1/traces)`,
    `  point agents at it: OTEL_EXPORTER_OTLP_ENDPOINT=${a.url} OTEL_EXPORTER_OTLP_PROTOCOL=http/json`,
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
      'Usage: agent-trail serve [--port N] [--host 127.0.0.1] [--db PATH] [--token T] [--json]',
      '',
      'Receives OpenTelemetry from coding agents (OTLP/HTTP, JSON or protobuf, gzip or not)',
      'on a loopback port and prints one line per request: signal, encoding, record count,',
      'service.name and the event names. Stops on Ctrl+C (SIGINT) or SIGTERM.',
      '',
      'Options:',
      formatOptions(OPTIONS),
    ].join('\n'),

  async run(args: readonly string[], ctx: CommandContext): Promise<number> {
    const options = parseServeArgs(args, ctx.env);
    const { sink, counts, owned, close } = await openServeSink(options, ctx.io, ctx.env);
    let listener: OtlpHttpListener;
    try {
      listener = new OtlpHttpListener(sink, { host: options.host, port: options.port, bearerToken: options.token });
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
    await owned?.lock.setPort(address.port);
    for (const line of listeningLines(address, { ...options, dataDir: owned?.dataDir ?? null })) ctx.io.out(line);
    await aborted(ctx.signal);
    await listener.stop();
    await close();
    ctx.io.out(stoppedLine(counts, refused, options.json));
    return EXIT_OK;
  },
};

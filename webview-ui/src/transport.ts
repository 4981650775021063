// Where the app's data comes from. Inside VS Code: the panel host, over
// postMessage (requests with ids, answered or refused; notifications; a
// `ready` first). Outside (the CLI's HTML report): the data embedded in the
// page, answered the same way so that the rest of the app cannot tell.

import {
  PROTOCOL_VERSION,
  REPORT_DATA_ID,
  parseHostMessage,
  parseState,
  type CommandMap,
  type CommandName,
  type NotificationMessage,
  type ReplayState,
  type ReplyError,
  type ReportData,
  type RequestMethod,
  type RequestParams,
  type RequestResult,
  type ViewTarget,
} from '../../src/protocol/messages';
import { RowUnpacker } from '../../src/protocol/packedRows';
import type { StepRow } from '../../src/core/replay/replayTypes';
import { unpackReportRow } from '../../src/core/replay/reportRows';

export class RequestError extends Error {
  constructor(readonly reply: ReplyError) {
    super(reply.message);
    this.name = 'RequestError';
  }
}

export interface Transport {
  readonly mode: 'vscode' | 'report';
  request<M extends RequestMethod>(method: M, params: RequestParams<M>): Promise<RequestResult<M>>;
  command<C extends CommandName>(command: C, args: CommandMap[C]): void;
  /** Host notifications; `show` is the first one, after start(). */
  onNotification(handler: (n: NotificationMessage) => void): void;
  getState(): ReplayState | null;
  setState(state: ReplayState): void;
  /** Begins: the host hears `ready` (with what was restored), the report shows its first view. */
  start(restored: ViewTarget | null): void;
}

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare const acquireVsCodeApi: (() => VsCodeApi) | undefined;

const REQUEST_TIMEOUT_MS = 30_000;

class VsCodeTransport implements Transport {
  readonly mode = 'vscode' as const;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void; timer: ReturnType<typeof setTimeout> }>();
  private handler: ((n: NotificationMessage) => void) | undefined;

  constructor(private readonly api: VsCodeApi) {
    window.addEventListener('message', (event: MessageEvent<unknown>) => this.receive(event.data));
  }

  request<M extends RequestMethod>(method: M, params: RequestParams<M>): Promise<RequestResult<M>> {
    const id = this.nextId++;
    return new Promise<RequestResult<M>>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new RequestError({ code: 'unavailable', message: `${method} got no answer` }));
      }, REQUEST_TIMEOUT_MS);
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, timer });
      this.api.postMessage({ type: 'request', id, method, params });
    });
  }

  command<C extends CommandName>(command: C, args: CommandMap[C]): void {
    this.api.postMessage({ type: 'command', command, args });
  }

  onNotification(handler: (n: NotificationMessage) => void): void {
    this.handler = handler;
  }

  getState(): ReplayState | null {
    return parseState(this.api.getState());
  }

  setState(state: ReplayState): void {
    this.api.setState(state);
  }

  start(restored: ViewTarget | null): void {
    this.api.postMessage({ type: 'ready', protocol: PROTOCOL_VERSION, restored });
  }

  private receive(data: unknown): void {
    const message = parseHostMessage(data);
    if (!message) return;
    if (message.type === 'response') {
      const p = this.pending.get(message.id);
      if (!p) return;
      this.pending.delete(message.id);
      clearTimeout(p.timer);
      if (message.ok) p.resolve(message.result);
      else p.reject(new RequestError(message.error));
      return;
    }
    this.handler?.(message);
  }
}

/** The HTML report: the embedded data answers every request; commands that need an editor do nothing. */
export class ReportTransport implements Transport {
  readonly mode = 'report' as const;
  private handler: ((n: NotificationMessage) => void) | undefined;
  private state: ReplayState | null = null;
  private readonly unpackers = new Map<string, RowUnpacker>();

  constructor(private readonly data: ReportData) {}

  request<M extends RequestMethod>(method: M, params: RequestParams<M>): Promise<RequestResult<M>> {
    try {
      return Promise.resolve(this.answer(method, params) as RequestResult<M>);
    } catch (err) {
      return Promise.reject(err);
    }
  }

  command(): void {
    // Opening files and diffs needs the editor.
  }

  onNotification(handler: (n: NotificationMessage) => void): void {
    this.handler = handler;
  }

  getState(): ReplayState | null {
    return this.state;
  }

  setState(state: ReplayState): void {
    this.state = state;
  }

  start(restored: ViewTarget | null): void {
    const target = restored ?? this.data.initial;
    queueMicrotask(() => this.handler?.({ type: 'notification', name: 'show', params: { target } }));
  }

  private answer(method: RequestMethod, params: RequestParams<RequestMethod>): unknown {
    const notFound = (what: string): never => {
      throw new RequestError({ code: 'not_found', message: `${what} is not in this report` });
    };
    switch (method) {
      case 'getPrompt': {
        const { promptId } = params as RequestParams<'getPrompt'>;
        return (this.data.prompts[promptId] ?? notFound(`prompt ${promptId}`)).overview;
      }
      case 'getSteps': {
        const { promptId, offset, limit } = params as RequestParams<'getSteps'>;
        const p = this.data.prompts[promptId] ?? notFound(`prompt ${promptId}`);
        let unpacker = this.unpackers.get(promptId);
        if (!unpacker) {
          unpacker = new RowUnpacker(p.rows);
          this.unpackers.set(promptId, unpacker);
        }
        const total = unpacker.count;
        const start = Math.max(0, Math.min(offset, total));
        const end = Math.min(total, start + limit);
        const rows: StepRow[] = [];
        for (let i = start; i < end; i++) rows.push(unpackReportRow(unpacker, p.overview, i));
        return { promptId, offset: start, total, rows };
      }
      case 'getSession': {
        const { sessionId } = params as RequestParams<'getSession'>;
        const s = this.data.session;
        return s && s.id === sessionId ? s : notFound(`session ${sessionId}`);
      }
    }
  }
}

/** Reads the report's embedded data, or null when the page has none. */
export function embeddedReport(doc: Document = document): ReportData | null {
  const node = doc.getElementById(REPORT_DATA_ID);
  if (!node || node.getAttribute('type') !== 'application/json') return null;
  try {
    const data = JSON.parse(node.textContent ?? '') as ReportData;
    return data && data.format === 'agent-trail-report' && data.version === 1 ? data : null;
  } catch {
    return null;
  }
}

/** VS Code's messaging when the page is a webview, else the embedded report, else null. */
export function connect(): Transport | null {
  if (typeof acquireVsCodeApi === 'function') return new VsCodeTransport(acquireVsCodeApi());
  const data = embeddedReport();
  return data ? new ReportTransport(data) : null;
}

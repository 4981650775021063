// A reader's view of the store: the TrailQueries calls sent to the owner's
// query server. One keep-alive connection, a short timeout: the owner is on
// this machine and answers from memory, so slowness means it is gone or stuck.
import http from 'node:http';
import type {
  FileSummary,
  FileTouchView,
  PromptDetails,
  PromptStep,
  PromptSummary,
  SessionSummary,
} from '../model/views';
import { paramsOf, QUERY_PATH, type QueryErrorCode, type QueryMethod } from './queryProtocol';
import type { FileQuery, PromptQuery, TrailQueries } from './trailQueries';
import type { OwnerStatus } from './trailState';

export interface QueryEndpoint {
  readonly host: string;
  readonly port: number;
  readonly secret: string;
}

/**
 * Why a call failed. `unreachable`: the connection was refused (nothing listens:
 * the owner is gone); `network`: another socket error (a reset); `timeout`: no
 * answer in time; `http`: the owner answered with an error.
 */
export class QueryRequestError extends Error {
  constructor(
    readonly kind: 'unreachable' | 'network' | 'timeout' | 'http' | 'protocol',
    message: string,
    readonly status?: number,
    readonly code?: QueryErrorCode,
  ) {
    super(message);
    this.name = 'QueryRequestError';
  }
}

export interface RemoteTrailQueriesOptions {
  readonly timeoutMs?: number;
  /** Larger answers are refused (a runaway or foreign server). */
  readonly maxResponseBytes?: number;
}

export class RemoteTrailQueries implements TrailQueries {
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
  private readonly timeoutMs: number;
  private readonly maxResponseBytes: number;

  constructor(
    readonly endpoint: QueryEndpoint,
    options: RemoteTrailQueriesOptions = {},
  ) {
    this.timeoutMs = options.timeoutMs ?? 5_000;
    this.maxResponseBytes = options.maxResponseBytes ?? 256 * 1024 * 1024;
  }

  listSessions(): Promise<readonly SessionSummary[]> {
    return this.call('listSessions');
  }

  listPrompts(query?: PromptQuery): Promise<readonly PromptSummary[]> {
    return this.call('listPrompts', paramsOf.listPrompts(query));
  }

  promptDetails(promptId: string): Promise<PromptDetails | null> {
    return this.call('promptDetails', paramsOf.promptId(promptId));
  }

  promptSteps(promptId: string): Promise<readonly PromptStep[]> {
    return this.call('promptSteps', paramsOf.promptId(promptId));
  }

  filesTouched(query?: FileQuery): Promise<readonly FileSummary[]> {
    return this.call('filesTouched', paramsOf.filesTouched(query));
  }

  touchesForFile(path: string): Promise<readonly FileTouchView[]> {
    return this.call('touchesForFile', paramsOf.path(path));
  }

  dataVersion(): Promise<number> {
    return this.call('dataVersion');
  }

  /** Who the owner is, its data version and its listener: what a reader polls. */
  ownerInfo(timeoutMs?: number): Promise<OwnerStatus> {
    return this.call('ownerInfo', {}, timeoutMs);
  }

  pauseListening(): Promise<void> {
    return this.call('pauseListening');
  }

  resumeListening(): Promise<void> {
    return this.call('resumeListening');
  }

  clearData(): Promise<void> {
    return this.call('clearData', {}, 30_000);
  }

  dispose(): void {
    this.agent.destroy();
  }

  /** One call; the result is trusted to have the method's shape (the owner runs this same code). */
  call<T>(method: QueryMethod, params: Readonly<Record<string, unknown>> = {}, timeoutMs = this.timeoutMs): Promise<T> {
    const body = Buffer.from(JSON.stringify({ method, params }));
    const { host, port, secret } = this.endpoint;
    return new Promise<T>((resolve, reject) => {
      const req = http.request(
        {
          host,
          port,
          method: 'POST',
          path: QUERY_PATH,
          agent: this.agent,
          headers: {
            host: `${host.includes(':') ? `[${host}]` : host}:${port}`,
            'content-type': 'application/json',
            'content-length': String(body.length),
            authorization: `Bearer ${secret}`,
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          let total = 0;
          res.on('data', (c: Buffer) => {
            total += c.length;
            if (total > this.maxResponseBytes) {
              req.destroy(new QueryRequestError('protocol', `the answer to ${method} is larger than ${this.maxResponseBytes} bytes`));
              return;
            }
            chunks.push(c);
          });
          res.on('error', (err) => {
            clearTimeout(timer);
            reject(new QueryRequestError('network', `${method}: ${err.message}`));
          });
          res.on('end', () => {
            clearTimeout(timer);
            let parsed: { result?: unknown; error?: { code?: QueryErrorCode; message?: string } };
            try {
              parsed = JSON.parse(Buffer.concat(chunks).toString('utf8')) as typeof parsed;
            } catch {
              reject(new QueryRequestError('protocol', `${method}: the owner's answer is not JSON (status ${res.statusCode})`, res.statusCode));
              return;
            }
            if (res.statusCode === 200 && parsed && 'result' in parsed) resolve(parsed.result as T);
            else {
              const e = parsed?.error;
              reject(new QueryRequestError('http', `${method}: ${e?.message ?? `status ${res.statusCode}`}`, res.statusCode, e?.code));
            }
          });
        },
      );
      const timer = setTimeout(() => req.destroy(new QueryRequestError('timeout', `${method}: no answer within ${timeoutMs} ms`)), timeoutMs);
      req.on('error', (err: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        if (err instanceof QueryRequestError) reject(err);
        else if (err.code === 'ECONNREFUSED') reject(new QueryRequestError('unreachable', `${method}: nothing listens on ${host}:${port}`));
        else reject(new QueryRequestError('network', `${method}: ${err.message}`));
      });
      req.end(body);
    });
  }
}

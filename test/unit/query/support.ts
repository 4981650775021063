// Shared by the query tests: a plain HTTP client (no keep-alive surprises), temp
// data dirs, and a canned backend answering every TrailQueries method.
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { QueryBackend } from '../../../src/core/query/queryProtocol';
import type { TrailQueries } from '../../../src/core/query/trailQueries';
import type { OwnerStatus } from '../../../src/core/query/trailState';

export const FIXTURES = path.resolve(__dirname, '../../fixtures');

export function tempDir(prefix = 'agent-trail-query-'): { dir: string; remove(): void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

export interface Answer {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly json: unknown;
}

export function post(port: number, pathName: string, body: string | Buffer, headers: Record<string, string> = {}, method = 'POST'): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, method, path: pathName, agent: false, headers: { 'content-type': 'application/json', ...headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown;
          try {
            json = text ? JSON.parse(text) : undefined;
          } catch {
            json = text;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, json });
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** Calls recorded by the canned backend, to check params arrive as sent. */
export interface Call {
  readonly method: string;
  readonly args: readonly unknown[];
}

export function cannedBackend(): { backend: QueryBackend; calls: Call[] } {
  const calls: Call[] = [];
  const rec = <T>(method: string, args: unknown[], result: T): Promise<T> => {
    calls.push({ method, args });
    return Promise.resolve(result);
  };
  const queries: TrailQueries = {
    listSessions: () => rec('listSessions', [], [{ id: 's1' } as never]),
    listPrompts: (q) => rec('listPrompts', [q], [{ id: 'p1' } as never]),
    promptDetails: (id) => rec('promptDetails', [id], id === 'missing' ? null : ({ id, steps: [] } as never)),
    promptSteps: (id) => rec('promptSteps', [id], [{ kind: 'event', key: id } as never]),
    filesTouched: (q) => rec('filesTouched', [q], [{ path: '/w/a.ts' } as never]),
    touchesForFile: (p) => rec('touchesForFile', [p], [{ path: p } as never]),
    dataVersion: () => rec('dataVersion', [], 42),
  };
  const status: OwnerStatus = { pid: 1, hostname: 'h', startedAtMs: 5, token: 't', dataVersion: 42, listener: { kind: 'paused' } };
  const backend: QueryBackend = {
    queries,
    ownerStatus: () => {
      calls.push({ method: 'ownerInfo', args: [] });
      return status;
    },
    pauseListening: () => rec('pauseListening', [], undefined),
    resumeListening: () => rec('resumeListening', [], undefined),
    clearData: () => rec('clearData', [], undefined),
  };
  return { backend, calls };
}

// Reads OTLP export requests from files, as `agent-trail import` takes them:
// - a JSON request body as captured (`{"resourceLogs":[...]}`, ...),
// - a protobuf request body (`*.pb`, optionally gzip: `*.pb.gz`); its signal comes
//   from the file name (logs / metrics / traces) or from the caller,
// - JSON lines as written by the OpenTelemetry Collector's file exporter (one
//   export request per line, any signal).
// A folder is read file by file in name order (a capture folder replays in
// arrival order); files that are not OTLP bodies (headers, ground truth) are skipped.

import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { Encoding } from '../otlp/sink';
import type { Signal } from '../otlp/types';

export interface OtlpBody {
  readonly source: string;
  readonly signal: Signal;
  readonly encoding: Encoding;
  readonly body: Uint8Array;
}

export class ImportError extends Error {
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(`${file}: ${message}`);
    this.name = 'ImportError';
  }
}

const SIGNAL_KEYS: ReadonlyArray<readonly [string, Signal]> = [
  ['resourceLogs', 'logs'],
  ['resourceSpans', 'traces'],
  ['resourceMetrics', 'metrics'],
];

/** Files in capture folders that are not request bodies. */
const NOT_A_BODY = /(\.headers\.json|\.decoded\.json|^scenario\.json|^run\.json|^command\.txt|\.md)$/;

/** Up to this size a file is read whole; larger JSON-lines files are streamed. */
const MAX_BODY_FILE_BYTES = 256 * 1024 * 1024;

function signalFromName(file: string): Signal | undefined {
  const m = /(?:^|[^a-z])(logs|metrics|traces)(?:[^a-z]|$)/i.exec(path.basename(file));
  return m ? (m[1].toLowerCase() as Signal) : undefined;
}

function signalOfJson(value: unknown): Signal | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  for (const [key, signal] of SIGNAL_KEYS) if (key in value) return signal;
  return undefined;
}

const isGzip = (b: Uint8Array): boolean => b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b;

function* jsonLines(file: string, text: string): Generator<OtlpBody> {
  let lineNo = 0;
  for (const line of text.split('\n')) {
    lineNo++;
    if (line.trim() === '') continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      throw new ImportError(file, `line ${lineNo} is not JSON`);
    }
    const signal = signalOfJson(parsed);
    if (!signal) throw new ImportError(file, `line ${lineNo} is not an OTLP export request (no resourceLogs, resourceSpans or resourceMetrics)`);
    yield { source: `${file}:${lineNo}`, signal, encoding: 'json', body: Buffer.from(line, 'utf8') };
  }
}

/** The bodies of one file. `signalHint` decides for protobuf files whose name does not say. */
export async function readOtlpFile(file: string, signalHint?: Signal): Promise<OtlpBody[]> {
  const stat = await fsp.stat(file);
  if (stat.size > MAX_BODY_FILE_BYTES) throw new ImportError(file, `larger than ${MAX_BODY_FILE_BYTES} bytes`);
  let bytes: Uint8Array = await fsp.readFile(file);
  if (isGzip(bytes)) {
    try {
      bytes = gunzipSync(bytes, { maxOutputLength: MAX_BODY_FILE_BYTES });
    } catch (err) {
      throw new ImportError(file, `gzip data does not inflate: ${(err as Error).message}`);
    }
  }
  const name = path.basename(file).replace(/\.gz$/, '');
  if (/\.(pb|bin|protobuf)$/i.test(name)) {
    const signal = signalHint ?? signalFromName(name);
    if (!signal) throw new ImportError(file, 'a protobuf body needs its signal: name the file *logs*, *metrics* or *traces*, or pass --signal');
    return [{ source: file, signal, encoding: 'protobuf', body: bytes }];
  }
  const text = Buffer.from(bytes).toString('utf8');
  const trimmed = text.trim();
  if (trimmed === '') return [];
  // One JSON document, or JSON lines (the Collector's file exporter).
  try {
    const parsed: unknown = JSON.parse(trimmed);
    const signal = signalOfJson(parsed) ?? signalHint ?? signalFromName(name);
    if (!signal) throw new ImportError(file, 'not an OTLP export request (no resourceLogs, resourceSpans or resourceMetrics)');
    return [{ source: file, signal, encoding: 'json', body: bytes }];
  } catch (err) {
    if (err instanceof ImportError) throw err;
    if (!trimmed.includes('\n')) throw new ImportError(file, 'neither JSON, JSON lines nor a protobuf body (*.pb)');
    return [...jsonLines(file, text)];
  }
}

/** Expands folders (recursively, in name order) into the files to import. */
export async function listImportFiles(paths: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  const visit = async (p: string): Promise<void> => {
    let stat: fs.Stats;
    try {
      stat = await fsp.stat(p);
    } catch {
      throw new ImportError(p, 'no such file or folder');
    }
    if (stat.isDirectory()) {
      const names = (await fsp.readdir(p)).sort();
      for (const n of names) {
        if (n === 'meta' || n.startsWith('.')) continue;
        const child = path.join(p, n);
        const s = await fsp.stat(child);
        if (s.isDirectory()) await visit(child);
        else if (!NOT_A_BODY.test(n) && /\.(json|jsonl|ndjson|pb|bin|protobuf)(\.gz)?$/i.test(n)) out.push(child);
      }
    } else out.push(p);
  };
  for (const p of paths) await visit(p);
  return out;
}

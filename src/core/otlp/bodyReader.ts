// Reads a request body and undoes its Content-Encoding, never holding more than
// the size limit: the wire body is capped while it arrives, and the inflated body
// is capped while it inflates, so a gzip bomb stops at the limit.
import type { IncomingMessage } from 'node:http';
import zlib from 'node:zlib';

export type ContentCoding = 'identity' | 'gzip' | 'deflate';

export class BodyTooLargeError extends Error {
  constructor(
    readonly limit: number,
    /** 'wire': as sent; 'decompressed': after undoing Content-Encoding. */
    readonly stage: 'wire' | 'decompressed',
    /** Bytes seen when reading stopped (declared length for an early refusal). */
    readonly bytesSeen: number,
  ) {
    super(`the ${stage === 'wire' ? 'request body' : 'decompressed request body'} exceeds the limit of ${limit} bytes`);
    this.name = 'BodyTooLargeError';
  }
}

/** The compressed body is corrupt or truncated (the listener answers 400). */
export class BodyEncodingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BodyEncodingError';
  }
}

/** The client went away before the body was complete: there is nobody to answer. */
export class ClientAbortedError extends Error {
  constructor() {
    super('the client closed the connection before the body was complete');
    this.name = 'ClientAbortedError';
  }
}

/** undefined for a coding we do not speak (the listener answers 415). */
export function parseContentEncoding(header: string | undefined): ContentCoding | undefined {
  if (header === undefined) return 'identity';
  const value = header.trim().toLowerCase();
  if (value === '' || value === 'identity') return 'identity';
  if (value === 'gzip' || value === 'x-gzip') return 'gzip';
  if (value === 'deflate') return 'deflate';
  return undefined;
}

/** Content-Length as a number; undefined when absent (chunked) or malformed (Node refuses those). */
export function declaredLength(req: IncomingMessage): number | undefined {
  const v = req.headers['content-length'];
  if (v === undefined || !/^\d+$/.test(v)) return undefined;
  return Number(v);
}

export interface WireBody {
  readonly body: Buffer;
  /** Bytes read from the socket (what the client sent). */
  readonly wireBytes: number;
}

/**
 * Collects the body up to maxBytes. Beyond the limit it rejects at once and stops
 * keeping data; the caller answers 413 while the rest is drained or the socket closed.
 */
export function readBody(req: IncomingMessage, maxBytes: number): Promise<WireBody> {
  const declared = declaredLength(req);
  if (declared !== undefined && declared > maxBytes) return Promise.reject(new BodyTooLargeError(maxBytes, 'wire', declared));
  return new Promise<WireBody>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    let settled = false;
    const settle = (err: Error | undefined): void => {
      if (settled) return;
      settled = true;
      req.off('data', onData);
      if (err) {
        chunks.length = 0;
        reject(err);
        return;
      }
      // One copy at most: a single chunk is used as is.
      resolve({ body: chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, total), wireBytes: total });
    };
    const onData = (chunk: Buffer): void => {
      total += chunk.length;
      if (total > maxBytes) settle(new BodyTooLargeError(maxBytes, 'wire', total));
      else chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => settle(undefined));
    req.once('error', () => settle(new ClientAbortedError()));
    req.once('close', () => {
      if (!req.complete) settle(new ClientAbortedError());
    });
  });
}

export interface Decompressed {
  readonly body: Buffer;
  /** Bytes the inflater produced; for a refused body, how far it got before stopping. */
  readonly inflatedBytes: number;
}

/** Inflater output granularity: how far past the limit a bomb can get before it is stopped. */
const INFLATE_CHUNK = 64 * 1024;

/** zlib-wrapped deflate starts with a CMF/FLG pair whose 16-bit value is a multiple of 31. */
function looksZlibWrapped(body: Buffer): boolean {
  const cmf = body[0];
  const flg = body[1];
  return cmf !== undefined && flg !== undefined && (cmf & 0x0f) === 8 && ((cmf << 8) | flg) % 31 === 0;
}

/**
 * Undoes gzip or deflate with a streaming inflater that is destroyed as soon as its
 * output crosses maxBytes. `deflate` is tolerated both zlib-wrapped (as HTTP says)
 * and raw (as some clients send it).
 */
export function decompress(body: Buffer, coding: ContentCoding, maxBytes: number): Promise<Decompressed> {
  if (coding === 'identity') return Promise.resolve({ body, inflatedBytes: body.length });
  const options: zlib.ZlibOptions = { chunkSize: INFLATE_CHUNK };
  const inflater =
    coding === 'gzip'
      ? zlib.createGunzip(options)
      : looksZlibWrapped(body)
        ? zlib.createInflate(options)
        : zlib.createInflateRaw(options);
  return new Promise<Decompressed>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    let settled = false;
    inflater.on('data', (chunk: Buffer) => {
      if (settled) return;
      total += chunk.length;
      if (total > maxBytes) {
        settled = true;
        chunks.length = 0;
        inflater.destroy();
        reject(new BodyTooLargeError(maxBytes, 'decompressed', total));
        return;
      }
      chunks.push(chunk);
    });
    inflater.on('end', () => {
      if (settled) return;
      settled = true;
      resolve({ body: chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, total), inflatedBytes: total });
    });
    inflater.on('error', (err: Error) => {
      if (settled) return;
      settled = true;
      reject(new BodyEncodingError(`the ${coding} body does not inflate: ${err.message}`));
    });
    inflater.end(body);
  });
}

// Shared by the gRPC tests: a listener on a free port, a grpc-js client that sends
// prepared message bytes as they are (pass-through serializer), and a raw HTTP/2
// client that sends a gRPC frame byte for byte (for captured gzip frames and for
// frames grpc-js would never produce).
import * as grpc from '@grpc/grpc-js';
import http2 from 'node:http2';
import { GrpcListener, GRPC_EXPORT_PATHS, type GrpcListenerOptions } from '../../../src/core/otlp/grpcReceiver';
import type { TelemetrySink } from '../../../src/core/otlp/sink';
import type { Signal } from '../../../src/core/otlp/types';

export async function startGrpcListener(
  sink: TelemetrySink,
  options: Partial<GrpcListenerOptions> = {},
): Promise<{ listener: GrpcListener; port: number; url: string }> {
  const listener = new GrpcListener(sink, { port: 0, ...options });
  const address = await listener.start();
  return { listener, port: address.port, url: address.url };
}

const passthrough = (b: Buffer): Buffer => b;

/** A client for the three Export methods (and any other path) that sends and returns raw message bytes. */
export class RawGrpcClient {
  private readonly client: grpc.Client;

  constructor(
    port: number,
    options: grpc.ChannelOptions = {},
    host = '127.0.0.1',
  ) {
    this.client = new grpc.Client(`${host}:${port}`, grpc.credentials.createInsecure(), options);
  }

  /** Resolves with the response bytes, or with the ServiceError (never rejects). */
  call(
    pathOrSignal: Signal | string,
    body: Buffer,
    metadata: grpc.Metadata = new grpc.Metadata(),
    options: grpc.CallOptions = {},
  ): Promise<{ error: grpc.ServiceError | null; response: Buffer | undefined }> {
    const path = pathOrSignal in GRPC_EXPORT_PATHS ? GRPC_EXPORT_PATHS[pathOrSignal as Signal] : pathOrSignal;
    return new Promise((resolve) => {
      this.client.makeUnaryRequest(path, passthrough, passthrough, body, metadata, options, (error, response) =>
        resolve({ error: error ?? null, response }),
      );
    });
  }

  close(): void {
    this.client.close();
  }
}

export function bearer(token: string): grpc.Metadata {
  const m = new grpc.Metadata();
  m.set('authorization', `Bearer ${token}`);
  return m;
}

export interface RawH2Result {
  readonly httpStatus: number;
  readonly grpcStatus: number | undefined;
  readonly grpcMessage: string;
  /** Response messages without their 5-byte frame headers. */
  readonly messages: Buffer[];
  readonly trailers: http2.IncomingHttpHeaders;
}

/** `[flag][uint32 length][bytes]`: one gRPC length-prefixed message. */
export function grpcFrame(bytes: Buffer, compressed: boolean): Buffer {
  const head = Buffer.alloc(5);
  head.writeUInt8(compressed ? 1 : 0, 0);
  head.writeUInt32BE(bytes.length, 1);
  return Buffer.concat([head, bytes]);
}

/** One gRPC call over a fresh HTTP/2 session, bytes exactly as given. */
export function rawH2Call(port: number, path: string, frame: Buffer, headers: http2.OutgoingHttpHeaders = {}): Promise<RawH2Result> {
  return new Promise((resolve, reject) => {
    const session = http2.connect(`http://127.0.0.1:${port}`);
    session.on('error', reject);
    const stream = session.request({
      ':method': 'POST',
      ':path': path,
      'content-type': 'application/grpc',
      te: 'trailers',
      ...headers,
    });
    let httpStatus = 0;
    let head: http2.IncomingHttpHeaders = {};
    let trailers: http2.IncomingHttpHeaders = {};
    const chunks: Buffer[] = [];
    stream.on('response', (h) => {
      httpStatus = Number(h[':status']);
      head = h;
    });
    stream.on('trailers', (t) => (trailers = t));
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('error', reject);
    stream.on('close', () => {
      session.close();
      // A trailers-only answer carries grpc-status in the headers.
      const all = { ...head, ...trailers };
      const data = Buffer.concat(chunks);
      const messages: Buffer[] = [];
      for (let off = 0; off + 5 <= data.length; ) {
        const len = data.readUInt32BE(off + 1);
        messages.push(data.subarray(off + 5, off + 5 + len));
        off += 5 + len;
      }
      const status = all['grpc-status'];
      resolve({
        httpStatus,
        grpcStatus: status === undefined ? undefined : Number(status),
        grpcMessage: decodeURIComponent(String(all['grpc-message'] ?? '')),
        messages,
        trailers: all,
      });
    });
    stream.end(frame);
  });
}

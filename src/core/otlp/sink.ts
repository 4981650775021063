// The boundary between the listener and whatever keeps the data. The listener
// awaits the verdict before answering: a 200 promises the sink has the batch.
import type { DecodedBatch, Signal } from './types';

export type Transport = 'http' | 'grpc';

/** Body encoding of an OTLP request (and of its reply). */
export type Encoding = 'json' | 'protobuf';

export interface ReceivedRequest {
  readonly signal: Signal;
  readonly transport: Transport;
  readonly encoding: Encoding;
  /** The body after decompression, byte for byte as sent. */
  readonly body: Uint8Array;
  readonly batch: DecodedBatch;
  readonly receivedAtMs: number;
}

export type SinkVerdict =
  | { readonly kind: 'stored' }
  | { readonly kind: 'busy'; readonly retryAfterSeconds: number; readonly reason: string };

export interface TelemetrySink {
  /** Resolves once the request is kept ('stored') or refused for now ('busy', the client retries). */
  accept(request: ReceivedRequest): Promise<SinkVerdict>;
}

export const STORED: SinkVerdict = Object.freeze({ kind: 'stored' });

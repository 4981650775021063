// gRPC status codes and the rich error details OTLP/gRPC uses (google.rpc.Status in
// the `grpc-status-details-bin` trailer). Only what the receiver needs: a
// RetryInfo detail telling a throttled client when to come back (OTLP spec,
// "OTLP/gRPC Throttling"). The messages are tiny, so they are written by hand
// instead of loading google/rpc/error_details.proto.
import { Reader, Writer } from 'protobufjs/light';
import { STATUS_TYPE } from './protoSchema';

/** The gRPC status codes the receiver sends (a subset of google.rpc.Code). */
export const GrpcCode = {
  OK: 0,
  CANCELLED: 1,
  UNKNOWN: 2,
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  UNAUTHENTICATED: 16,
} as const;

export type GrpcCodeValue = (typeof GrpcCode)[keyof typeof GrpcCode];

const NAMES = new Map<number, string>(Object.entries(GrpcCode).map(([name, code]) => [code, name]));

/** `UNAVAILABLE` for 14; `CODE_<n>` for codes the receiver never sends. */
export function grpcCodeName(code: number): string {
  return NAMES.get(code) ?? `CODE_${code}`;
}

/** Trailer that carries a binary google.rpc.Status with details. */
export const STATUS_DETAILS_KEY = 'grpc-status-details-bin';

const RETRY_INFO_TYPE_URL = 'type.googleapis.com/google.rpc.RetryInfo';

/** google.rpc.RetryInfo { google.protobuf.Duration retry_delay = 1; } with Duration { int64 seconds = 1; int32 nanos = 2; }. */
function encodeRetryInfo(delayMs: number): Uint8Array {
  const ms = Math.max(0, Math.round(delayMs));
  const seconds = Math.floor(ms / 1000);
  const nanos = (ms % 1000) * 1_000_000;
  const duration = Writer.create();
  if (seconds !== 0) duration.uint32(8).int64(seconds);
  if (nanos !== 0) duration.uint32(16).int32(nanos);
  return Writer.create().uint32(10).bytes(duration.finish()).finish();
}

/** A google.rpc.Status with a RetryInfo detail, for the `grpc-status-details-bin` trailer. */
export function statusWithRetryInfo(code: number, message: string, retryAfterMs: number): Buffer {
  const status = STATUS_TYPE.fromObject({ code, message, details: [{ type_url: RETRY_INFO_TYPE_URL, value: encodeRetryInfo(retryAfterMs) }] });
  return Buffer.from(STATUS_TYPE.encode(status).finish());
}

export interface StatusDetails {
  readonly code: number;
  readonly message: string;
  /** From a RetryInfo detail, when there is one. */
  readonly retryDelayMs: number | undefined;
}

function decodeDurationMs(bytes: Uint8Array): number {
  const r = Reader.create(bytes);
  let seconds = 0;
  let nanos = 0;
  while (r.pos < r.len) {
    const tag = r.uint32();
    if (tag >>> 3 === 1) seconds = Number(r.int64().toString());
    else if (tag >>> 3 === 2) nanos = r.int32();
    else r.skipType(tag & 7);
  }
  return seconds * 1000 + nanos / 1_000_000;
}

/** Reads a `grpc-status-details-bin` value (for clients and tests). */
export function decodeStatusDetails(bytes: Uint8Array): StatusDetails {
  const status = STATUS_TYPE.toObject(STATUS_TYPE.decode(bytes), { defaults: true }) as {
    code: number;
    message: string;
    details: Array<{ type_url: string; value: Uint8Array }>;
  };
  let retryDelayMs: number | undefined;
  for (const d of status.details) {
    if (d.type_url !== RETRY_INFO_TYPE_URL) continue;
    const r = Reader.create(d.value);
    while (r.pos < r.len) {
      const tag = r.uint32();
      if (tag >>> 3 === 1) retryDelayMs = decodeDurationMs(r.bytes());
      else r.skipType(tag & 7);
    }
  }
  return { code: status.code, message: status.message, retryDelayMs };
}

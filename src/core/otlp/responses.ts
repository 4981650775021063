// OTLP/HTTP reply bodies, in the request's encoding (OTLP spec, "OTLP/HTTP Response"):
// an Export*ServiceResponse on success, with partial_success only when records
// were refused; a google.rpc.Status on every failure.
import { CONTENT_TYPES } from './routing';
import { SIGNAL_TYPES, STATUS_TYPE } from './protoSchema';
import type { Encoding } from './sink';
import type { Signal } from './types';

export interface HttpReply {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
}

/** The ExportXPartialSuccess field that counts refused records, per signal. */
const REJECTED_FIELD: Readonly<Record<Signal, string>> = {
  logs: 'rejectedLogRecords',
  metrics: 'rejectedDataPoints',
  traces: 'rejectedSpans',
};

/** google.rpc.Code for each HTTP status we send (as grpc-gateway maps them). */
const RPC_CODES: Readonly<Record<number, number>> = {
  400: 3, // INVALID_ARGUMENT
  401: 16, // UNAUTHENTICATED
  403: 7, // PERMISSION_DENIED
  404: 5, // NOT_FOUND
  405: 12, // UNIMPLEMENTED
  408: 4, // DEADLINE_EXCEEDED
  413: 8, // RESOURCE_EXHAUSTED
  415: 3, // INVALID_ARGUMENT
  429: 8, // RESOURCE_EXHAUSTED
  500: 13, // INTERNAL
  503: 14, // UNAVAILABLE
};

const EMPTY_JSON = Buffer.from('{}');
const EMPTY = Buffer.alloc(0);

function reply(status: number, encoding: Encoding, body: Buffer, extra?: Readonly<Record<string, string>>): HttpReply {
  return { status, headers: { 'content-type': CONTENT_TYPES[encoding], ...extra }, body };
}

/** 200 with an empty response, or with partialSuccess when the decoder refused records. */
export function exportReply(signal: Signal, encoding: Encoding, rejected: number, errorMessage: string): HttpReply {
  if (rejected <= 0) return reply(200, encoding, encoding === 'json' ? EMPTY_JSON : EMPTY);
  const partialSuccess = { [REJECTED_FIELD[signal]]: rejected, errorMessage };
  if (encoding === 'json') {
    // int64 fields are decimal strings in OTLP/JSON.
    const json = { partialSuccess: { [REJECTED_FIELD[signal]]: String(rejected), errorMessage } };
    return reply(200, encoding, Buffer.from(JSON.stringify(json)));
  }
  const type = SIGNAL_TYPES[signal].response;
  return reply(200, encoding, Buffer.from(type.encode(type.fromObject({ partialSuccess })).finish()));
}

/** A failure reply: the HTTP status and a google.rpc.Status carrying `message`. */
export function statusReply(
  status: number,
  encoding: Encoding,
  message: string,
  extra?: Readonly<Record<string, string>>,
): HttpReply {
  const code = RPC_CODES[status] ?? 2; // UNKNOWN
  if (encoding === 'json') return reply(status, encoding, Buffer.from(JSON.stringify({ code, message })), extra);
  return reply(status, encoding, Buffer.from(STATUS_TYPE.encode(STATUS_TYPE.fromObject({ code, message })).finish()), extra);
}

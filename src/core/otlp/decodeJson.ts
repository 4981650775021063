// OTLP/JSON request bodies → the internal shape. JSON.parse does the parsing;
// ./normalize.ts applies the OTLP JSON mapping and the agents' deviations.

import { DEFAULT_LIMITS, normalizeRequest, type NormalizeLimits } from './normalize';
import { OtlpDecodeError, type DecodedBatch, type Signal } from './types';

const utf8 = new TextDecoder('utf-8', { fatal: true });

export function decodeJson(signal: Signal, body: Uint8Array, limits: NormalizeLimits = DEFAULT_LIMITS): DecodedBatch {
  let text: string;
  try {
    text = utf8.decode(body);
  } catch {
    throw new OtlpDecodeError('the JSON body is not valid UTF-8');
  }
  if (text.trim() === '') return normalizeRequest(signal, {}, limits);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new OtlpDecodeError(`the JSON body does not parse: ${(err as Error).message.slice(0, 200)}`);
  }
  return normalizeRequest(signal, parsed, limits);
}

// Which signal a request path names and which encoding a Content-Type names.
import type { Encoding } from './sink';
import type { Signal } from './types';

/**
 * `/v1/logs`, `/v1/metrics`, `/v1/traces`, also behind any prefix
 * (`/collector/v1/logs`, `//v1/logs`): agents that take a base URL keep its path.
 */
const SIGNAL_PATH = /^(?:\/.*)?\/v1\/(logs|metrics|traces)\/?$/;

export function signalForPath(url: string | undefined): Signal | undefined {
  if (!url) return undefined;
  const q = url.search(/[?#]/);
  const path = q === -1 ? url : url.slice(0, q);
  const m = SIGNAL_PATH.exec(path);
  return m ? (m[1] as Signal) : undefined;
}

export const CONTENT_TYPES: Readonly<Record<Encoding, string>> = {
  json: 'application/json',
  protobuf: 'application/x-protobuf',
};

/** Parameters (`; charset=utf-8`) and case are ignored; undefined for anything else. */
export function encodingForContentType(header: string | undefined): Encoding | undefined {
  if (!header) return undefined;
  const semi = header.indexOf(';');
  const type = (semi === -1 ? header : header.slice(0, semi)).trim().toLowerCase();
  if (type === CONTENT_TYPES.json) return 'json';
  if (type === CONTENT_TYPES.protobuf) return 'protobuf';
  return undefined;
}

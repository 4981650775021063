// Who may write: only local, non-browser clients. A browser page (any Origin) and
// DNS rebinding (a foreign name in Host that resolves to 127.0.0.1) are refused,
// and an optional bearer token is compared in constant time.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { isIP } from 'node:net';

/** 127.0.0.0/8 or ::1 as an IP literal, or the name localhost. */
export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase();
  if (h === 'localhost') return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  if (isIP(h) === 6) return h === '::1' || h === '0:0:0:0:0:0:0:1';
  return false;
}

/** The host part of a Host header: `127.0.0.1:4318` → `127.0.0.1`, `[::1]:4318` → `::1`. */
export function hostOfHeader(value: string): string | undefined {
  const v = value.trim();
  const bracketed = /^\[([^\]]+)\](?::\d{1,5})?$/.exec(v);
  if (bracketed) return bracketed[1];
  const plain = /^([^:[\]]+)(?::\d{1,5})?$/.exec(v);
  return plain ? plain[1] : undefined;
}

/** Why a request must be refused with 403, or undefined when it may proceed. */
export function refusalReason(headers: IncomingHttpHeaders): string | undefined {
  if (headers.origin !== undefined) return 'requests from web pages (with an Origin header) are not accepted';
  const host = headers.host;
  if (host === undefined) return 'a Host header naming a loopback address is required';
  const name = hostOfHeader(host);
  if (name === undefined || !isLoopbackHost(name)) return `Host ${JSON.stringify(host.slice(0, 100))} is not a loopback address`;
  return undefined;
}

const digest = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();

/** Holds a token and checks `Authorization: Bearer <token>` without leaking timing. */
export class BearerToken {
  private readonly expected: Buffer;

  constructor(token: string) {
    this.expected = digest(token);
  }

  matches(authorization: string | undefined): boolean {
    const m = authorization === undefined ? null : /^\s*bearer\s+(\S+)\s*$/i.exec(authorization);
    // Hash both sides so the comparison takes the same time whatever the lengths.
    const given = digest(m ? (m[1] as string) : '');
    return timingSafeEqual(given, this.expected) && m !== null;
  }
}

// When to retry a forwarded request and how long to wait (OTLP spec, "OTLP/HTTP
// Throttling" and "Retryable Response Codes"): 429, 502, 503 and 504 are retried,
// honouring Retry-After; every other 4xx/5xx is final. Network errors (refused,
// reset, timed out) are retried: that is the upstream being down.

/** Status codes the OTLP spec says a client retries. */
const RETRYABLE = new Set([429, 502, 503, 504]);

export function isRetryableStatus(status: number): boolean {
  return RETRYABLE.has(status);
}

export interface BackoffOptions {
  /** First delay. */
  readonly initialMs: number;
  /** Cap of the exponential growth. */
  readonly maxMs: number;
}

/**
 * Exponential backoff with "equal jitter": attempt 1 waits about initialMs, each
 * further attempt doubles it up to maxMs; the delay is uniformly drawn from
 * [d/2, d] so a crowd of clients spreads out.
 */
export function backoffDelay(attempt: number, o: BackoffOptions, random: () => number = Math.random): number {
  const exp = Math.min(o.maxMs, o.initialMs * 2 ** Math.max(0, Math.min(30, attempt - 1)));
  return Math.round(exp / 2 + random() * (exp / 2));
}

/**
 * Retry-After as milliseconds: delta-seconds (`120`) or an HTTP-date. undefined
 * when absent or unreadable; never negative; capped at maxMs.
 */
export function parseRetryAfter(value: string | undefined, maxMs: number, now: number = Date.now()): number | undefined {
  if (value === undefined) return undefined;
  const v = value.trim();
  if (v === '') return undefined;
  let ms: number;
  if (/^\d+(\.\d+)?$/.test(v)) ms = Number(v) * 1000;
  else {
    const at = Date.parse(v);
    if (Number.isNaN(at)) return undefined;
    ms = at - now;
  }
  return Math.min(maxMs, Math.max(0, Math.round(ms)));
}

// Reading OTLP attributes the way agents actually send them: the same key
// arrives as a string ("33", "true"), a number or a boolean depending on the
// event and the version (TELEMETRY.md §8.6), so every read coerces.

import type { AnyValue, Attributes } from '../otlp/types';

/** A scalar as text; null for absent, empty, arrays and maps. */
export function text(attrs: Attributes, key: string): string | null {
  const v = attrs[key];
  if (typeof v === 'string') return v === '' ? null : v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return null;
}

/** The first key that has a text value: how renamed attributes are read (`tool_name ?? name`). */
export function firstText(attrs: Attributes, ...keys: readonly string[]): string | null {
  for (const k of keys) {
    const v = text(attrs, k);
    if (v !== null) return v;
  }
  return null;
}

const NUMERIC = /^\s*-?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?\s*$/;

export function num(attrs: Attributes, key: string): number | null {
  return toNumber(attrs[key]);
}

export function toNumber(v: AnyValue | undefined): number | null {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'string' && NUMERIC.test(v)) {
    const n = Number(v);
    return Number.isFinite(n) ? n : null;
  }
  return null;
}

/** A whole number (durations, counts, token numbers); fractional values are rounded. */
export function int(attrs: Attributes, key: string): number | null {
  const n = num(attrs, key);
  return n === null ? null : Math.round(n);
}

export function firstInt(attrs: Attributes, ...keys: readonly string[]): number | null {
  for (const k of keys) {
    const v = int(attrs, k);
    if (v !== null) return v;
  }
  return null;
}

export function bool(attrs: Attributes, key: string): boolean | null {
  const v = attrs[key];
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string') {
    const s = v.trim().toLowerCase();
    if (s === 'true' || s === '1') return true;
    if (s === 'false' || s === '0') return false;
    return null;
  }
  if (typeof v === 'number') return v === 1 ? true : v === 0 ? false : null;
  return null;
}

export function stringList(attrs: Attributes, key: string): string[] {
  const v = attrs[key];
  if (typeof v === 'string') return v === '' ? [] : [v];
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string' && x !== '');
  return [];
}

/** Cuts untrusted text to a length fit for display and storage. */
export function bounded(value: string | null, max: number): string | null {
  if (value === null) return null;
  return value.length <= max ? value : `${value.slice(0, max)}…`;
}

/** Parses a JSON object attribute (tool_input, tool_parameters); anything else is null. */
export function jsonObject(value: string | null, maxLength = 64 * 1024): Record<string, unknown> | null {
  if (value === null || value.length > maxLength) return null;
  const first = value.trimStart()[0];
  if (first !== '{') return null;
  try {
    const parsed: unknown = JSON.parse(value);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

// Prices for agents that report tokens but no cost (Codex, Gemini CLI, Copilot).
// An estimate is always marked as such; an agent's own figure always wins.
//
// Prices are USD per million tokens for each disjoint token bucket. Keys are
// model names after `pricingName()`; a key ending in `*` covers a family (longest
// match wins, an exact key beats any family). Users override or add entries.

import { modelGroup } from './modelName';
import type { TokenCounts } from './events';

export interface ModelPrice {
  readonly input: number;
  readonly output: number;
  readonly cacheRead: number;
  readonly cacheWrite: number;
}

export interface PriceTable {
  readonly version: string;
  readonly prices: Readonly<Record<string, ModelPrice>>;
}

export interface PriceOverrides {
  readonly version?: string;
  readonly prices: Readonly<Record<string, Partial<ModelPrice>>>;
}

const p = (input: number, output: number, cacheRead: number, cacheWrite: number): ModelPrice => ({ input, output, cacheRead, cacheWrite });

/**
 * Public list prices. Anthropic: cache write = 5-minute write (1.25 × input),
 * cache read = 0.1 × input. OpenAI and Google charge no cache-write premium, so a
 * cache write costs what input costs; their cached input is 0.1 × input.
 * Gemini thinking tokens are billed as output. The version is
 * `builtin-<year>-<month>` of the last price change: bump it whenever a price
 * changes (every estimate records the version it was priced with).
 */
export const BUILTIN_PRICE_TABLE: PriceTable = {
  version: 'builtin-2026-11',
  prices: {
    'claude-opus-4': p(15, 75, 1.5, 18.75),
    'claude-opus-4-0': p(15, 75, 1.5, 18.75),
    'claude-opus-4-1': p(15, 75, 1.5, 18.75),
    'claude-opus-4-5': p(5, 25, 0.5, 6.25),
    // Opus releases after 4.5 kept the 4.5 price.
    'claude-opus*': p(5, 25, 0.5, 6.25),
    'claude-3-opus': p(15, 75, 1.5, 18.75),
    'claude-sonnet*': p(3, 15, 0.3, 3.75),
    'claude-3-7-sonnet': p(3, 15, 0.3, 3.75),
    'claude-3-5-sonnet': p(3, 15, 0.3, 3.75),
    'claude-haiku*': p(1, 5, 0.1, 1.25),
    'claude-3-5-haiku': p(0.8, 4, 0.08, 1),
    'claude-3-haiku': p(0.25, 1.25, 0.03, 0.3),
    'gpt-5*': p(1.25, 10, 0.125, 1.25),
    // GPT-5.2 raised the price; later 5.x releases (Codex's gpt-5.5) kept it.
    'gpt-5.2*': p(1.75, 14, 0.175, 1.75),
    'gpt-5.5*': p(1.75, 14, 0.175, 1.75),
    'gpt-5-mini*': p(0.25, 2, 0.025, 0.25),
    'gpt-5-nano*': p(0.05, 0.4, 0.005, 0.05),
    'gpt-5.1-codex-mini*': p(0.25, 2, 0.025, 0.25),
    'gpt-4.1*': p(2, 8, 0.5, 2),
    'gpt-4.1-mini*': p(0.4, 1.6, 0.1, 0.4),
    'gpt-4o*': p(2.5, 10, 1.25, 2.5),
    'o3*': p(2, 8, 0.5, 2),
    'o4-mini*': p(1.1, 4.4, 0.275, 1.1),
    'gemini-3-pro*': p(2, 12, 0.2, 2),
    'gemini-3-flash*': p(0.5, 3, 0.05, 0.5),
    // Gemini CLI's main and router models (gemini-3.8-flash, gemini-3.5-flash-lite).
    'gemini-3.5-flash*': p(0.5, 3, 0.05, 0.5),
    'gemini-3.5-flash-lite*': p(0.25, 1.5, 0.025, 0.25),
    'gemini-3.8-flash*': p(0.5, 3, 0.05, 0.5),
    'gemini-2.5-pro*': p(1.25, 10, 0.125, 1.25),
    'gemini-2.5-flash*': p(0.3, 2.5, 0.03, 0.3),
    'gemini-2.5-flash-lite*': p(0.1, 0.4, 0.01, 0.1),
    'gemini-2.0-flash*': p(0.1, 0.4, 0.025, 0.1),
  },
};

/**
 * The name prices are looked up by: the grouping name without provider
 * prefixes (`us.anthropic.`, `openai/`, `models/`), release dates
 * (`-20250514`, `@20250514`) and Bedrock version tags (`-v1:0`).
 */
export function pricingName(model: string): string | null {
  const group = modelGroup(model);
  if (group === null) return null;
  return group
    .replace(/^(?:[a-z]{2}\.)?anthropic\./, '')
    .replace(/^(?:anthropic|openai|google|models)\//, '')
    .replace(/-v\d+(?::\d+)?$/, '')
    .replace(/@\d{8}$/, '')
    .replace(/-\d{8}$/, '')
    .replace(/-latest$/, '');
}

export interface PriceMatch {
  readonly key: string;
  readonly price: ModelPrice;
}

export function priceFor(table: PriceTable, model: string | null): PriceMatch | null {
  if (model === null) return null;
  const name = pricingName(model);
  if (name === null) return null;
  const exact = table.prices[name];
  if (exact) return { key: name, price: exact };
  let best: PriceMatch | null = null;
  for (const [key, price] of Object.entries(table.prices)) {
    if (!key.endsWith('*')) continue;
    const prefix = key.slice(0, -1);
    if (name.startsWith(prefix) && (best === null || prefix.length > best.key.length - 1)) best = { key, price };
  }
  return best;
}

/** User entries replace or extend the table; a partial entry fills its gaps from what the table already says for that model. */
export function withOverrides(base: PriceTable, overrides: PriceOverrides): PriceTable {
  const prices: Record<string, ModelPrice> = { ...base.prices };
  for (const [key, partial] of Object.entries(overrides.prices)) {
    const fallback = base.prices[key] ?? priceFor(base, key.replace(/\*$/, ''))?.price ?? p(0, 0, 0, 0);
    prices[key] = {
      input: finiteOr(partial.input, fallback.input),
      output: finiteOr(partial.output, fallback.output),
      cacheRead: finiteOr(partial.cacheRead, fallback.cacheRead),
      cacheWrite: finiteOr(partial.cacheWrite, fallback.cacheWrite),
    };
  }
  return { version: `${base.version}+${overrides.version ?? 'user'}`, prices };
}

function finiteOr(v: number | undefined, fallback: number): number {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : fallback;
}

/** Prices are scaled to integers (4 decimals) so that sums are exact and rounding is the agents' half-up. */
const SCALE = 10_000;

/** Estimated cost of one request in integer micro-dollars (USD per million tokens = micro-dollars per token). */
export function estimateCostMicros(tokens: TokenCounts, price: ModelPrice): number {
  const scaled =
    tokens.input * Math.round(price.input * SCALE) +
    tokens.output * Math.round(price.output * SCALE) +
    tokens.cacheRead * Math.round(price.cacheRead * SCALE) +
    tokens.cacheWrite * Math.round(price.cacheWrite * SCALE);
  return Math.floor((scaled + SCALE / 2) / SCALE);
}

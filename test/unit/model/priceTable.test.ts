// The price table estimates cost where an agent sends none. Claude Code sends
// its own cost per request, which makes it the reference: priced from the
// table, every captured request must cost what Claude Code said. Claude Code
// rounds a double (cost_usd × 1e6), so when the exact price is a whole number
// of micro-dollars plus one half, its float noise may round either way.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { modelGroup } from '../../../src/core/model/modelName';
import { BUILTIN_PRICE_TABLE, estimateCostMicros, priceFor, pricingName, withOverrides } from '../../../src/core/model/priceTable';
import { loadRequests, scenarioDirs } from './scenarioSupport';

describe('price table', () => {
  test('pricing each captured Claude Code request reproduces its cost_usd_micros', () => {
    let checked = 0;
    for (const dir of scenarioDirs('claude-code')) {
      for (const { batch } of loadRequests(dir)) {
        if (batch.signal !== 'logs') continue;
        for (const r of batch.records) {
          const a = r.attributes;
          if (a['event.name'] !== 'api_request') continue;
          const price = priceFor(BUILTIN_PRICE_TABLE, String(a.model));
          assert.ok(price, `a price for ${String(a.model)}`);
          const tokens = {
            input: Number(a.input_tokens),
            output: Number(a.output_tokens),
            cacheRead: Number(a.cache_read_tokens),
            cacheWrite: Number(a.cache_creation_tokens),
          };
          const p = price.price;
          const scaled = [tokens.input * p.input, tokens.output * p.output, tokens.cacheRead * p.cacheRead, tokens.cacheWrite * p.cacheWrite]
            .map((x) => Math.round(x * 10_000))
            .reduce((x, y) => x + y, 0);
          const half = scaled % 10_000 === 5_000;
          const diff = Math.abs(estimateCostMicros(tokens, p) - Number(a.cost_usd_micros));
          assert.ok(half ? diff <= 1 : diff === 0, `${dir} ${String(a.request_id)}: off by ${diff}`);
          checked++;
        }
      }
    }
    assert.ok(checked >= 50, `${checked} requests checked`);
  });

  test('model names are normalised before lookup', () => {
    assert.equal(modelGroup('claude-opus-4-8[1m]'), 'claude-opus-4-8');
    assert.equal(modelGroup('  Claude-Opus-4-8 '), 'claude-opus-4-8');
    assert.equal(modelGroup(''), null);
    assert.equal(pricingName('claude-sonnet-4-20250514'), 'claude-sonnet-4');
    assert.equal(pricingName('us.anthropic.claude-opus-4-1-20250805-v1:0'), 'claude-opus-4-1');
    assert.equal(pricingName('claude-opus-4@20250514'), 'claude-opus-4');
    assert.equal(pricingName('models/gemini-2.5-pro'), 'gemini-2.5-pro');
  });

  test('an exact entry beats a family, and the longest family wins', () => {
    assert.equal(priceFor(BUILTIN_PRICE_TABLE, 'claude-opus-4-1')?.key, 'claude-opus-4-1');
    assert.equal(priceFor(BUILTIN_PRICE_TABLE, 'claude-opus-4-20250514')?.price.input, 15);
    assert.equal(priceFor(BUILTIN_PRICE_TABLE, 'claude-opus-4-8[1m]')?.key, 'claude-opus*');
    assert.equal(priceFor(BUILTIN_PRICE_TABLE, 'gpt-5-mini-2025-08-07')?.key, 'gpt-5-mini*');
    assert.equal(priceFor(BUILTIN_PRICE_TABLE, 'gpt-5-codex')?.key, 'gpt-5*');
    assert.equal(priceFor(BUILTIN_PRICE_TABLE, 'gemini-2.5-flash-lite')?.key, 'gemini-2.5-flash-lite*');
    assert.equal(priceFor(BUILTIN_PRICE_TABLE, 'some-unknown-model'), null);
    assert.equal(priceFor(BUILTIN_PRICE_TABLE, null), null);
  });

  test('user overrides replace or extend entries and change the version', () => {
    const table = withOverrides(BUILTIN_PRICE_TABLE, { version: 'team-2026', prices: { 'gpt-5*': { input: 1 }, 'my-local-model': { input: 0.5, output: 1 } } });
    assert.equal(table.version, `${BUILTIN_PRICE_TABLE.version}+team-2026`);
    assert.deepEqual(priceFor(table, 'gpt-5')?.price, { ...BUILTIN_PRICE_TABLE.prices['gpt-5*'], input: 1 });
    assert.deepEqual(priceFor(table, 'my-local-model')?.price, { input: 0.5, output: 1, cacheRead: 0, cacheWrite: 0 });
    // The built-in table is not changed.
    assert.equal(priceFor(BUILTIN_PRICE_TABLE, 'gpt-5')?.price.input, 1.25);
    // Nonsense values fall back to the table's.
    assert.equal(priceFor(withOverrides(BUILTIN_PRICE_TABLE, { prices: { 'gpt-5*': { input: -3 } } }), 'gpt-5')?.price.input, 1.25);
  });

  test('estimates are integer micro-dollars, rounded half up once per request', () => {
    const price = { input: 6.25, output: 0, cacheRead: 0, cacheWrite: 0 };
    assert.equal(estimateCostMicros({ input: 1, output: 0, cacheRead: 0, cacheWrite: 0 }, price), 6);
    assert.equal(estimateCostMicros({ input: 2, output: 0, cacheRead: 0, cacheWrite: 0 }, price), 13);
    assert.equal(estimateCostMicros({ input: 0, output: 0, cacheRead: 0, cacheWrite: 0 }, price), 0);
    assert.equal(estimateCostMicros({ input: 1_000_000, output: 1_000_000, cacheRead: 1_000_000, cacheWrite: 1_000_000 }, { input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75 }), 22_050_000);
  });
});

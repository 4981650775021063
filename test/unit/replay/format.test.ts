// How the replay writes money, time and counts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatCount, formatDuration, formatOffset, formatTokens, formatUsd, formatUsdExact, oneLine, plural, tokenLine } from '../../../src/core/replay/format';
import { gapBefore, MAX_GAP_MS, MIN_GAP_MS } from '../../../src/core/replay/playback';

test('money: exact micro-dollars, short amounts, estimates marked', () => {
  assert.equal(formatUsdExact(248067), '$0.248067');
  assert.equal(formatUsdExact(0), '$0.000000');
  assert.equal(formatUsdExact(1_234_567_890_123, true), '~$1,234,567.890123');
  assert.equal(formatUsdExact(-5), '-$0.000005');
  assert.equal(formatUsd(248067), '$0.2481');
  assert.equal(formatUsd(0), '$0.00');
  assert.equal(formatUsd(12_345_678_901), '$12,345.68');
  assert.equal(formatUsd(1_500_000, true), '~$1.50');
  assert.equal(formatUsd(-1_500_000), '-$1.50');
});

test('time: durations and offsets', () => {
  assert.equal(formatDuration(null), '');
  assert.equal(formatDuration(850), '850 ms');
  assert.equal(formatDuration(1234), '1.23 s');
  assert.equal(formatDuration(12_345), '12.3 s');
  assert.equal(formatDuration(125_000), '2 m 05 s');
  assert.equal(formatDuration(3_720_000), '1 h 02 m');
  assert.equal(formatOffset(null), '');
  assert.equal(formatOffset(210), '+0.210 s');
  assert.equal(formatOffset(-100), '-0.100 s');
  assert.equal(formatOffset(62_500), '+1:02.5');
  assert.equal(formatOffset(3_723_000), '+1:02:03');
});

test('counts, tokens and text', () => {
  assert.equal(formatCount(1_234_567), '1,234,567');
  assert.equal(formatCount(-1000), '-1,000');
  assert.equal(formatTokens(950), '950');
  assert.equal(formatTokens(48_733), '49k');
  assert.equal(formatTokens(4_758), '4.8k');
  assert.equal(formatTokens(1_200_000), '1.2M');
  assert.equal(plural(1, 'step'), '1 step');
  assert.equal(plural(2, 'retry', 'retries'), '2 retries');
  assert.equal(oneLine('  a\n\tb  c '), 'a b c');
  assert.equal(oneLine('x'.repeat(10), 5), 'xxxx…');
  assert.equal(tokenLine({ input: 4758, output: 82, cacheRead: 48733, cacheWrite: 22758 }), 'in 4.8k · out 82 · cache 49k read, 23k write');
  assert.equal(tokenLine({ input: 5, output: 1, cacheRead: 0, cacheWrite: 0 }), 'in 5 · out 1');
});

test('playback gaps: the recorded gap, at least MIN_GAP_MS, at most MAX_GAP_MS', () => {
  const offsets = [0, 10, 500, 60_000, null, 61_000];
  const at = (i: number): number | null => offsets[i] ?? null;
  assert.equal(gapBefore(at, 1), MIN_GAP_MS);
  assert.equal(gapBefore(at, 2), 490);
  assert.equal(gapBefore(at, 3), MAX_GAP_MS);
  assert.equal(gapBefore(at, 4), MIN_GAP_MS, 'unknown times: the minimum');
});

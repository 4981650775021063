// The status bar's figures: today's cost (estimated when any part was), and the
// agent of the latest prompt while it is recent.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { PromptSummary } from '../../../src/core/model/views';
import { ACTIVE_WINDOW_MS, formatCost, startOfDayMs, summarizeToday } from '../../../src/core/query/todaySummary';

function prompt(p: Partial<PromptSummary> & { endedAt: string }): PromptSummary {
  return { id: p.endedAt, agent: 'claude-code', costMicros: 0, costSource: 'agent', startedAt: p.endedAt, ...p } as PromptSummary;
}

const now = Date.parse('2026-11-29T12:00:00Z');

test('sums the cost; estimated when any priced part was estimated', () => {
  const s = summarizeToday(
    [
      prompt({ endedAt: '2026-11-29T09:00:00Z', costMicros: 1_250_000 }),
      prompt({ endedAt: '2026-11-29T10:00:00Z', costMicros: 30_000, agent: 'codex', costSource: 'estimated' }),
    ],
    now,
  );
  assert.equal(s.prompts, 2);
  assert.equal(s.costMicros, 1_280_000);
  assert.equal(s.estimated, true);
  assert.equal(formatCost(s.costMicros, s.estimated), '~$1.28');
});

test('the active agent is the latest prompt, for two minutes after it ended', () => {
  const latest = new Date(now - 30_000).toISOString();
  const s = summarizeToday([prompt({ endedAt: '2026-11-29T09:00:00Z' }), prompt({ endedAt: latest, agent: 'gemini-cli' })], now);
  assert.equal(s.activeAgent, 'gemini-cli');
  assert.equal(s.activeUntilMs, Date.parse(latest) + ACTIVE_WINDOW_MS);
  const later = summarizeToday([prompt({ endedAt: latest, agent: 'gemini-cli' })], Date.parse(latest) + ACTIVE_WINDOW_MS + 1);
  assert.equal(later.activeAgent, null);
  assert.equal(later.activeUntilMs, null);
});

test('nothing today: $0.00, no agent', () => {
  const s = summarizeToday([], now);
  assert.deepEqual(s, { prompts: 0, costMicros: 0, estimated: false, activeAgent: null, activeUntilMs: null, latestPromptEndMs: null });
  assert.equal(formatCost(0, false), '$0.00');
  assert.equal(formatCost(4_000, false), '$0.004');
});

test('today starts at local midnight', () => {
  const start = startOfDayMs(now);
  const d = new Date(start);
  assert.equal(d.getHours() + d.getMinutes() + d.getSeconds() + d.getMilliseconds(), 0);
  assert.ok(start <= now && now - start < 24 * 3600_000);
});

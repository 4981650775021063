import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parse } from 'jsonc-parser';
import {
  claudeCodeEnv,
  planClaudeCode,
  planCodex,
  planGeminiCli,
  SetupError,
  shellSnippet,
} from '../../../src/core/setup/agentSetup';

const endpoint = { host: '127.0.0.1', httpPort: 4318 };

describe('Claude Code settings', () => {
  test('a missing file becomes a settings file with the env block', () => {
    const plan = planClaudeCode(null, endpoint);
    assert.equal(plan.createsFile, true);
    const doc = JSON.parse(plan.newText) as { env: Record<string, string> };
    assert.equal(doc.env.OTEL_EXPORTER_OTLP_ENDPOINT, 'http://127.0.0.1:4318');
    assert.equal(doc.env.CLAUDE_CODE_ENABLE_TELEMETRY, '1');
    // the switches that make file paths and decisions visible
    assert.equal(doc.env.OTEL_LOG_TOOL_DETAILS, '1');
    assert.equal(doc.env.CLAUDE_CODE_ENHANCED_TELEMETRY_BETA, '1');
    assert.equal(plan.changes.length, Object.keys(claudeCodeEnv(endpoint)).length);
  });

  test('existing keys, other env entries and comments are preserved', () => {
    const existing = `{
  // my permissions
  "permissions": { "allow": ["Read"], "deny": ["Bash(rm:*)"] },
  "env": { "FOO": "bar", "OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318" },
  "model": "opus"
}
`;
    const plan = planClaudeCode(existing, { host: '127.0.0.1', httpPort: 5000, token: 's3cret' });
    assert.match(plan.newText, /\/\/ my permissions/);
    const doc = parse(plan.newText) as { permissions: unknown; env: Record<string, string>; model: string };
    assert.deepEqual(doc.permissions, { allow: ['Read'], deny: ['Bash(rm:*)'] });
    assert.equal(doc.model, 'opus');
    assert.equal(doc.env.FOO, 'bar');
    assert.equal(doc.env.OTEL_EXPORTER_OTLP_ENDPOINT, 'http://127.0.0.1:5000');
    assert.equal(doc.env.OTEL_EXPORTER_OTLP_HEADERS, 'Authorization=Bearer s3cret');
    const endpointChange = plan.changes.find((c) => c.key === 'env.OTEL_EXPORTER_OTLP_ENDPOINT');
    assert.deepEqual(endpointChange, { key: 'env.OTEL_EXPORTER_OTLP_ENDPOINT', before: 'http://collector:4318', after: 'http://127.0.0.1:5000' });
  });

  test('applying the plan twice changes nothing the second time', () => {
    const first = planClaudeCode('{"env":{"A":"1"}}', endpoint);
    const second = planClaudeCode(first.newText, endpoint);
    assert.deepEqual(second.changes, []);
    assert.equal(second.newText, first.newText);
  });

  test('an unparseable file is refused, not overwritten', () => {
    assert.throws(() => planClaudeCode('{"env": {', endpoint), SetupError);
    assert.throws(() => planClaudeCode('{"env": "x"}', endpoint), /not an object/);
    assert.throws(() => planClaudeCode('[1,2]', endpoint), /JSON object/);
  });
});

describe('Gemini CLI settings', () => {
  test('telemetry block merged, other settings kept', () => {
    const plan = planGeminiCli('{"theme":"Dracula","telemetry":{"enabled":false,"outfile":"/tmp/x"}}', endpoint);
    const doc = JSON.parse(plan.newText) as { theme: string; telemetry: Record<string, unknown> };
    assert.equal(doc.theme, 'Dracula');
    assert.equal(doc.telemetry.enabled, true);
    assert.equal(doc.telemetry.otlpProtocol, 'http');
    assert.equal(doc.telemetry.otlpEndpoint, 'http://127.0.0.1:4318');
    assert.equal(doc.telemetry.outfile, '/tmp/x', 'keys we do not manage are kept');
  });
});

describe('Codex config.toml', () => {
  test('an [otel] table is appended, the rest of the file untouched', () => {
    const existing = 'model = "o4"\n\n[model_providers.fake]\nbase_url = "http://x"\n';
    const plan = planCodex(existing, endpoint);
    assert.ok(plan.newText.startsWith(existing.trimEnd()));
    assert.match(plan.newText, /\n\[otel\]\n/);
    assert.match(plan.newText, /exporter = \{ otlp-http = \{ endpoint = "http:\/\/127\.0\.0\.1:4318\/v1\/logs", protocol = "binary" \} \}/);
    assert.match(plan.newText, /metrics_exporter = .*\/v1\/metrics/);
  });

  test('existing [otel] keys are replaced in place and unmanaged ones kept', () => {
    const existing = '[otel]\nenvironment = "prod"\ntrace_exporter = "none"\n\n[tui]\nnotifications = true\n';
    const plan = planCodex(existing, endpoint);
    const lines = plan.newText.split('\n');
    assert.equal(lines[0], '[otel]');
    assert.equal(lines[1], 'environment = "agent-trail"');
    assert.ok(lines.includes('trace_exporter = "none"'));
    const tui = lines.indexOf('[tui]');
    const exporter = lines.findIndex((l) => l.startsWith('exporter = '));
    assert.ok(exporter > 0 && exporter < tui, 'new keys go inside [otel], before the next table');
    assert.ok(plan.newText.includes('[tui]\nnotifications = true'));
    assert.deepEqual(planCodex(plan.newText, endpoint).changes, []);
  });

  test('an [otel.exporter] sub-table cannot be merged safely and is refused', () => {
    assert.throws(() => planCodex('[otel.exporter.otlp-http]\nendpoint = "x"\n', endpoint), SetupError);
  });
});

test('shell snippets quote values for the shell', () => {
  const s = shellSnippet('claude-code', { host: '127.0.0.1', httpPort: 4318, token: "it's" });
  assert.match(s, /export OTEL_EXPORTER_OTLP_HEADERS='Authorization=Bearer it'\\''s'/);
  assert.match(shellSnippet('codex', endpoint), /^\[otel\]\n/);
  assert.match(shellSnippet('gemini-cli', endpoint), /GEMINI_TELEMETRY_OTLP_PROTOCOL=http/);
  assert.match(shellSnippet('copilot', endpoint), /COPILOT_OTEL_ENABLED=true/);
});

// The store's schema as ordered, forward-only migrations (run by
// ./databaseFile.ts, which also refuses a database newer than it knows).
//
// Two halves:
// - Raw records: every OTLP record as received (normalised), with its resource
//   and scope deduplicated. This is the audit trail; a record's natural key is
//   UNIQUE, which is what makes a retried export a no-op.
// - The model: sessions, prompts, model requests, tool calls, file touches,
//   other steps, metric points. Derived from the raw records only; it can be
//   dropped and rebuilt from them at any time (see rebuildModel in ./ingest.ts).
//
// Model rows are merged from many records by the agent's own ids. Every column
// has one source or an order-free rule (MIN/MAX, precedence by source), so the
// final model does not depend on the order records arrive in. Cross-signal
// references (span ids, trace ids) are plain columns, not foreign keys: either
// side may arrive first.

import type { Migration } from './sqlJs';

const V1_RAW = `
CREATE TABLE resources (
  id INTEGER PRIMARY KEY,
  hash TEXT NOT NULL UNIQUE,
  attributes TEXT NOT NULL
);

CREATE TABLE scopes (
  id INTEGER PRIMARY KEY,
  hash TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  version TEXT NOT NULL,
  attributes TEXT NOT NULL
);

-- One row per log record, span or metric data point. natural_key is the record's
-- time (base 36) and a hash of its content and origin: see rawRecordRepository.ts.
-- record is the normalised record as JSON, without resource and scope (by id).
CREATE TABLE raw_records (
  id INTEGER PRIMARY KEY,
  natural_key TEXT NOT NULL UNIQUE,
  signal TEXT NOT NULL,
  agent TEXT NOT NULL,
  name TEXT,
  session_id TEXT,
  prompt_id TEXT,
  time_ms INTEGER,
  resource_id INTEGER NOT NULL REFERENCES resources(id),
  scope_id INTEGER NOT NULL REFERENCES scopes(id),
  journal_seq INTEGER NOT NULL,
  received_at_ms INTEGER NOT NULL,
  record TEXT NOT NULL
);
CREATE INDEX raw_records_session ON raw_records(session_id, time_ms);
`;

const V1_MODEL = `
CREATE TABLE sessions (
  id TEXT PRIMARY KEY,
  agent TEXT NOT NULL,
  user_id TEXT,
  user_email TEXT,
  account_id TEXT,
  organization_id TEXT,
  service_name TEXT,
  service_version TEXT,
  terminal_type TEXT,
  workspace TEXT,
  first_ms INTEGER,
  last_ms INTEGER
);
CREATE INDEX sessions_last ON sessions(last_ms);

CREATE TABLE prompts (
  id TEXT PRIMARY KEY,
  session_id TEXT,
  agent TEXT NOT NULL,
  text TEXT,
  redacted INTEGER NOT NULL DEFAULT 0,
  length INTEGER,
  command_name TEXT,
  command_source TEXT,
  prompt_ms INTEGER,
  prompt_seq INTEGER,
  first_ms INTEGER,
  last_ms INTEGER
);
CREATE INDEX prompts_session ON prompts(session_id, first_ms);
CREATE INDEX prompts_time ON prompts(first_ms);

CREATE TABLE model_requests (
  key TEXT PRIMARY KEY,
  session_id TEXT,
  prompt_id TEXT,
  agent TEXT NOT NULL,
  request_id TEXT,
  model TEXT,
  model_group TEXT,
  time_ms INTEGER,
  seq INTEGER,
  duration_ms INTEGER,
  input_tokens INTEGER,
  output_tokens INTEGER,
  cache_read_tokens INTEGER,
  cache_write_tokens INTEGER,
  cost_micros INTEGER,
  query_source TEXT,
  agent_name TEXT,
  has_event INTEGER NOT NULL DEFAULT 0,
  api_error INTEGER NOT NULL DEFAULT 0,
  error TEXT,
  status_code INTEGER,
  error_attempts INTEGER,
  span_attempts INTEGER,
  span_success INTEGER,
  span_error TEXT,
  span_status_code INTEGER,
  span_model TEXT,
  span_start_ms INTEGER,
  span_duration_ms INTEGER,
  span_input_tokens INTEGER,
  span_output_tokens INTEGER,
  span_cache_read_tokens INTEGER,
  span_cache_write_tokens INTEGER,
  agent_id TEXT,
  response_text TEXT,
  response_length INTEGER,
  response_redacted INTEGER,
  trace_id TEXT,
  context_span_id TEXT
);
CREATE INDEX model_requests_prompt ON model_requests(prompt_id, time_ms);
CREATE INDEX model_requests_session ON model_requests(session_id);

CREATE TABLE tool_calls (
  key TEXT PRIMARY KEY,
  session_id TEXT,
  prompt_id TEXT,
  agent TEXT NOT NULL,
  call_id TEXT,
  tool TEXT,
  order_ms INTEGER,
  order_seq INTEGER,
  decision TEXT,
  raw_decision TEXT,
  decision_source TEXT,
  decision_ms INTEGER,
  decision_span_id TEXT,
  result_decision TEXT,
  result_decision_source TEXT,
  success INTEGER,
  duration_ms INTEGER,
  error_type TEXT,
  error TEXT,
  result_ms INTEGER,
  has_result INTEGER NOT NULL DEFAULT 0,
  exec_success INTEGER,
  exec_duration_ms INTEGER,
  exec_error TEXT,
  exec_span_id TEXT,
  input_summary TEXT,
  decision_input TEXT,
  full_command TEXT,
  subagent_type TEXT,
  agent_id TEXT,
  span_id TEXT,
  span_start_ms INTEGER,
  span_duration_ms INTEGER,
  context_span_id TEXT,
  trace_id TEXT
);
-- Also finds the calls still waiting for a prompt (prompt_id IS NULL) after each batch.
CREATE INDEX tool_calls_prompt ON tool_calls(prompt_id, order_ms);
CREATE INDEX tool_calls_session ON tool_calls(session_id);

-- Permission waits (Claude Code tool.blocked_on_user): they name no call, only their parent tool span.
CREATE TABLE tool_waits (
  span_id TEXT PRIMARY KEY,
  session_id TEXT,
  tool_span_id TEXT,
  decision TEXT,
  raw_decision TEXT,
  source TEXT,
  wait_ms INTEGER,
  time_ms INTEGER
);
CREATE INDEX tool_waits_tool_span ON tool_waits(tool_span_id);

CREATE TABLE file_touches (
  key TEXT PRIMARY KEY,
  call_key TEXT NOT NULL,
  session_id TEXT,
  path TEXT NOT NULL,
  relative_path TEXT,
  workspace_root TEXT,
  access TEXT NOT NULL,
  time_ms INTEGER
);
CREATE INDEX file_touches_path ON file_touches(path);
CREATE INDEX file_touches_relative ON file_touches(relative_path);
CREATE INDEX file_touches_call ON file_touches(call_key);
CREATE INDEX file_touches_session ON file_touches(session_id);

-- Which prompt or tool call a span id stands for: log records name the span they
-- were emitted in, tool execution spans name their call.
CREATE TABLE span_context (
  span_id TEXT PRIMARY KEY,
  session_id TEXT,
  prompt_id TEXT,
  call_key TEXT,
  interaction_start_ms INTEGER,
  interaction_end_ms INTEGER
);
CREATE INDEX span_context_prompt ON span_context(prompt_id);

CREATE TABLE steps (
  key TEXT PRIMARY KEY,
  session_id TEXT,
  prompt_id TEXT,
  agent TEXT NOT NULL,
  kind TEXT NOT NULL,
  name TEXT NOT NULL,
  time_ms INTEGER,
  seq INTEGER,
  duration_ms INTEGER,
  success INTEGER,
  detail TEXT,
  trace_id TEXT,
  context_span_id TEXT
);
CREATE INDEX steps_prompt ON steps(prompt_id, time_ms);
CREATE INDEX steps_session ON steps(session_id, time_ms);

CREATE TABLE metric_points (
  key TEXT PRIMARY KEY,
  session_id TEXT,
  agent TEXT NOT NULL,
  name TEXT NOT NULL,
  metric TEXT NOT NULL,
  series TEXT,
  model TEXT,
  model_group TEXT,
  query_source TEXT,
  temporality TEXT NOT NULL,
  start_ms INTEGER,
  time_ms INTEGER,
  value REAL NOT NULL,
  labels TEXT
);
CREATE INDEX metric_points_session ON metric_points(session_id, metric);
CREATE INDEX metric_points_time ON metric_points(time_ms);
`;

export const MIGRATIONS: readonly Migration[] = [{ version: 1, name: 'raw records and the agent model', sql: V1_RAW + V1_MODEL }];

/** The schema version this build writes; a database above it is refused. */
export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version;

/** Tables derived from raw records; rebuildModel() empties them. Order: none references another. */
export const MODEL_TABLES: readonly string[] = [
  'sessions',
  'prompts',
  'model_requests',
  'tool_calls',
  'tool_waits',
  'file_touches',
  'span_context',
  'steps',
  'metric_points',
];

// The store's schema as ordered, forward-only migrations (run by
// ./databaseFile.ts, which also refuses a database newer than it knows).
//
// Two halves:
// - Raw records (the audit trail): every request body as received, compressed,
//   one row per ingested journal entry (raw_bodies), and one compact row per
//   record (raw_records) with its natural key. The key is the primary key,
//   which is what makes a retried export a no-op. See rawRecordRepository.ts.
// - The model: sessions, prompts, model requests, tool calls, file touches,
//   other steps, metric points. Derived from the raw records only; it can be
//   dropped and rebuilt from them at any time (see rebuildModel in ./ingest.ts).
//
// Model rows are merged from many records by the agent's own ids. Every column
// has one source or an order-free rule (MIN/MAX, precedence by source), so the
// final model does not depend on the order records arrive in. Cross-signal
// references (span ids, trace ids) are plain columns, not foreign keys: either
// side may arrive first.
//
// Version 1 was rewritten in place (raw side: compressed bodies and a compact
// key table instead of one JSON row per record; tool calls keep their edit
// text) before any release, which is simpler than a migration chain for data
// that only exists on development machines: such a database (schema version 1,
// old layout) must be deleted by hand; the next start replays what the journal
// still holds. From the first release on, every change is a new migration.

import type { Migration } from './sqlJs';

const V1_RAW = `
-- One row per ingested request (journal entry): the body as received (after HTTP
-- decompression), compressed (compression: br = brotli). encoding: json |
-- protobuf (an OTLP request body) or records (normalised records, when the
-- caller had no wire body). Bodies none of whose records were new (a retried
-- export) are not kept.
CREATE TABLE raw_bodies (
  id INTEGER PRIMARY KEY,
  journal_seq INTEGER NOT NULL,
  received_at_ms INTEGER NOT NULL,
  signal TEXT NOT NULL,
  encoding TEXT NOT NULL,
  compression TEXT NOT NULL,
  byte_length INTEGER NOT NULL,
  body BLOB NOT NULL
);

-- Text the raw index repeats on every record (agent, event name, session id,
-- prompt id), stored once: raw_records holds their ids.
CREATE TABLE raw_values (
  id INTEGER PRIMARY KEY,
  value TEXT NOT NULL UNIQUE
);

-- One row per log record, span or metric data point. key: 8 characters of the
-- record's time (ms, in an alphabet that sorts like the numbers; all '-' when it
-- has none) then 16 of a SHA-1 (base64url, 96 bits) of its signal, resource,
-- scope and content, so a time range is a key range. idx: the record's
-- position among the decoded records of its body. agent, name, session_id,
-- prompt_id: raw_values ids. No secondary index: a record costs one b-tree
-- insert; sessions are found through raw_body_sessions.
CREATE TABLE raw_records (
  key TEXT PRIMARY KEY,
  body_id INTEGER NOT NULL,
  idx INTEGER NOT NULL,
  agent INTEGER NOT NULL,
  name INTEGER,
  session_id INTEGER,
  prompt_id INTEGER
) WITHOUT ROWID;

-- Which bodies hold records of which session (0: records without one), and the
-- key range those records span: a session's records are found body by body as
-- ranges of the primary key.
CREATE TABLE raw_body_sessions (
  session_id INTEGER NOT NULL,
  body_id INTEGER NOT NULL,
  first_key TEXT NOT NULL,
  last_key TEXT NOT NULL,
  PRIMARY KEY (session_id, body_id)
) WITHOUT ROWID;
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
  trace_id TEXT,
  -- The edit's text as the agent sent it (JSON of ToolEdit), by source: result event, decision event, tool span.
  edit TEXT,
  decision_edit TEXT,
  span_edit TEXT
);
-- Also finds the calls still waiting for a prompt (prompt_id IS NULL) after each batch.
CREATE INDEX tool_calls_prompt ON tool_calls(prompt_id, order_ms);

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
) WITHOUT ROWID;
CREATE INDEX tool_waits_tool_span ON tool_waits(tool_span_id);

-- A call's touches are a range of the primary key.
CREATE TABLE file_touches (
  call_key TEXT NOT NULL,
  access TEXT NOT NULL,
  path TEXT NOT NULL,
  session_id TEXT,
  relative_path TEXT,
  workspace_root TEXT,
  time_ms INTEGER,
  PRIMARY KEY (call_key, access, path)
) WITHOUT ROWID;
-- Covering for touchesForFile (the editor asks per file): no primary-key lookup per touch.
CREATE INDEX file_touches_path ON file_touches(path, time_ms, session_id, relative_path);
CREATE INDEX file_touches_relative ON file_touches(relative_path) WHERE relative_path IS NOT NULL;
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
) WITHOUT ROWID;
-- Only interactions (a prompt's own spans) are looked up by prompt: when it ended.
CREATE INDEX span_context_prompt ON span_context(prompt_id) WHERE interaction_end_ms IS NOT NULL;

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

// Version 2: what the Codex, Gemini CLI and GenAI adapters need (model columns only; the model
// of records ingested before it can be rebuilt from the raw records).
const V2_AGENTS = `
-- The agent's working directory where it can be derived (Codex: its shell calls'
-- workdir); the earliest by (ms, seq). Paths sent relative to it resolve against it.
ALTER TABLE sessions ADD COLUMN cwd TEXT;
ALTER TABLE sessions ADD COLUMN cwd_ms INTEGER;
ALTER TABLE sessions ADD COLUMN cwd_seq INTEGER;
-- 1: the agent sends no prompt id (Codex); the session's facts without one belong
-- to the latest such prompt at or before them (see claimSql in modelWriteRepository.ts).
ALTER TABLE prompts ADD COLUMN claims_by_time INTEGER NOT NULL DEFAULT 0;
-- Set when path was resolved from a relative path the agent sent: what it sent.
ALTER TABLE file_touches ADD COLUMN raw_path TEXT;
-- The facts of a session still waiting for a prompt (small: a fact leaves once attributed).
CREATE INDEX tool_calls_unattributed ON tool_calls(session_id) WHERE prompt_id IS NULL;
CREATE INDEX model_requests_unattributed ON model_requests(session_id) WHERE prompt_id IS NULL;
CREATE INDEX steps_unattributed ON steps(session_id) WHERE prompt_id IS NULL;
`;

export const MIGRATIONS: readonly Migration[] = [
  { version: 1, name: 'raw records and the agent model', sql: V1_RAW + V1_MODEL },
  { version: 2, name: 'working directories, prompts claimed by time, relative paths', sql: V2_AGENTS },
];

/** The schema version this build writes; a database above it is refused. */
export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version;

/** The audit trail (see rawRecordRepository.ts). */
export const RAW_TABLES: readonly string[] = ['raw_bodies', 'raw_values', 'raw_records', 'raw_body_sessions'];

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

import type { Migration } from './sqliteMigrations.ts';

/**
 * The Postgres schema as numbered steps, one for one with the SQLite steps of the same number (the
 * two stores keep the same data; only the SQL dialect differs). Times are epoch milliseconds in
 * BIGINT; call bodies are the same validated JSON as in SQLite, kept as TEXT so both stores
 * round-trip byte-identical bodies.
 */
export const PG_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'users, devices, calls, members, records',
    sql: `
CREATE TABLE IF NOT EXISTS users (
  user_id TEXT PRIMARY KEY, display_name TEXT NOT NULL, password_hash TEXT NOT NULL,
  disabled BOOLEAN NOT NULL DEFAULT FALSE, created_at BIGINT NOT NULL, tokens_after BIGINT NOT NULL DEFAULT 0,
  dnd TEXT NOT NULL DEFAULT '{"enabled":false,"allowList":[]}');
CREATE TABLE IF NOT EXISTS devices (
  user_id TEXT NOT NULL, device_id TEXT NOT NULL, name TEXT NOT NULL, last_seen BIGINT NOT NULL,
  tokens_after BIGINT NOT NULL DEFAULT 0, PRIMARY KEY (user_id, device_id));
CREATE TABLE IF NOT EXISTS calls (
  seq BIGSERIAL PRIMARY KEY, call_id TEXT NOT NULL UNIQUE, call_state TEXT NOT NULL,
  created_at BIGINT NOT NULL, body TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS calls_by_state ON calls (call_state);
CREATE TABLE IF NOT EXISTS call_members (
  user_id TEXT NOT NULL, call_id TEXT NOT NULL, seq BIGINT NOT NULL, PRIMARY KEY (user_id, call_id));
CREATE INDEX IF NOT EXISTS call_members_by_user ON call_members (user_id, seq DESC);
CREATE TABLE IF NOT EXISTS call_records (call_id TEXT NOT NULL PRIMARY KEY, ended_at BIGINT NOT NULL, body TEXT NOT NULL);
`,
  },
];

export const PG_SCHEMA_VERSION = PG_MIGRATIONS.at(-1)?.version ?? 0;

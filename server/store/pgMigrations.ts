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
  {
    version: 2,
    name: 'revocations seen by running servers; token rotation per device',
    // Running servers poll `seq > last seen`; PgStore writes revocations under a lock so seqs commit in order.
    sql: `
CREATE TABLE IF NOT EXISTS revocations (
  seq BIGSERIAL PRIMARY KEY, user_id TEXT NOT NULL, reason TEXT NOT NULL,
  except_device TEXT, at BIGINT NOT NULL);
ALTER TABLE devices ADD COLUMN IF NOT EXISTS superseded_before BIGINT NOT NULL DEFAULT 0;
ALTER TABLE devices ADD COLUMN IF NOT EXISTS superseded_at BIGINT NOT NULL DEFAULT 0;
`,
  },
  {
    version: 4,
    name: 'directory: search terms, browse order, favorites; call members by call',
    // The range indexes are in byte order (COLLATE "C"), which the directory's prefix ranges and
    // cursors need (directoryQueries.ts); the columns keep the default collation so that joins with
    // users.user_id need no collation of their own. user_search is filled by PgDirectory.ensureIndexed.
    sql: `
CREATE TABLE IF NOT EXISTS user_search (user_id TEXT NOT NULL, term TEXT NOT NULL, PRIMARY KEY (user_id, term));
CREATE INDEX IF NOT EXISTS user_search_by_term ON user_search (term COLLATE "C", user_id COLLATE "C");
CREATE TABLE IF NOT EXISTS user_directory (user_id TEXT PRIMARY KEY, sort_key TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS user_directory_by_key ON user_directory (sort_key COLLATE "C", user_id COLLATE "C");
CREATE TABLE IF NOT EXISTS favorites (
  user_id TEXT NOT NULL, favorite_id TEXT NOT NULL, added_at BIGINT NOT NULL, PRIMARY KEY (user_id, favorite_id));
CREATE INDEX IF NOT EXISTS favorites_by_id ON favorites (user_id, favorite_id COLLATE "C");
CREATE INDEX IF NOT EXISTS call_members_by_call ON call_members (call_id);
DELETE FROM meta WHERE key = 'directory_terms_version';
`,
  },
  {
    version: 5,
    name: 'call ownership: the owning node and its fencing epoch',
    // Cluster mode: a node claims a call by bumping owner_epoch, and every save of the call carries the
    // epoch it holds (UPDATE … WHERE owner_epoch = it), so a stale owner's write is refused even if
    // Redis, which holds the leases, restarted empty. Kept in Postgres because it must only go up.
    sql: `
ALTER TABLE calls ADD COLUMN IF NOT EXISTS owner_epoch BIGINT NOT NULL DEFAULT 0;
ALTER TABLE calls ADD COLUMN IF NOT EXISTS owner_node TEXT;
CREATE INDEX IF NOT EXISTS calls_started_owner ON calls (owner_node) WHERE call_state = 'started';
`,
  },
];

export const PG_SCHEMA_VERSION = PG_MIGRATIONS.at(-1)?.version ?? 0;

/**
 * The SQLite schema as numbered steps. A database records the last step it ran in
 * meta.schema_version; opening it runs every later step, each in its own transaction.
 * Never edit a step that has shipped: add the next one.
 */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const SQLITE_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'users, devices, calls, members, records',
    sql: `
CREATE TABLE IF NOT EXISTS users (
  user_id TEXT PRIMARY KEY, display_name TEXT NOT NULL, password_hash TEXT NOT NULL,
  disabled INTEGER NOT NULL DEFAULT 0, created_at INTEGER NOT NULL, tokens_after INTEGER NOT NULL DEFAULT 0,
  dnd TEXT NOT NULL DEFAULT '{"enabled":false,"allowList":[]}');
CREATE TABLE IF NOT EXISTS devices (
  user_id TEXT NOT NULL, device_id TEXT NOT NULL, name TEXT NOT NULL, last_seen INTEGER NOT NULL,
  tokens_after INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (user_id, device_id));
CREATE TABLE IF NOT EXISTS calls (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, call_id TEXT NOT NULL UNIQUE, call_state TEXT NOT NULL,
  created_at INTEGER NOT NULL, body TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS calls_by_state ON calls (call_state);
CREATE TABLE IF NOT EXISTS call_members (
  user_id TEXT NOT NULL, call_id TEXT NOT NULL, seq INTEGER NOT NULL, PRIMARY KEY (user_id, call_id));
CREATE INDEX IF NOT EXISTS call_members_by_user ON call_members (user_id, seq DESC);
CREATE TABLE IF NOT EXISTS call_records (call_id TEXT NOT NULL PRIMARY KEY, ended_at INTEGER NOT NULL, body TEXT NOT NULL);
`,
  },
  {
    version: 2,
    name: 'revocations seen by running servers; token rotation per device',
    // A revocation row is how `user disable|passwd|signout` in another process reaches a running
    // server: it polls `seq > last seen`, which the primary key answers without a scan.
    sql: `
CREATE TABLE IF NOT EXISTS revocations (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, user_id TEXT NOT NULL, reason TEXT NOT NULL,
  except_device TEXT, at INTEGER NOT NULL);
ALTER TABLE devices ADD COLUMN superseded_before INTEGER NOT NULL DEFAULT 0;
ALTER TABLE devices ADD COLUMN superseded_at INTEGER NOT NULL DEFAULT 0;
`,
  },
  {
    version: 4,
    name: 'directory: search terms, browse order, favorites; call members by call',
    // user_search is filled from the users table by SqliteDirectory.ensureIndexed (the folding rule is code, not SQL).
    sql: `
CREATE TABLE IF NOT EXISTS user_search (user_id TEXT NOT NULL, term TEXT NOT NULL, PRIMARY KEY (user_id, term));
CREATE INDEX IF NOT EXISTS user_search_by_term ON user_search (term, user_id);
CREATE TABLE IF NOT EXISTS user_directory (user_id TEXT PRIMARY KEY, sort_key TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS user_directory_by_key ON user_directory (sort_key, user_id);
CREATE TABLE IF NOT EXISTS favorites (
  user_id TEXT NOT NULL, favorite_id TEXT NOT NULL, added_at INTEGER NOT NULL, PRIMARY KEY (user_id, favorite_id));
CREATE INDEX IF NOT EXISTS call_members_by_call ON call_members (call_id);
DELETE FROM meta WHERE key = 'directory_terms_version';
`,
  },
  {
    version: 5,
    name: 'call ownership: the owning node and its fencing epoch',
    // The same columns as PostgreSQL's step 5 (one process never races itself, but the stores keep one contract).
    sql: `
ALTER TABLE calls ADD COLUMN owner_epoch INTEGER NOT NULL DEFAULT 0;
ALTER TABLE calls ADD COLUMN owner_node TEXT;
`,
  },
];

/** The version a fully migrated database has. */
export const SQLITE_SCHEMA_VERSION = SQLITE_MIGRATIONS.at(-1)?.version ?? 0;

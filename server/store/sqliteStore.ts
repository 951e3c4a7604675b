import { DatabaseSync, type StatementSync } from 'node:sqlite';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import {
  CallRecordSchema,
  type CallId,
  type CallRecord,
  type DeviceId,
  type DndStatus,
  type UserId,
} from '../../src/shared/protocol/index.ts';
import type { Call } from '../../src/shared/call/index.ts';
import type { CallOwner, CallPage, CallSave, CursorKey, DeviceTokenState, DirectoryEntry, DirectoryPage, FavoriteAdd, RecordPage, Revocation, RevocationReason, SaveOutcome, Store, UserRow } from './Store.ts';
import { Logger } from '../logger.ts';
import { decodeCallRows, decodeRecordRows, encodeSaves, pageBySeq, revocationFromRow, tokenStateFromRow, userFromRow, type RevocationDbRow, type UserDbRow } from './rows.ts';
import { SQLITE_MIGRATIONS, SQLITE_SCHEMA_VERSION } from './sqliteMigrations.ts';
import { SqliteDirectory } from './sqliteDirectory.ts';
import { WalCheckpointer } from './WalCheckpointer.ts';
import { errorMessage } from '../../src/shared/errors.ts';

const log = new Logger('SqliteStore');
type CallRow = { call_id: string; body: string };
/**
 * With checkpoints in the background, the writer's own automatic checkpoint is only a backstop
 * (WalCheckpointer.ts): 16,384 pages, 64 MB of WAL, instead of SQLite's 1,000.
 */
const BACKSTOP_CHECKPOINT_PAGES = 16_384;

export interface SqliteStoreOptions {
  /**
   * Checkpoint the WAL from a worker thread every this many ms, instead of inside a COMMIT on the
   * event loop (the server; short-lived admin commands leave it off). Ignored for ':memory:'.
   */
  backgroundCheckpointMs?: number;
  /** The clock of the directory's page cache (tests move it). */
  now?: () => number;
}


/** Embedded default store on Node's built-in `node:sqlite`: WAL, one transaction per state change. */
export class SqliteStore implements Store {
  readonly #path: string;
  #db: DatabaseSync;
  readonly #stmts = new Map<string, StatementSync>();
  readonly #dir: SqliteDirectory;
  readonly #checkpointer: WalCheckpointer | null;

  constructor(path: string, o: SqliteStoreOptions = {}) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    this.#path = path;
    const background = path !== ':memory:' && o.backgroundCheckpointMs !== undefined;
    this.#db = SqliteStore.#open(path, background);
    this.#migrate();
    this.#dir = new SqliteDirectory(() => this.#db, (sql) => this.#q(sql), (fn) => this.#tx(fn), o.now);
    this.#dir.ensureIndexed();
    // After the migrations: the WAL exists, and the worker's connection finds the schema in place.
    this.#checkpointer = background ? new WalCheckpointer(path, o.backgroundCheckpointMs ?? 0) : null;
  }

  static #open(path: string, backgroundCheckpoint: boolean): DatabaseSync {
    const db = new DatabaseSync(path);
    // busy_timeout first: every later statement, the journal-mode switch included, then waits for a
    // writer in another process (the server beside `user add`) instead of failing "database is locked".
    db.exec('PRAGMA busy_timeout = 5000; PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;');
    if (backgroundCheckpoint) db.exec(`PRAGMA wal_autocheckpoint = ${BACKSTOP_CHECKPOINT_PAGES}`);
    return db;
  }

  /** The background checkpointer, when this store has one (tests and metrics). */
  get checkpointer(): WalCheckpointer | null {
    return this.#checkpointer;
  }

  /** SQLite opens a file it cannot write read-only and keeps it so: after the disk is writable again, only a new connection can write. */
  async reopen(): Promise<void> {
    if (this.#path === ':memory:') return;
    const db = SqliteStore.#open(this.#path, this.#checkpointer !== null);
    this.#stmts.clear();
    const old = this.#db;
    this.#db = db;
    try {
      old.close();
    } catch (e) {
      log.warn('closing the old connection failed: %s', errorMessage(e));
    }
  }

  /** Runs every migration newer than the database, each in its own transaction; refuses a newer database. */
  #migrate(): void {
    this.#db.exec('CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)');
    const row = this.#q('SELECT value FROM meta WHERE key = ?').get('schema_version') as { value: string } | undefined;
    const current = row ? Number(row.value) : 0;
    if (!Number.isInteger(current) || current > SQLITE_SCHEMA_VERSION) {
      throw new Error(`database schema ${row?.value ?? '?'} is newer than this server understands (${SQLITE_SCHEMA_VERSION}); upgrade the server`);
    }
    for (const m of SQLITE_MIGRATIONS) {
      if (m.version <= current) continue;
      this.#tx(() => {
        // Another process (a server and an admin command started together) may have run it meanwhile.
        const now = this.#q('SELECT value FROM meta WHERE key = ?').get('schema_version') as { value: string } | undefined;
        if (now && Number(now.value) >= m.version) return;
        this.#db.exec(m.sql);
        this.#q('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run('schema_version', String(m.version));
      });
      log.info('migrated database to schema %d (%s)', m.version, m.name);
    }
  }

  #q(sql: string): StatementSync {
    let s = this.#stmts.get(sql);
    if (!s) {
      s = this.#db.prepare(sql);
      this.#stmts.set(sql, s);
    }
    return s;
  }

  #tx<T>(fn: () => T): T {
    this.#db.exec('BEGIN IMMEDIATE');
    try {
      const r = fn();
      this.#db.exec('COMMIT');
      return r;
    } catch (e) {
      // SQLite rolls back by itself on some errors (SQLITE_FULL, IOERR, BUSY): a ROLLBACK then would
      // throw "no transaction is active" and hide the real error, which is the one to report.
      if (this.#db.isTransaction) {
        try {
          this.#db.exec('ROLLBACK');
        } catch (r) {
          log.warn('rollback after "%s" failed: %s', errorMessage(e), errorMessage(r));
        }
      }
      throw e;
    }
  }


  async createUser(u: Omit<UserRow, 'dnd' | 'tokensAfter'>): Promise<void> {
    this.#tx(() => {
      this.#q('INSERT INTO users (user_id, display_name, password_hash, disabled, created_at, tokens_after) VALUES (?, ?, ?, ?, ?, 0)').run(
        u.userId,
        u.displayName,
        u.passwordHash,
        u.disabled ? 1 : 0,
        u.createdAt,
      );
      this.#dir.index(u.userId, u.displayName);
    });
    this.#dir.invalidate();
  }
  async setDisplayName(userId: UserId, displayName: string): Promise<boolean> {
    return this.#tx(() => {
      const changed = this.#q('UPDATE users SET display_name = ? WHERE user_id = ?').run(displayName, userId).changes > 0;
      if (changed) this.#dir.index(userId, displayName);
      this.#dir.invalidate();
      return changed;
    });
  }
  async searchDirectory(words: string[], after: CursorKey | null, limit: number): Promise<DirectoryPage> {
    return this.#dir.search(words, after, limit);
  }
  async directoryEntries(userIds: readonly UserId[]): Promise<(DirectoryEntry & { disabled: boolean })[]> {
    return this.#dir.entries(userIds);
  }
  async listFavorites(userId: UserId, after: CursorKey | null, limit: number): Promise<DirectoryPage> {
    return this.#dir.favorites(userId, after, limit);
  }
  async addFavorite(userId: UserId, favorite: UserId, max: number, now: number): Promise<FavoriteAdd> {
    return this.#dir.addFavorite(userId, favorite, max, now);
  }
  async removeFavorite(userId: UserId, favorite: UserId): Promise<boolean> {
    return this.#dir.removeFavorite(userId, favorite);
  }
  async listRecents(userId: UserId, window: number, after: CursorKey | null, limit: number): Promise<DirectoryPage> {
    return this.#dir.recents(userId, window, after, limit);
  }
  async getUser(userId: UserId): Promise<UserRow | undefined> {
    const r = this.#q('SELECT * FROM users WHERE user_id = ?').get(userId) as UserDbRow | undefined; // row shape fixed by the migrations
    return r && userFromRow(r);
  }
  async listUsers(): Promise<UserRow[]> {
    return (this.#q('SELECT * FROM users ORDER BY user_id').all() as unknown as UserDbRow[]).map((r) => userFromRow(r)); // row shape fixed by the migrations
  }
  async createUsers(users: Omit<UserRow, 'dnd' | 'tokensAfter'>[]): Promise<void> {
    const ins = this.#q('INSERT INTO users (user_id, display_name, password_hash, disabled, created_at, tokens_after) VALUES (?, ?, ?, ?, ?, 0)');
    this.#tx(() => {
      for (const u of users) {
        ins.run(u.userId, u.displayName, u.passwordHash, u.disabled ? 1 : 0, u.createdAt);
        this.#dir.index(u.userId, u.displayName); // bulk-created users are found like any other
      }
    });
    this.#dir.invalidate();
  }
  async setUserDisabled(userId: UserId, disabled: boolean): Promise<boolean> {
    const now = Date.now();
    return this.#tx(() => {
      const changed = this.#q('UPDATE users SET disabled = ?, tokens_after = ? WHERE user_id = ?').run(disabled ? 1 : 0, now, userId).changes > 0;
      this.#dir.invalidate();
      if (changed && disabled) this.#revocation(userId, 'disabled', null, now);
      return changed;
    });
  }
  async setPassword(userId: UserId, passwordHash: string): Promise<boolean> {
    // A new password signs out every device: tokens issued before now stop working.
    const now = Date.now();
    return this.#tx(() => {
      const changed = this.#q('UPDATE users SET password_hash = ?, tokens_after = ? WHERE user_id = ?').run(passwordHash, now, userId).changes > 0;
      if (changed) this.#revocation(userId, 'password', null, now);
      return changed;
    });
  }
  async revokeUserSessions(userId: UserId, reason: RevocationReason, exceptDevice: DeviceId | null, at: number): Promise<boolean> {
    return this.#tx(() => {
      const changed = this.#q('UPDATE users SET tokens_after = MAX(tokens_after, ?) WHERE user_id = ?').run(at, userId).changes > 0;
      if (changed) this.#revocation(userId, reason, exceptDevice, at);
      return changed;
    });
  }
  #revocation(userId: UserId, reason: RevocationReason, exceptDevice: DeviceId | null, at: number): void {
    this.#q('INSERT INTO revocations (user_id, reason, except_device, at) VALUES (?, ?, ?, ?)').run(userId, reason, exceptDevice, at);
  }
  async revocationsAfter(afterSeq: number, limit: number): Promise<Revocation[]> {
    const rows = this.#q('SELECT seq, user_id, reason, except_device, at FROM revocations WHERE seq > ? ORDER BY seq LIMIT ?').all(afterSeq, limit) as unknown as RevocationDbRow[]; // row shape fixed by the query
    return rows.map(revocationFromRow);
  }
  async lastRevocationSeq(): Promise<number> {
    return (this.#q('SELECT MAX(seq) AS seq FROM revocations').get() as { seq: number | null }).seq ?? 0;
  }
  async revokeDeviceTokens(userId: UserId, deviceId: DeviceId, before: number): Promise<void> {
    this.#q('UPDATE devices SET tokens_after = ? WHERE user_id = ? AND device_id = ?').run(before, userId, deviceId);
  }
  async deviceTokensAfter(userId: UserId, deviceId: DeviceId): Promise<number> {
    const r = this.#q('SELECT tokens_after FROM devices WHERE user_id = ? AND device_id = ?').get(userId, deviceId) as { tokens_after: number } | undefined;
    return r?.tokens_after ?? 0;
  }
  async deviceTokenState(userId: UserId, deviceId: DeviceId): Promise<DeviceTokenState> {
    const r = this.#q('SELECT tokens_after, superseded_before, superseded_at FROM devices WHERE user_id = ? AND device_id = ?').get(userId, deviceId) as
      | { tokens_after: number; superseded_before: number; superseded_at: number }
      | undefined; // row shape fixed by the query
    return tokenStateFromRow(r);
  }
  async deviceResumed(userId: UserId, deviceId: DeviceId, name: string, issuedAt: number, now: number): Promise<void> {
    // Every SET reads the row as it was: only a token newer than the last one used moves the
    // supersession (and voids the generation before it); the name and last sign-in always move.
    this.#q(
      `INSERT INTO devices (user_id, device_id, name, last_seen, superseded_before, superseded_at) VALUES (?1, ?2, ?3, ?4, ?5, ?4)
       ON CONFLICT (user_id, device_id) DO UPDATE SET
         name = excluded.name, last_seen = excluded.last_seen,
         tokens_after = CASE WHEN excluded.superseded_before > devices.superseded_before AND devices.superseded_before > 0
           THEN MAX(devices.tokens_after, devices.superseded_before - 1) ELSE devices.tokens_after END,
         superseded_at = CASE WHEN excluded.superseded_before > devices.superseded_before THEN excluded.superseded_at ELSE devices.superseded_at END,
         superseded_before = MAX(devices.superseded_before, excluded.superseded_before)`,
    ).run(userId, deviceId, name, now, issuedAt);
  }
  async setDnd(userId: UserId, dnd: DndStatus): Promise<void> {
    this.#q('UPDATE users SET dnd = ? WHERE user_id = ?').run(JSON.stringify(dnd), userId);
    this.#dir.invalidate();
  }
  async upsertDevice(userId: UserId, deviceId: DeviceId, name: string, now: number): Promise<void> {
    this.#q(
      `INSERT INTO devices (user_id, device_id, name, last_seen) VALUES (?, ?, ?, ?)
       ON CONFLICT (user_id, device_id) DO UPDATE SET name = excluded.name, last_seen = excluded.last_seen`,
    ).run(userId, deviceId, name, now);
  }
  async getMeta(key: string): Promise<string | undefined> {
    return (this.#q('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined)?.value;
  }
  async setMeta(key: string, value: string): Promise<void> {
    this.#q('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(key, value);
  }

  async deleteMeta(key: string): Promise<void> {
    this.#q('DELETE FROM meta WHERE key = ?').run(key);
  }

  async saveCall(call: Call, record: CallRecord | null): Promise<void> {
    await this.saveCalls([{ call, record }]);
  }

  async saveCalls(batch: readonly CallSave[]): Promise<SaveOutcome> {
    const rows = encodeSaves(batch);
    const fenced: CallId[] = [];
    this.#tx(() => {
      for (const { call, record, body, recordBody, fence } of rows) {
        // With a fence, an existing row is updated only while it carries the saver's epoch (see Store.CallSave).
        const saved = fence
          ? (this.#q(
              `INSERT INTO calls (call_id, call_state, created_at, body, owner_epoch, owner_node) VALUES (?, ?, ?, ?, ?, ?)
               ON CONFLICT (call_id) DO UPDATE SET call_state = excluded.call_state, body = excluded.body WHERE calls.owner_epoch = excluded.owner_epoch
               RETURNING seq`,
            ).get(call.callID, call.callState, call.createdAt, body, fence.epoch, fence.node) as { seq: number } | undefined)
          : (this.#q(
              `INSERT INTO calls (call_id, call_state, created_at, body) VALUES (?, ?, ?, ?)
               ON CONFLICT (call_id) DO UPDATE SET call_state = excluded.call_state, body = excluded.body RETURNING seq`,
            ).get(call.callID, call.callState, call.createdAt, body) as { seq: number } | undefined); // RETURNING seq: that shape or nothing
        if (!saved) {
          fenced.push(call.callID);
          continue;
        }
        const member = this.#q('INSERT OR IGNORE INTO call_members (user_id, call_id, seq) VALUES (?, ?, ?)');
        for (const m of call.members) member.run(m.userId, call.callID, saved.seq);
        if (record && recordBody) {
          this.#q('INSERT OR REPLACE INTO call_records (call_id, ended_at, body) VALUES (?, ?, ?)').run(record.callID, record.endedAt, recordBody);
        }
      }
    });
    return { fenced };
  }

  async claimCall(callID: CallId, node: string): Promise<{ call: Call; epoch: number } | undefined> {
    const r = this.#q("UPDATE calls SET owner_epoch = owner_epoch + 1, owner_node = ? WHERE call_id = ? AND call_state = 'started' RETURNING call_id, body, owner_epoch").get(node, callID) as
      | (CallRow & { owner_epoch: number })
      | undefined; // shape fixed by RETURNING
    const call = r && decodeCallRows([r])[0];
    return r && call ? { call, epoch: r.owner_epoch } : undefined;
  }
  async orphanedCalls(aliveNodes: readonly string[], limit: number): Promise<CallOwner[]> {
    const rows = this.#q("SELECT call_id, owner_node FROM calls WHERE call_state = 'started' ORDER BY seq").all() as { call_id: CallId; owner_node: string | null }[]; // shape fixed by the query
    const alive = new Set(aliveNodes);
    return rows.filter((r) => r.owner_node === null || !alive.has(r.owner_node)).slice(0, limit).map((r) => ({ callID: r.call_id, ownerNode: r.owner_node }));
  }
  async startedCallsOf(userIds: readonly UserId[]): Promise<Call[]> {
    if (userIds.length === 0) return [];
    // json_each: one prepared statement whatever the number of users (a statement per count would not be reused).
    return decodeCallRows(
      this.#q(
        "SELECT c.call_id, c.body FROM calls c WHERE c.call_state = 'started' AND c.call_id IN (SELECT m.call_id FROM call_members m WHERE m.user_id IN (SELECT value FROM json_each(?))) ORDER BY c.seq",
      ).all(JSON.stringify(userIds)) as unknown as CallRow[], // row shape fixed by the query
    );
  }

  async getCall(callID: CallId): Promise<Call | undefined> {
    const r = this.#q('SELECT call_id, body FROM calls WHERE call_id = ?').get(callID) as { call_id: string; body: string } | undefined;
    return r ? decodeCallRows([r])[0] : undefined;
  }
  async startedCalls(): Promise<Call[]> {
    return decodeCallRows(this.#q("SELECT call_id, body FROM calls WHERE call_state = 'started' ORDER BY seq").all() as unknown as CallRow[]); // row shape fixed by the query
  }
  /**
   * One page of a member's calls or records, newest first, by the member index's seq (the call's):
   * `nextFlag` is the seq to continue below. A started call has no record yet, so records skip it.
   */
  #memberPage(table: 'calls' | 'call_records', userId: UserId, count: number, nextFlag: number) {
    const before = nextFlag > 0 ? nextFlag : Number.MAX_SAFE_INTEGER;
    const rows = this.#q(
      `SELECT m.seq, t.call_id, t.body FROM call_members m JOIN ${table} t ON t.call_id = m.call_id
       WHERE m.user_id = ? AND m.seq < ? ORDER BY m.seq DESC LIMIT ?`,
    ).all(userId, before, count + 1) as { seq: number; call_id: string; body: string }[]; // row shape fixed by the query
    return pageBySeq(rows, count);
  }
  async listCallsFor(userId: UserId, count: number, nextFlag: number): Promise<CallPage> {
    const paged = this.#memberPage('calls', userId, count, nextFlag);
    return { calls: decodeCallRows(paged.page), nextFlag: paged.nextFlag };
  }
  async listRecordsFor(userId: UserId, count: number, nextFlag: number): Promise<RecordPage> {
    const paged = this.#memberPage('call_records', userId, count, nextFlag);
    return { records: decodeRecordRows(paged.page), nextFlag: paged.nextFlag };
  }
  async getRecord(callID: CallId): Promise<CallRecord | undefined> {
    const r = this.#q('SELECT body FROM call_records WHERE call_id = ?').get(callID) as { body: string } | undefined;
    return r ? CallRecordSchema.parse(JSON.parse(r.body)) : undefined;
  }
  async close(): Promise<void> {
    await this.#checkpointer?.stop();
    this.#db.close();
  }
}

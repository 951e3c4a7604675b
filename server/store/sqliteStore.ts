import { DatabaseSync, type StatementSync } from 'node:sqlite';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import {
  CallRecordSchema,
  DndStatusSchema,
  UserIdSchema,
  type CallId,
  type CallRecord,
  type DeviceId,
  type DndStatus,
  type UserId,
} from '../../src/shared/protocol/index.ts';
import type { Call } from '../../src/shared/call/index.ts';
import { decodeCall, encodeCall } from './callCodec.ts';
import type { CallPage, CallSave, Store, UserRow } from './Store.ts';
import { Logger } from '../logger.ts';
import { SQLITE_MIGRATIONS, SQLITE_SCHEMA_VERSION } from './sqliteMigrations.ts';

const log = new Logger('SqliteStore');
type CallRow = { call_id: string; body: string };

interface UserDbRow {
  user_id: string;
  display_name: string;
  password_hash: string;
  disabled: number;
  created_at: number;
  tokens_after: number;
  dnd: string;
}

/** Embedded default store on Node's built-in `node:sqlite`: WAL, one transaction per state change. */
export class SqliteStore implements Store {
  readonly #db: DatabaseSync;
  readonly #stmts = new Map<string, StatementSync>();

  constructor(path: string) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    this.#db = new DatabaseSync(path);
    this.#db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000;');
    this.#migrate();
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
      this.#db.exec('ROLLBACK');
      throw e;
    }
  }

  #user(r: UserDbRow): UserRow {
    const dnd = DndStatusSchema.safeParse(JSON.parse(r.dnd));
    return {
      userId: UserIdSchema.parse(r.user_id),
      displayName: r.display_name,
      passwordHash: r.password_hash,
      disabled: r.disabled !== 0,
      createdAt: r.created_at,
      tokensAfter: r.tokens_after,
      dnd: dnd.success ? dnd.data : { enabled: false, allowList: [] },
    };
  }

  async createUser(u: Omit<UserRow, 'dnd' | 'tokensAfter'>): Promise<void> {
    this.#q('INSERT INTO users (user_id, display_name, password_hash, disabled, created_at, tokens_after) VALUES (?, ?, ?, ?, ?, 0)').run(
      u.userId,
      u.displayName,
      u.passwordHash,
      u.disabled ? 1 : 0,
      u.createdAt,
    );
  }
  async getUser(userId: UserId): Promise<UserRow | undefined> {
    const r = this.#q('SELECT * FROM users WHERE user_id = ?').get(userId) as UserDbRow | undefined; // row shape fixed by the migrations
    return r && this.#user(r);
  }
  async listUsers(): Promise<UserRow[]> {
    return (this.#q('SELECT * FROM users ORDER BY user_id').all() as unknown as UserDbRow[]).map((r) => this.#user(r)); // row shape fixed by the migrations
  }
  async setUserDisabled(userId: UserId, disabled: boolean): Promise<boolean> {
    return this.#q('UPDATE users SET disabled = ?, tokens_after = ? WHERE user_id = ?').run(disabled ? 1 : 0, Date.now(), userId).changes > 0;
  }
  async setPassword(userId: UserId, passwordHash: string): Promise<boolean> {
    // A new password signs out every device: tokens issued before now stop working.
    return this.#q('UPDATE users SET password_hash = ?, tokens_after = ? WHERE user_id = ?').run(passwordHash, Date.now(), userId).changes > 0;
  }
  async revokeDeviceTokens(userId: UserId, deviceId: DeviceId, before: number): Promise<void> {
    this.#q('UPDATE devices SET tokens_after = ? WHERE user_id = ? AND device_id = ?').run(before, userId, deviceId);
  }
  async deviceTokensAfter(userId: UserId, deviceId: DeviceId): Promise<number> {
    const r = this.#q('SELECT tokens_after FROM devices WHERE user_id = ? AND device_id = ?').get(userId, deviceId) as { tokens_after: number } | undefined;
    return r?.tokens_after ?? 0;
  }
  async setDnd(userId: UserId, dnd: DndStatus): Promise<void> {
    this.#q('UPDATE users SET dnd = ? WHERE user_id = ?').run(JSON.stringify(dnd), userId);
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

  async saveCall(call: Call, record: CallRecord | null): Promise<void> {
    return this.saveCalls([{ call, record }]);
  }

  async saveCalls(batch: readonly CallSave[]): Promise<void> {
    // Encoded and validated before BEGIN: a bad item fails the batch without opening a transaction.
    const rows = batch.map(({ call, record }) => ({ call, record, body: encodeCall(call), recordBody: record && JSON.stringify(CallRecordSchema.parse(record)) }));
    this.#tx(() => {
      for (const { call, record, body, recordBody } of rows) {
        this.#q(
          `INSERT INTO calls (call_id, call_state, created_at, body) VALUES (?, ?, ?, ?)
           ON CONFLICT (call_id) DO UPDATE SET call_state = excluded.call_state, body = excluded.body`,
        ).run(call.callID, call.callState, call.createdAt, body);
        const { seq } = this.#q('SELECT seq FROM calls WHERE call_id = ?').get(call.callID) as { seq: number };
        const member = this.#q('INSERT OR IGNORE INTO call_members (user_id, call_id, seq) VALUES (?, ?, ?)');
        for (const m of call.members) member.run(m.userId, call.callID, seq);
        if (record && recordBody) {
          this.#q('INSERT OR REPLACE INTO call_records (call_id, ended_at, body) VALUES (?, ?, ?)').run(record.callID, record.endedAt, recordBody);
        }
      }
    });
  }

  #decode(rows: { body: string; call_id: string }[]): Call[] {
    const out: Call[] = [];
    for (const r of rows) {
      try {
        out.push(decodeCall(r.body));
      } catch (e) {
        log.error('skipping damaged call row %s: %s', r.call_id, e instanceof Error ? e.message : String(e));
      }
    }
    return out;
  }

  async getCall(callID: CallId): Promise<Call | undefined> {
    const r = this.#q('SELECT call_id, body FROM calls WHERE call_id = ?').get(callID) as { call_id: string; body: string } | undefined;
    return r ? this.#decode([r])[0] : undefined;
  }
  async startedCalls(): Promise<Call[]> {
    return this.#decode(this.#q("SELECT call_id, body FROM calls WHERE call_state = 'started' ORDER BY seq").all() as unknown as CallRow[]); // row shape fixed by the query
  }
  async listCallsFor(userId: UserId, count: number, nextFlag: number): Promise<CallPage> {
    const before = nextFlag > 0 ? nextFlag : Number.MAX_SAFE_INTEGER;
    const rows = this.#q(
      `SELECT c.seq, c.call_id, c.body FROM call_members m JOIN calls c ON c.call_id = m.call_id
       WHERE m.user_id = ? AND m.seq < ? ORDER BY m.seq DESC LIMIT ?`,
    ).all(userId, before, count + 1) as { seq: number; call_id: string; body: string }[]; // row shape fixed by the query
    const page = rows.slice(0, count);
    const last = page.at(-1);
    return { calls: this.#decode(page), nextFlag: rows.length > count && last ? last.seq : 0 };
  }
  async getRecord(callID: CallId): Promise<CallRecord | undefined> {
    const r = this.#q('SELECT body FROM call_records WHERE call_id = ?').get(callID) as { body: string } | undefined;
    return r ? CallRecordSchema.parse(JSON.parse(r.body)) : undefined;
  }
  async close(): Promise<void> {
    this.#db.close();
  }
}

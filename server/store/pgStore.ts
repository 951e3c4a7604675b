import pg from 'pg';
import { CallRecordSchema, type CallId, type CallRecord, type DeviceId, type DndStatus, type UserId } from '../../src/shared/protocol/index.ts';
import type { Call } from '../../src/shared/call/index.ts';
import { Logger } from '../logger.ts';
import { encodeCall } from './callCodec.ts';
import { PG_MIGRATIONS, PG_SCHEMA_VERSION } from './pgMigrations.ts';
import { decodeCallRows, decodeRecordRows, userFromRow, type UserDbRow } from './rows.ts';
import type { CallPage, RecordPage, Store, UserRow } from './Store.ts';

const log = new Logger('PgStore');
const INT8_OID = 20;
/** Any fixed number: every node of a cluster migrates under this one advisory lock. */
const MIGRATION_LOCK = 724_150_001;

/** Epoch milliseconds and sequence numbers fit a double exactly; pg returns BIGINT as text by default. */
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

export interface PgStoreOptions {
  /** Pool size per node (default 10). */
  maxConnections?: number;
}

/**
 * The cluster's system of record on PostgreSQL (node-postgres). Same interface and same data as
 * SqliteStore; every call save is one transaction, like there.
 */
export class PgStore implements Store {
  readonly #pool: pg.Pool;

  private constructor(pool: pg.Pool) {
    this.#pool = pool;
  }

  /** Connects and brings the schema up to date (several nodes may start at once: they take turns). */
  static async open(url: string, opts: PgStoreOptions = {}): Promise<PgStore> {
    const pool = new pg.Pool({ connectionString: url, max: opts.maxConnections ?? 10, types });
    // An idle client's error (the server restarted) must not crash the process; the next query reconnects.
    pool.on('error', (e) => log.warn('idle connection lost: %s', e.message));
    const store = new PgStore(pool);
    try {
      await store.#migrate();
    } catch (e) {
      await pool.end();
      throw e;
    }
    return store;
  }

  async #migrate(): Promise<void> {
    await this.#transaction(async (c) => {
      await c.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
      await c.query('CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)');
      const row = (await c.query<{ value: string }>("SELECT value FROM meta WHERE key = 'schema_version'")).rows[0];
      const current = row ? Number(row.value) : 0;
      if (!Number.isInteger(current) || current > PG_SCHEMA_VERSION) {
        throw new Error(`database schema ${row?.value ?? '?'} is newer than this server understands (${PG_SCHEMA_VERSION}); upgrade the server`);
      }
      for (const m of PG_MIGRATIONS) {
        if (m.version <= current) continue;
        await c.query(m.sql);
        await c.query(
          "INSERT INTO meta (key, value) VALUES ('schema_version', $1) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
          [String(m.version)],
        );
        log.info('migrated database to schema %d (%s)', m.version, m.name);
      }
    });
  }

  async #transaction<T>(fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
    const c = await this.#pool.connect();
    try {
      await c.query('BEGIN');
      const r = await fn(c);
      await c.query('COMMIT');
      return r;
    } catch (e) {
      // A broken connection has no transaction left to roll back; the original error is the one to report.
      await c.query('ROLLBACK').catch((re: unknown) => log.debug('rollback after failure also failed: %s', String(re)));
      throw e;
    } finally {
      c.release();
    }
  }

  async #rows<R extends pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<R[]> {
    return (await this.#pool.query<R>(sql, params)).rows;
  }

  async createUser(u: Omit<UserRow, 'dnd' | 'tokensAfter'>): Promise<void> {
    await this.#pool.query(
      'INSERT INTO users (user_id, display_name, password_hash, disabled, created_at, tokens_after) VALUES ($1, $2, $3, $4, $5, 0)',
      [u.userId, u.displayName, u.passwordHash, u.disabled, u.createdAt],
    );
  }
  async getUser(userId: UserId): Promise<UserRow | undefined> {
    const [r] = await this.#rows<UserDbRow>('SELECT * FROM users WHERE user_id = $1', [userId]);
    return r && userFromRow(r);
  }
  async listUsers(): Promise<UserRow[]> {
    return (await this.#rows<UserDbRow>('SELECT * FROM users ORDER BY user_id COLLATE "C"')).map(userFromRow);
  }
  async setUserDisabled(userId: UserId, disabled: boolean): Promise<boolean> {
    const r = await this.#pool.query('UPDATE users SET disabled = $1, tokens_after = $2 WHERE user_id = $3', [disabled, Date.now(), userId]);
    return (r.rowCount ?? 0) > 0;
  }
  async setPassword(userId: UserId, passwordHash: string): Promise<boolean> {
    // A new password signs out every device: tokens issued before now stop working.
    const r = await this.#pool.query('UPDATE users SET password_hash = $1, tokens_after = $2 WHERE user_id = $3', [passwordHash, Date.now(), userId]);
    return (r.rowCount ?? 0) > 0;
  }
  async setDnd(userId: UserId, dnd: DndStatus): Promise<void> {
    await this.#pool.query('UPDATE users SET dnd = $1 WHERE user_id = $2', [JSON.stringify(dnd), userId]);
  }

  async upsertDevice(userId: UserId, deviceId: DeviceId, name: string, now: number): Promise<void> {
    await this.#pool.query(
      `INSERT INTO devices (user_id, device_id, name, last_seen) VALUES ($1, $2, $3, $4)
       ON CONFLICT (user_id, device_id) DO UPDATE SET name = excluded.name, last_seen = excluded.last_seen`,
      [userId, deviceId, name, now],
    );
  }
  async revokeDeviceTokens(userId: UserId, deviceId: DeviceId, before: number): Promise<void> {
    await this.#pool.query('UPDATE devices SET tokens_after = $1 WHERE user_id = $2 AND device_id = $3', [before, userId, deviceId]);
  }
  async deviceTokensAfter(userId: UserId, deviceId: DeviceId): Promise<number> {
    const [r] = await this.#rows<{ tokens_after: number }>('SELECT tokens_after FROM devices WHERE user_id = $1 AND device_id = $2', [userId, deviceId]);
    return r?.tokens_after ?? 0;
  }

  async getMeta(key: string): Promise<string | undefined> {
    return (await this.#rows<{ value: string }>('SELECT value FROM meta WHERE key = $1', [key]))[0]?.value;
  }
  async setMeta(key: string, value: string): Promise<void> {
    await this.#pool.query('INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value', [key, value]);
  }

  async saveCall(call: Call, record: CallRecord | null): Promise<void> {
    const body = encodeCall(call);
    const recordBody = record && JSON.stringify(CallRecordSchema.parse(record));
    await this.#transaction(async (c) => {
      const { rows } = await c.query<{ seq: number }>(
        `INSERT INTO calls (call_id, call_state, created_at, body) VALUES ($1, $2, $3, $4)
         ON CONFLICT (call_id) DO UPDATE SET call_state = excluded.call_state, body = excluded.body RETURNING seq`,
        [call.callID, call.callState, call.createdAt, body],
      );
      const seq = rows[0]?.seq;
      await c.query(
        'INSERT INTO call_members (user_id, call_id, seq) SELECT u, $2, $3 FROM unnest($1::text[]) AS u ON CONFLICT DO NOTHING',
        [call.members.map((m) => m.userId), call.callID, seq],
      );
      if (record && recordBody) {
        await c.query(
          'INSERT INTO call_records (call_id, ended_at, body) VALUES ($1, $2, $3) ON CONFLICT (call_id) DO UPDATE SET ended_at = excluded.ended_at, body = excluded.body',
          [record.callID, record.endedAt, recordBody],
        );
      }
    });
  }

  async getCall(callID: CallId): Promise<Call | undefined> {
    return decodeCallRows(await this.#rows('SELECT call_id, body FROM calls WHERE call_id = $1', [callID]))[0];
  }
  async startedCalls(): Promise<Call[]> {
    return decodeCallRows(await this.#rows("SELECT call_id, body FROM calls WHERE call_state = 'started' ORDER BY seq"));
  }
  async listCallsFor(userId: UserId, count: number, nextFlag: number): Promise<CallPage> {
    const before = nextFlag > 0 ? nextFlag : Number.MAX_SAFE_INTEGER;
    const rows = await this.#rows<{ seq: number; call_id: string; body: string }>(
      `SELECT c.seq, c.call_id, c.body FROM call_members m JOIN calls c ON c.call_id = m.call_id
       WHERE m.user_id = $1 AND m.seq < $2 ORDER BY m.seq DESC LIMIT $3`,
      [userId, before, count + 1],
    );
    const page = rows.slice(0, count);
    const last = page.at(-1);
    return { calls: decodeCallRows(page), nextFlag: rows.length > count && last ? last.seq : 0 };
  }
  async listRecordsFor(userId: UserId, count: number, nextFlag: number): Promise<RecordPage> {
    const before = nextFlag > 0 ? nextFlag : Number.MAX_SAFE_INTEGER;
    // Paged on the member index (by the call's seq), like listCallsFor: started calls have no record yet and are skipped.
    const rows = await this.#rows<{ seq: number; call_id: string; body: string }>(
      `SELECT m.seq, r.call_id, r.body FROM call_members m JOIN call_records r ON r.call_id = m.call_id
       WHERE m.user_id = $1 AND m.seq < $2 ORDER BY m.seq DESC LIMIT $3`,
      [userId, before, count + 1],
    );
    const page = rows.slice(0, count);
    const last = page.at(-1);
    return { records: decodeRecordRows(page), nextFlag: rows.length > count && last ? last.seq : 0 };
  }
  async getRecord(callID: CallId): Promise<CallRecord | undefined> {
    const [r] = await this.#rows<{ body: string }>('SELECT body FROM call_records WHERE call_id = $1', [callID]);
    return r ? CallRecordSchema.parse(JSON.parse(r.body)) : undefined;
  }

  async close(): Promise<void> {
    await this.#pool.end();
  }
}

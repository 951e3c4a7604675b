import pg from 'pg';
import { CallRecordSchema, type CallId, type CallRecord, type DeviceId, type DndStatus, type UserId } from '../../src/shared/protocol/index.ts';
import type { Call } from '../../src/shared/call/index.ts';
import { Logger } from '../logger.ts';
import { PG_MIGRATIONS, PG_SCHEMA_VERSION } from './pgMigrations.ts';
import { PgDirectory } from './pgDirectory.ts';
import { named } from './pgStatements.ts';
import { saveRound, type EncodedSave, type Queryable } from './pgSaveRound.ts';
import { PgHotReads } from './pgHotReads.ts';
import { decodeCallRows, decodeRecordRows, encodeSaves, pageBySeq, revocationFromRow, tokenStateFromRow, userFromRow, type RevocationDbRow, type UserDbRow } from './rows.ts';
import type {
  CallOwner,
  CallSave,
  CallPage,
  CursorKey,
  DeviceTokenState,
  DirectoryEntry,
  DirectoryPage,
  FavoriteAdd,
  RecordPage,
  Revocation,
  RevocationReason,
  SaveOutcome,
  Store,
  UserRow,
} from './Store.ts';

const log = new Logger('PgStore');
const INT8_OID = 20;
/** Any fixed number: every node of a cluster migrates under this one advisory lock. */
const MIGRATION_LOCK = 724_150_001;
/**
 * Revocations are written one at a time under this lock, so seqs commit in the order they are
 * taken: a server polling `seq > last seen` can otherwise pass a lower seq whose transaction
 * commits after a higher one's, and never see it.
 */
const REVOCATION_LOCK = 724_150_002;
/** Keys per batched read (users and their started calls): an invitation's, many times over, in two bounded array parameters. */
const READ_BATCH_KEYS = 1000;
const INSERT_USER = 'INSERT INTO users (user_id, display_name, password_hash, disabled, created_at, tokens_after) SELECT *, 0 FROM unnest($1::text[], $2::text[], $3::text[], $4::boolean[], $5::bigint[])';

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
  readonly #dir: PgDirectory;
  /** The hot reads of an invitation (invitees' rows, members' started calls): one statement per turn of the event loop. */
  readonly #hot: PgHotReads;

  private constructor(pool: pg.Pool) {
    this.#pool = pool;
    this.#hot = new PgHotReads(pool, READ_BATCH_KEYS);
    this.#dir = new PgDirectory(pool, (fn) => this.#transaction(fn));
  }

  /** Connects and brings the schema up to date (several nodes may start at once: they take turns). */
  static async open(url: string, opts: PgStoreOptions = {}): Promise<PgStore> {
    // A bounded wait for a connection (a down server refuses at once; this bounds a black-holed network
    // and a saturated pool): past it the request answers storage_unavailable instead of hanging.
    const pool = new pg.Pool({ connectionString: url, max: opts.maxConnections ?? 10, types, connectionTimeoutMillis: 15_000 });
    // An idle client's error (the server restarted) must not crash the process; the next query reconnects.
    pool.on('error', (e) => log.warn('idle connection lost: %s', e.message));
    const store = new PgStore(pool);
    try {
      await store.#migrate();
      await store.#dir.ensureIndexed();
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
    // The pool listens for errors only on idle clients. A checked-out client whose server goes away
    // between two statements emits 'error' with no listener, which would end the process; here the
    // transaction's next query fails instead and the client is destroyed, not returned to the pool.
    let broken: Error | undefined;
    const onError = (e: Error): void => {
      broken = e;
      log.warn('connection lost inside a transaction: %s', e.message);
    };
    c.on('error', onError);
    try {
      await c.query('BEGIN');
      const r = await fn(c);
      await c.query('COMMIT');
      return r;
    } catch (e) {
      // A broken connection has no transaction left to roll back; the original error is the one to report.
      if (!broken) await c.query('ROLLBACK').catch((re: unknown) => log.debug('rollback after failure also failed: %s', String(re)));
      throw e;
    } finally {
      c.off('error', onError);
      c.release(broken ?? undefined);
    }
  }

  async #rows<R extends pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<R[]> {
    return (await this.#pool.query<R>(named(sql, params))).rows;
  }

  async createUser(u: Omit<UserRow, 'dnd' | 'tokensAfter'>): Promise<void> {
    await this.createUsers([u]);
  }
  /** One statement for all the rows, in the transaction that indexes them: all or none. */
  async createUsers(users: Omit<UserRow, 'dnd' | 'tokensAfter'>[]): Promise<void> {
    await this.#transaction(async (c) => {
      await c.query(INSERT_USER, [
        users.map((u) => u.userId),
        users.map((u) => u.displayName),
        users.map((u) => u.passwordHash),
        users.map((u) => u.disabled),
        users.map((u) => u.createdAt),
      ]);
      await this.#dir.index(c, users);
    });
  }
  async getUser(userId: UserId): Promise<UserRow | undefined> {
    return this.#hot.user(userId);
  }
  async listUsers(): Promise<UserRow[]> {
    return (await this.#rows<UserDbRow>('SELECT * FROM users ORDER BY user_id COLLATE "C"')).map(userFromRow);
  }
  async setUserDisabled(userId: UserId, disabled: boolean): Promise<boolean> {
    const now = Date.now();
    return this.#transaction(async (c) => {
      const r = await c.query('UPDATE users SET disabled = $1, tokens_after = $2 WHERE user_id = $3', [disabled, now, userId]);
      const changed = (r.rowCount ?? 0) > 0;
      if (changed && disabled) await this.#revocation(c, userId, 'disabled', null, now);
      return changed;
    });
  }
  async setPassword(userId: UserId, passwordHash: string): Promise<boolean> {
    // A new password signs out every device: tokens issued before now stop working.
    const now = Date.now();
    return this.#transaction(async (c) => {
      const r = await c.query('UPDATE users SET password_hash = $1, tokens_after = $2 WHERE user_id = $3', [passwordHash, now, userId]);
      const changed = (r.rowCount ?? 0) > 0;
      if (changed) await this.#revocation(c, userId, 'password', null, now);
      return changed;
    });
  }
  async revokeUserSessions(userId: UserId, reason: RevocationReason, exceptDevice: DeviceId | null, at: number): Promise<boolean> {
    return this.#transaction(async (c) => {
      const r = await c.query('UPDATE users SET tokens_after = GREATEST(tokens_after, $1) WHERE user_id = $2', [at, userId]);
      const changed = (r.rowCount ?? 0) > 0;
      if (changed) await this.#revocation(c, userId, reason, exceptDevice, at);
      return changed;
    });
  }
  async #revocation(c: pg.PoolClient, userId: UserId, reason: RevocationReason, exceptDevice: DeviceId | null, at: number): Promise<void> {
    await c.query('SELECT pg_advisory_xact_lock($1)', [REVOCATION_LOCK]);
    await c.query('INSERT INTO revocations (user_id, reason, except_device, at) VALUES ($1, $2, $3, $4)', [userId, reason, exceptDevice, at]);
  }
  async revocationsAfter(afterSeq: number, limit: number): Promise<Revocation[]> {
    return (await this.#rows<RevocationDbRow>('SELECT seq, user_id, reason, except_device, at FROM revocations WHERE seq > $1 ORDER BY seq LIMIT $2', [afterSeq, limit])).map(
      revocationFromRow,
    );
  }
  async lastRevocationSeq(): Promise<number> {
    return (await this.#rows<{ seq: number }>('SELECT COALESCE(MAX(seq), 0) AS seq FROM revocations'))[0]?.seq ?? 0;
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
    return (await this.deviceTokenState(userId, deviceId)).tokensAfter;
  }
  async deviceTokenState(userId: UserId, deviceId: DeviceId): Promise<DeviceTokenState> {
    const [r] = await this.#rows<{ tokens_after: number; superseded_before: number; superseded_at: number }>(
      'SELECT tokens_after, superseded_before, superseded_at FROM devices WHERE user_id = $1 AND device_id = $2',
      [userId, deviceId],
    );
    return tokenStateFromRow(r);
  }
  async deviceResumed(userId: UserId, deviceId: DeviceId, name: string, issuedAt: number, now: number): Promise<void> {
    // Every SET reads the row as it was: only a token newer than the last one used moves the
    // supersession (and voids the generation before it); the name and last sign-in always move.
    await this.#rows(
      `INSERT INTO devices (user_id, device_id, name, last_seen, superseded_before, superseded_at) VALUES ($1, $2, $3, $4, $5, $4)
       ON CONFLICT (user_id, device_id) DO UPDATE SET
         name = excluded.name, last_seen = excluded.last_seen,
         tokens_after = CASE WHEN excluded.superseded_before > devices.superseded_before AND devices.superseded_before > 0
           THEN GREATEST(devices.tokens_after, devices.superseded_before - 1) ELSE devices.tokens_after END,
         superseded_at = CASE WHEN excluded.superseded_before > devices.superseded_before THEN excluded.superseded_at ELSE devices.superseded_at END,
         superseded_before = GREATEST(devices.superseded_before, excluded.superseded_before)`,
      [userId, deviceId, name, now, issuedAt],
    );
  }

  async setDisplayName(userId: UserId, displayName: string): Promise<boolean> {
    return this.#transaction(async (c) => {
      const r = await c.query('UPDATE users SET display_name = $1 WHERE user_id = $2', [displayName, userId]);
      const changed = (r.rowCount ?? 0) > 0;
      if (changed) await this.#dir.index(c, [{ userId, displayName }]);
      return changed;
    });
  }
  searchDirectory(words: string[], after: CursorKey | null, limit: number): Promise<DirectoryPage> {
    return this.#dir.search(words, after, limit);
  }
  directoryEntries(userIds: readonly UserId[]): Promise<(DirectoryEntry & { disabled: boolean })[]> {
    return this.#dir.entries(userIds);
  }
  listFavorites(userId: UserId, after: CursorKey | null, limit: number): Promise<DirectoryPage> {
    return this.#dir.favorites(userId, after, limit);
  }
  addFavorite(userId: UserId, favorite: UserId, max: number, now: number): Promise<FavoriteAdd> {
    return this.#dir.addFavorite(userId, favorite, max, now);
  }
  removeFavorite(userId: UserId, favorite: UserId): Promise<boolean> {
    return this.#dir.removeFavorite(userId, favorite);
  }
  listRecents(userId: UserId, window: number, after: CursorKey | null, limit: number): Promise<DirectoryPage> {
    return this.#dir.recents(userId, window, after, limit);
  }

  async getMeta(key: string): Promise<string | undefined> {
    return (await this.#rows<{ value: string }>('SELECT value FROM meta WHERE key = $1', [key]))[0]?.value;
  }
  async setMeta(key: string, value: string): Promise<void> {
    await this.#pool.query('INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value', [key, value]);
  }
  async deleteMeta(key: string): Promise<void> {
    await this.#pool.query('DELETE FROM meta WHERE key = $1', [key]);
  }

  async saveCall(call: Call, record: CallRecord | null): Promise<void> {
    await this.saveCalls([{ call, record }]);
  }

  /**
   * One transaction for the batch (group commit): all of it lands, or none. A fenced save whose
   * epoch is no longer the call's is skipped (and reported), not an error: the rest of the batch,
   * other calls of this node, must still land. One statement per batch, whatever its size (arrays
   * through unnest): one round trip per save capped a node near 1/RTT saves a second, and
   * bench:cluster saw invitations queue for seconds behind it.
   */
  async saveCalls(batch: readonly CallSave[]): Promise<SaveOutcome> {
    // One row per call per statement (an INSERT … ON CONFLICT DO UPDATE may not touch a row twice):
    // consecutive saves of a call under the same fence merge into the last (its state at commit; a
    // record an earlier save gave stays). A save under another fence (the call was claimed again
    // within the batch) goes in a later statement, so each is checked against its own epoch: merging
    // it would let a stale save ride on a current one and run a transition twice.
    const rounds: Map<CallId, EncodedSave>[] = [];
    const roundOf = new Map<CallId, number>();
    const sameFence = (x: EncodedSave, y: EncodedSave): boolean => x.fence?.epoch === y.fence?.epoch && x.fence?.node === y.fence?.node;
    for (const r of encodeSaves(batch)) {
      const id = r.call.callID;
      const k = roundOf.get(id);
      const before = k === undefined ? undefined : rounds[k]?.get(id);
      if (k !== undefined && before && sameFence(before, r)) {
        rounds[k]?.set(id, r.record ? r : { ...r, record: before.record, recordBody: before.recordBody });
        continue;
      }
      const next = k === undefined ? 0 : k + 1;
      if (!rounds[next]) rounds[next] = new Map();
      rounds[next]?.set(id, r);
      roundOf.set(id, next);
    }
    const fenced = new Set<CallId>();
    const run = async (query: Queryable): Promise<void> => {
      for (const round of rounds) {
        const rows = [...round.values()];
        const saved = await saveRound(query, rows);
        for (const r of rows) if (!saved.has(r.call.callID)) fenced.add(r.call.callID);
      }
    };
    // One statement is atomic by itself; several share a transaction (all of the batch, or none).
    if (rounds.length <= 1) await run(this.#pool);
    else await this.#transaction((c) => run(c));
    return { fenced: [...fenced] };
  }

  async claimCall(callID: CallId, node: string): Promise<{ call: Call; epoch: number } | undefined> {
    const [r] = await this.#rows<{ call_id: string; body: string; owner_epoch: number }>(
      "UPDATE calls SET owner_epoch = owner_epoch + 1, owner_node = $1 WHERE call_id = $2 AND call_state = 'started' RETURNING call_id, body, owner_epoch",
      [node, callID],
    );
    const call = r && decodeCallRows([r])[0];
    return r && call ? { call, epoch: r.owner_epoch } : undefined;
  }
  async orphanedCalls(aliveNodes: readonly string[], limit: number): Promise<CallOwner[]> {
    const rows = await this.#rows<{ call_id: CallId; owner_node: string | null }>(
      "SELECT call_id, owner_node FROM calls WHERE call_state = 'started' AND (owner_node IS NULL OR NOT (owner_node = ANY($1::text[]))) ORDER BY seq LIMIT $2",
      [aliveNodes, limit],
    );
    return rows.map((r) => ({ callID: r.call_id, ownerNode: r.owner_node }));
  }
  async startedCallsOf(userIds: readonly UserId[]): Promise<Call[]> {
    return this.#hot.startedCallsOf(userIds);
  }

  async getCall(callID: CallId): Promise<Call | undefined> {
    return decodeCallRows(await this.#rows('SELECT call_id, body FROM calls WHERE call_id = $1', [callID]))[0];
  }
  async startedCalls(): Promise<Call[]> {
    return decodeCallRows(await this.#rows("SELECT call_id, body FROM calls WHERE call_state = 'started' ORDER BY seq"));
  }
  /**
   * One page of a member's calls or records, newest first, by the member index's seq (the call's):
   * `nextFlag` is the seq to continue below. A started call has no record yet, so records skip it.
   */
  async #memberPage(table: 'calls' | 'call_records', userId: UserId, count: number, nextFlag: number) {
    const before = nextFlag > 0 ? nextFlag : Number.MAX_SAFE_INTEGER;
    const rows = await this.#rows<{ seq: number; call_id: string; body: string }>(
      `SELECT m.seq, t.call_id, t.body FROM call_members m JOIN ${table} t ON t.call_id = m.call_id
       WHERE m.user_id = $1 AND m.seq < $2 ORDER BY m.seq DESC LIMIT $3`,
      [userId, before, count + 1],
    );
    return pageBySeq(rows, count);
  }
  async listCallsFor(userId: UserId, count: number, nextFlag: number): Promise<CallPage> {
    const paged = await this.#memberPage('calls', userId, count, nextFlag);
    return { calls: decodeCallRows(paged.page), nextFlag: paged.nextFlag };
  }
  async listRecordsFor(userId: UserId, count: number, nextFlag: number): Promise<RecordPage> {
    const paged = await this.#memberPage('call_records', userId, count, nextFlag);
    return { records: decodeRecordRows(paged.page), nextFlag: paged.nextFlag };
  }
  async getRecord(callID: CallId): Promise<CallRecord | undefined> {
    const [r] = await this.#rows<{ body: string }>('SELECT body FROM call_records WHERE call_id = $1', [callID]);
    return r ? CallRecordSchema.parse(JSON.parse(r.body)) : undefined;
  }

  async close(): Promise<void> {
    await this.#pool.end();
  }
}

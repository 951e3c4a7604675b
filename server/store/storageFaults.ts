/**
 * Which database errors mean "the storage itself is unavailable" (retry later) rather than a bug or
 * bad data. SQLite reports primary result codes in the low byte of `errcode` (extended codes such as
 * SQLITE_IOERR_WRITE = 778 keep the primary one there).
 */
const SQLITE_PRIMARY: Readonly<Record<number, string>> = {
  5: 'SQLITE_BUSY', // busy_timeout ran out: another process holds the write lock
  8: 'SQLITE_READONLY',
  10: 'SQLITE_IOERR',
  13: 'SQLITE_FULL',
  14: 'SQLITE_CANTOPEN',
};

export interface StorageFault {
  /** e.g. SQLITE_FULL */
  code: string;
  /** The driver's own message, for the log. */
  message: string;
  /** The connection must be reopened before writes can work again (a read-only open stays read-only). */
  reopen: boolean;
}

/** A node:sqlite error that means the storage is unavailable, or null for anything else. */
export function sqliteFault(e: unknown): StorageFault | null {
  if (!(e instanceof Error)) return null;
  const errcode = (e as Error & { errcode?: unknown }).errcode; // node:sqlite's ERR_SQLITE_ERROR carries errcode
  if (typeof errcode !== 'number') return null;
  const code = SQLITE_PRIMARY[errcode & 0xff];
  if (!code) return null;
  return { code, message: e.message, reopen: code === 'SQLITE_READONLY' || code === 'SQLITE_CANTOPEN' };
}

/** node-postgres and socket errors that mean "the database cannot be reached" (Postgres restarting, network down). */
const PG_UNAVAILABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
/** SQLSTATE classes 08 (connection exception) and 57P (operator intervention: shutdown, crash recovery), 53 (insufficient resources). */
const PG_UNAVAILABLE_SQLSTATE = /^(08|57P|53)/;
const PG_UNAVAILABLE_MESSAGE = /Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error|the database system is (starting up|shutting down|in recovery mode)/i;

/** A pg error that means the database is unavailable (retry later), or null for anything else. */
export function pgFault(e: unknown): StorageFault | null {
  if (!(e instanceof Error)) return null;
  const code = (e as Error & { code?: unknown }).code; // node-postgres and Node's socket errors carry `code`
  if (typeof code === 'string' && (PG_UNAVAILABLE_CODES.has(code) || PG_UNAVAILABLE_SQLSTATE.test(code))) return { code: `POSTGRES_${code}`, message: e.message, reopen: false };
  if (PG_UNAVAILABLE_MESSAGE.test(e.message)) return { code: 'POSTGRES_UNAVAILABLE', message: e.message, reopen: false };
  return null;
}

/** Either store's faults: SqliteStore and PgStore sit behind the same GuardedStore. */
export function storageFault(e: unknown): StorageFault | null {
  return sqliteFault(e) ?? pgFault(e);
}

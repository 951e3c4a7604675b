import type { DatabaseSync, StatementSync } from 'node:sqlite';
import type { UserId } from '../../src/shared/protocol/index.ts';
import { DIRECTORY_TERMS_VERSION, searchTerms, sortKey } from '../domain/directoryTerms.ts';
import { Logger } from '../logger.ts';
import { DIRECTORY_META_KEY, SQLITE_DIALECT, directoryIndexCurrent, favoritesQuery, recentsQuery, searchQuery, type DirectoryQuery } from './directoryQueries.ts';
import { directoryPage, entryWithDisabledFromRow, type DirectoryDbRow } from './rows.ts';
import type { CursorKey, DirectoryEntry, DirectoryPage, FavoriteAdd } from './Store.ts';

const log = new Logger('SqliteDirectory');
/**
 * How long a search or browse page is reused. Every app asks for the same first page at sign-in
 * (0.3 ms of CPU each, the largest single cost of a sign-in in a reconnect storm). Writes through
 * this store drop the cache at once; another process's (the admin CLI) show within this time.
 */
export const DIRECTORY_PAGE_CACHE_MS = 1000;
/** Distinct pages kept (query, cursor, limit): the first pages everyone asks for, not a copy of the directory. */
const DIRECTORY_PAGE_CACHE_MAX = 64;
/** Users' entries kept at most (about 100 bytes each). */
const DIRECTORY_ENTRY_CACHE_MAX = 100_000;
type EntryRow = DirectoryEntry & { disabled: boolean };

/** The directory (search index, favorites, recents) for SqliteStore; the queries are shared with PgStore (directoryQueries.ts). */
export class SqliteDirectory {
  /** The store's current connection (a reopen replaces it). */
  readonly #db: () => DatabaseSync;
  readonly #q: (sql: string) => StatementSync;
  readonly #tx: <T>(fn: () => T) => T;
  readonly #now: () => number;
  readonly #pages = new Map<string, { at: number; page: DirectoryPage }>();
  /** entries() reads rows as arrays: building a row object per user cost half its time. */
  #entries: { db: DatabaseSync; stmt: StatementSync } | null = null;
  /**
   * Users' entries for presence snapshots, kept like pages (DIRECTORY_PAGE_CACHE_MS, dropped by
   * invalidate()): at sign-in everyone subscribes to the people around them, so in a reconnect storm
   * the same rows were read a hundred times a second (8 % of the server's CPU). In the order read,
   * so the oldest are at the front. Unknown ids are not kept.
   */
  readonly #entryCache = new Map<UserId, { at: number; entry: EntryRow }>();

  constructor(db: () => DatabaseSync, q: (sql: string) => StatementSync, tx: <T>(fn: () => T) => T, now: () => number = Date.now) {
    this.#db = db;
    this.#q = q;
    this.#tx = tx;
    this.#now = now;
  }

  /** A user was added, renamed, disabled or changed DND here: cached pages may show it wrong. */
  invalidate(): void {
    this.#pages.clear();
    this.#entryCache.clear();
  }

  /** Rebuilds the index from the users table when it was built by another rule version (or never). */
  ensureIndexed(): void {
    const row = this.#q('SELECT value FROM meta WHERE key = ?').get(DIRECTORY_META_KEY) as { value: string } | undefined;
    if (directoryIndexCurrent(row?.value)) return;
    const users = this.#q('SELECT user_id, display_name FROM users').all() as { user_id: string; display_name: string }[]; // fixed by the query
    this.#tx(() => {
      this.#db().exec('DELETE FROM user_search; DELETE FROM user_directory;');
      for (const u of users) this.#index(u.user_id, u.display_name);
      this.#q('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(DIRECTORY_META_KEY, String(DIRECTORY_TERMS_VERSION));
    });
    log.info('indexed %d users for the directory (rule %d)', users.length, DIRECTORY_TERMS_VERSION);
  }

  /** (Re)indexes one user; the caller runs it in the transaction that wrote the users row. */
  index(userId: string, displayName: string): void {
    this.#q('DELETE FROM user_search WHERE user_id = ?').run(userId);
    this.#index(userId, displayName);
  }

  #index(userId: string, displayName: string): void {
    const ins = this.#q('INSERT OR IGNORE INTO user_search (user_id, term) VALUES (?, ?)');
    for (const t of searchTerms(userId, displayName)) ins.run(userId, t);
    this.#q('INSERT INTO user_directory (user_id, sort_key) VALUES (?, ?) ON CONFLICT (user_id) DO UPDATE SET sort_key = excluded.sort_key').run(userId, sortKey(displayName));
  }

  #page(q: DirectoryQuery, limit: number): DirectoryPage {
    return directoryPage(this.#q(q.sql).all(...q.params) as unknown as DirectoryDbRow[], limit, q.key); // row shape fixed by the query
  }

  search(words: string[], after: CursorKey | null, limit: number): DirectoryPage {
    const key = JSON.stringify([words, after, limit]);
    const now = this.#now();
    const hit = this.#pages.get(key);
    if (hit && now - hit.at < DIRECTORY_PAGE_CACHE_MS) return hit.page;
    const page = this.#page(searchQuery(SQLITE_DIALECT, words, after, limit), limit);
    this.#pages.delete(key);
    if (this.#pages.size >= DIRECTORY_PAGE_CACHE_MAX) this.#pages.delete(this.#pages.keys().next().value ?? '');
    this.#pages.set(key, { at: now, page });
    return page;
  }

  entries(userIds: readonly UserId[]): EntryRow[] {
    const now = this.#now();
    const out: EntryRow[] = [];
    const missing: UserId[] = [];
    for (const id of new Set(userIds)) {
      const hit = this.#entryCache.get(id);
      if (hit && now - hit.at < DIRECTORY_PAGE_CACHE_MS) out.push(hit.entry);
      else missing.push(id);
    }
    if (missing.length === 0) return out;
    for (const entry of this.#readEntries(missing)) {
      this.#entryCache.delete(entry.userId); // to the back: the map stays in the order read
      this.#entryCache.set(entry.userId, { at: now, entry });
      out.push(entry);
    }
    // Expired entries leave from the front, a few more than were added, and the cache never outgrows its cap.
    let drop = missing.length + 8;
    for (const [id, e] of this.#entryCache) {
      if (drop-- <= 0 || (now - e.at < DIRECTORY_PAGE_CACHE_MS && this.#entryCache.size <= DIRECTORY_ENTRY_CACHE_MAX)) break;
      this.#entryCache.delete(id);
    }
    return out;
  }

  #readEntries(userIds: readonly UserId[]): EntryRow[] {
    const db = this.#db();
    if (this.#entries?.db !== db) {
      const stmt = db.prepare('SELECT user_id, display_name, dnd, disabled FROM users WHERE user_id IN (SELECT value FROM json_each(?))');
      stmt.setReturnArrays(true);
      this.#entries = { db, stmt };
    }
    const rows = this.#entries.stmt.all(JSON.stringify(userIds)) as unknown as [string, string, string, number][]; // the query's four columns, as arrays
    return rows.map(([user_id, display_name, dnd, disabled]) => entryWithDisabledFromRow({ user_id, display_name, dnd, disabled }));
  }

  favorites(userId: UserId, after: CursorKey | null, limit: number): DirectoryPage {
    return this.#page(favoritesQuery(SQLITE_DIALECT, userId, after, limit), limit);
  }

  addFavorite(userId: UserId, favorite: UserId, max: number, now: number): FavoriteAdd {
    return this.#tx(() => {
      if (this.#q('SELECT 1 FROM favorites WHERE user_id = ? AND favorite_id = ?').get(userId, favorite)) return 'exists';
      // The cap counts what favoritesList shows: a disabled account's entry is hidden, so it must not fill the list unseen.
      const { n } = this.#q('SELECT COUNT(*) AS n FROM favorites f JOIN users u ON u.user_id = f.favorite_id WHERE f.user_id = ? AND NOT u.disabled').get(userId) as { n: number };
      if (n >= max) return 'full';
      this.#q('INSERT INTO favorites (user_id, favorite_id, added_at) VALUES (?, ?, ?)').run(userId, favorite, now);
      return 'added';
    });
  }

  removeFavorite(userId: UserId, favorite: UserId): boolean {
    return this.#q('DELETE FROM favorites WHERE user_id = ? AND favorite_id = ?').run(userId, favorite).changes > 0;
  }

  recents(userId: UserId, window: number, after: CursorKey | null, limit: number): DirectoryPage {
    return this.#page(recentsQuery(SQLITE_DIALECT, userId, window, after, limit), limit);
  }
}

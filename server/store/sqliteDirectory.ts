import type { DatabaseSync, StatementSync } from 'node:sqlite';
import type { UserId } from '../../src/shared/protocol/index.ts';
import { DIRECTORY_TERMS_VERSION, searchTerms, sortKey } from '../domain/directoryTerms.ts';
import { Logger } from '../logger.ts';
import { DIRECTORY_META_KEY, SQLITE_DIALECT, directoryIndexCurrent, favoritesQuery, recentsQuery, searchQuery, type DirectoryQuery } from './directoryQueries.ts';
import { directoryPage, entryWithDisabledFromRow, type DirectoryDbRow } from './rows.ts';
import type { CursorKey, DirectoryEntry, DirectoryPage, FavoriteAdd } from './Store.ts';

const log = new Logger('SqliteDirectory');

/** The directory (search index, favorites, recents) for SqliteStore; the queries are shared with PgStore (directoryQueries.ts). */
export class SqliteDirectory {
  readonly #db: DatabaseSync;
  readonly #q: (sql: string) => StatementSync;
  readonly #tx: <T>(fn: () => T) => T;

  constructor(db: DatabaseSync, q: (sql: string) => StatementSync, tx: <T>(fn: () => T) => T) {
    this.#db = db;
    this.#q = q;
    this.#tx = tx;
  }

  /** Rebuilds the index from the users table when it was built by another rule version (or never). */
  ensureIndexed(): void {
    const row = this.#q('SELECT value FROM meta WHERE key = ?').get(DIRECTORY_META_KEY) as { value: string } | undefined;
    if (directoryIndexCurrent(row?.value)) return;
    const users = this.#q('SELECT user_id, display_name FROM users').all() as { user_id: string; display_name: string }[]; // fixed by the query
    this.#tx(() => {
      this.#db.exec('DELETE FROM user_search; DELETE FROM user_directory;');
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
    return this.#page(searchQuery(SQLITE_DIALECT, words, after, limit), limit);
  }

  entries(userIds: readonly UserId[]): (DirectoryEntry & { disabled: boolean })[] {
    const rows = this.#q('SELECT user_id, display_name, dnd, disabled FROM users WHERE user_id IN (SELECT value FROM json_each(?))').all(JSON.stringify(userIds)) as {
      user_id: string;
      display_name: string;
      dnd: string;
      disabled: number;
    }[]; // fixed by the query
    return rows.map(entryWithDisabledFromRow);
  }

  favorites(userId: UserId, after: CursorKey | null, limit: number): DirectoryPage {
    return this.#page(favoritesQuery(SQLITE_DIALECT, userId, after, limit), limit);
  }

  addFavorite(userId: UserId, favorite: UserId, max: number, now: number): FavoriteAdd {
    return this.#tx(() => {
      if (this.#q('SELECT 1 FROM favorites WHERE user_id = ? AND favorite_id = ?').get(userId, favorite)) return 'exists';
      const { n } = this.#q('SELECT COUNT(*) AS n FROM favorites WHERE user_id = ?').get(userId) as { n: number };
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

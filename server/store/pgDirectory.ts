import type pg from 'pg';
import type { UserId } from '../../src/shared/protocol/index.ts';
import { DIRECTORY_TERMS_VERSION, searchTerms, sortKey } from '../domain/directoryTerms.ts';
import { Logger } from '../logger.ts';
import { DIRECTORY_META_KEY, PG_DIALECT, directoryIndexCurrent, favoritesQuery, recentsQuery, searchQuery, type DirectoryQuery } from './directoryQueries.ts';
import { directoryPage, entryWithDisabledFromRow, type DirectoryDbRow } from './rows.ts';
import type { CursorKey, DirectoryEntry, DirectoryPage, FavoriteAdd } from './Store.ts';

const log = new Logger('PgDirectory');
// Advisory locks in the two-int form, a key space apart from the migration lock's single bigint.
/** (space, 1): the index rebuild. */
const INDEX_LOCK_SPACE = 724_150;
/** (space, hash of the user id): one user's favorites. */
const FAVORITES_LOCK_SPACE = 724_151;

type Queryable = Pick<pg.PoolClient, 'query'>;
type Transaction = <T>(fn: (c: pg.PoolClient) => Promise<T>) => Promise<T>;
export interface IndexedUser {
  userId: string;
  displayName: string;
}

/** The directory (search index, favorites, recents) for PgStore; the queries are shared with SqliteStore (directoryQueries.ts). */
export class PgDirectory {
  readonly #pool: pg.Pool;
  readonly #tx: Transaction;

  constructor(pool: pg.Pool, tx: Transaction) {
    this.#pool = pool;
    this.#tx = tx;
  }

  /**
   * Rebuilds the index from the users table when it was built by another rule version (or never).
   * Nodes starting together take turns on a lock, and the second finds the index current.
   */
  async ensureIndexed(): Promise<void> {
    const n = await this.#tx(async (c) => {
      await c.query('SELECT pg_advisory_xact_lock($1, $2)', [INDEX_LOCK_SPACE, 1]);
      const { rows } = await c.query<{ value: string }>('SELECT value FROM meta WHERE key = $1', [DIRECTORY_META_KEY]);
      if (directoryIndexCurrent(rows[0]?.value)) return null;
      const users = await c.query<{ user_id: string; display_name: string }>('SELECT user_id, display_name FROM users');
      await c.query('DELETE FROM user_search');
      await c.query('DELETE FROM user_directory');
      await PgDirectory.#insert(c, users.rows.map((u) => ({ userId: u.user_id, displayName: u.display_name })));
      await c.query('INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value', [
        DIRECTORY_META_KEY,
        String(DIRECTORY_TERMS_VERSION),
      ]);
      return users.rows.length;
    });
    if (n !== null) log.info('indexed %d users for the directory (rule %d)', n, DIRECTORY_TERMS_VERSION);
  }

  /** (Re)indexes users; the caller runs it in the transaction that wrote their users rows. */
  async index(c: Queryable, users: readonly IndexedUser[]): Promise<void> {
    await c.query('DELETE FROM user_search WHERE user_id = ANY($1::text[])', [users.map((u) => u.userId)]);
    await PgDirectory.#insert(c, users);
  }

  /** One statement per table however many users: the terms come from the shared rule (directoryTerms.ts). */
  static async #insert(c: Queryable, users: readonly IndexedUser[]): Promise<void> {
    const termUsers: string[] = [];
    const terms: string[] = [];
    for (const u of users) {
      for (const t of searchTerms(u.userId, u.displayName)) {
        termUsers.push(u.userId);
        terms.push(t);
      }
    }
    await c.query('INSERT INTO user_search (user_id, term) SELECT * FROM unnest($1::text[], $2::text[]) ON CONFLICT DO NOTHING', [termUsers, terms]);
    await c.query(
      `INSERT INTO user_directory (user_id, sort_key) SELECT * FROM unnest($1::text[], $2::text[])
       ON CONFLICT (user_id) DO UPDATE SET sort_key = excluded.sort_key`,
      [users.map((u) => u.userId), users.map((u) => sortKey(u.displayName))],
    );
  }

  async #page(q: DirectoryQuery, limit: number): Promise<DirectoryPage> {
    const { rows } = await this.#pool.query<DirectoryDbRow>(q.sql, q.params);
    return directoryPage(rows, limit, q.key);
  }

  search(words: string[], after: CursorKey | null, limit: number): Promise<DirectoryPage> {
    return this.#page(searchQuery(PG_DIALECT, words, after, limit), limit);
  }

  async entries(userIds: readonly UserId[]): Promise<(DirectoryEntry & { disabled: boolean })[]> {
    const { rows } = await this.#pool.query<{ user_id: string; display_name: string; dnd: string; disabled: boolean }>(
      'SELECT user_id, display_name, dnd, disabled FROM users WHERE user_id = ANY($1::text[])',
      [userIds],
    );
    return rows.map(entryWithDisabledFromRow);
  }

  favorites(userId: UserId, after: CursorKey | null, limit: number): Promise<DirectoryPage> {
    return this.#page(favoritesQuery(PG_DIALECT, userId, after, limit), limit);
  }

  /** Under a per-user lock, so two devices adding at once cannot both pass the cap (READ COMMITTED would let them). */
  addFavorite(userId: UserId, favorite: UserId, max: number, now: number): Promise<FavoriteAdd> {
    return this.#tx(async (c) => {
      await c.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [FAVORITES_LOCK_SPACE, userId]);
      const { rows } = await c.query<{ n: number; present: boolean }>(
        // The cap counts what favoritesList shows: a disabled account's entry is hidden, so it must not fill the list unseen.
        'SELECT (COUNT(*) FILTER (WHERE NOT u.disabled))::int AS n, bool_or(f.favorite_id = $2) AS present FROM favorites f JOIN users u ON u.user_id = f.favorite_id WHERE f.user_id = $1',
        [userId, favorite],
      );
      const r = rows[0];
      if (r?.present) return 'exists';
      if ((r?.n ?? 0) >= max) return 'full';
      await c.query('INSERT INTO favorites (user_id, favorite_id, added_at) VALUES ($1, $2, $3)', [userId, favorite, now]);
      return 'added';
    });
  }

  async removeFavorite(userId: UserId, favorite: UserId): Promise<boolean> {
    const r = await this.#pool.query('DELETE FROM favorites WHERE user_id = $1 AND favorite_id = $2', [userId, favorite]);
    return (r.rowCount ?? 0) > 0;
  }

  recents(userId: UserId, window: number, after: CursorKey | null, limit: number): Promise<DirectoryPage> {
    return this.#page(recentsQuery(PG_DIALECT, userId, window, after, limit), limit);
  }
}

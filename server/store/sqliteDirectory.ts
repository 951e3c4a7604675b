import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { UserIdSchema, type UserId } from '../../src/shared/protocol/index.ts';
import { DIRECTORY_TERMS_VERSION, prefixUpper, searchTerms, sortKey } from '../domain/directoryTerms.ts';
import { Logger } from '../logger.ts';
import type { CursorKey, DirectoryEntry, DirectoryPage, FavoriteAdd } from './Store.ts';

const log = new Logger('SqliteDirectory');
const META_KEY = 'directory_terms_version';

type Row = { user_id: string; display_name: string; dnd: string; k1: string | number; k2?: string };

function dndOn(json: string): boolean {
  try {
    return (JSON.parse(json) as { enabled?: unknown }).enabled === true; // users.dnd is written by setDnd from a parsed DndStatus
  } catch {
    return false;
  }
}

/**
 * The directory's SQL (search index, favorites, recents) for SqliteStore, kept apart from it.
 * Every query is a range scan of an index with a LIMIT, so one page costs the same with 50 or
 * 50,000 users; the SQL is plain enough (row values, no FTS) for the Postgres store to copy.
 */
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
    const row = this.#q('SELECT value FROM meta WHERE key = ?').get(META_KEY) as { value: string } | undefined;
    if (row?.value === String(DIRECTORY_TERMS_VERSION)) return;
    const users = this.#q('SELECT user_id, display_name FROM users').all() as { user_id: string; display_name: string }[]; // fixed by the query
    this.#tx(() => {
      this.#db.exec('DELETE FROM user_search; DELETE FROM user_directory;');
      for (const u of users) this.#index(u.user_id, u.display_name);
      this.#q('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(META_KEY, String(DIRECTORY_TERMS_VERSION));
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

  #page(rows: Row[], limit: number, key: (r: Row) => CursorKey): DirectoryPage {
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return {
      users: page.map((r) => ({ userId: UserIdSchema.parse(r.user_id), displayName: r.display_name, dnd: dndOn(r.dnd) })),
      next: rows.length > limit && last ? key(last) : null,
    };
  }

  /**
   * The first (longest) word is the range scanned; each user is listed once, at its smallest
   * matching term (the NOT EXISTS), so pages never repeat a user; other words must match too.
   */
  search(words: string[], after: CursorKey | null, limit: number): DirectoryPage {
    const [first, ...rest] = words;
    if (first === undefined) return this.browse(after, limit);
    const extra = rest.map(() => ' AND EXISTS (SELECT 1 FROM user_search e WHERE e.user_id = s.user_id AND e.term >= ? AND e.term < ?)').join('');
    const sql = `SELECT s.term AS k1, s.user_id, u.display_name, u.dnd FROM user_search s JOIN users u ON u.user_id = s.user_id
      WHERE s.term >= ? AND s.term < ? AND (s.term, s.user_id) > (?, ?) AND u.disabled = 0
      AND NOT EXISTS (SELECT 1 FROM user_search d WHERE d.user_id = s.user_id AND d.term >= ? AND d.term < s.term)${extra}
      ORDER BY s.term, s.user_id LIMIT ?`;
    const [t, u] = after ?? ['', ''];
    const params = [first, prefixUpper(first), String(t), String(u ?? ''), first, ...rest.flatMap((w) => [w, prefixUpper(w)]), limit + 1];
    const rows = this.#q(sql).all(...params) as Row[]; // fixed by the query
    return this.#page(rows, limit, (r) => [String(r.k1), r.user_id]);
  }

  browse(after: CursorKey | null, limit: number): DirectoryPage {
    const [k, u] = after ?? ['', ''];
    const rows = this.#q(
      `SELECT d.sort_key AS k1, d.user_id, u.display_name, u.dnd FROM user_directory d JOIN users u ON u.user_id = d.user_id
       WHERE (d.sort_key, d.user_id) > (?, ?) AND u.disabled = 0 ORDER BY d.sort_key, d.user_id LIMIT ?`,
    ).all(String(k), String(u ?? ''), limit + 1) as Row[]; // fixed by the query
    return this.#page(rows, limit, (r) => [String(r.k1), r.user_id]);
  }

  entries(userIds: readonly UserId[]): (DirectoryEntry & { disabled: boolean })[] {
    const rows = this.#q('SELECT user_id, display_name, dnd, disabled FROM users WHERE user_id IN (SELECT value FROM json_each(?))').all(JSON.stringify(userIds)) as (Row & {
      disabled: number;
    })[]; // fixed by the query
    return rows.map((r) => ({ userId: UserIdSchema.parse(r.user_id), displayName: r.display_name, dnd: dndOn(r.dnd), disabled: r.disabled !== 0 }));
  }

  favorites(userId: UserId, after: CursorKey | null, limit: number): DirectoryPage {
    const rows = this.#q(
      `SELECT f.favorite_id AS k1, u.user_id, u.display_name, u.dnd FROM favorites f JOIN users u ON u.user_id = f.favorite_id
       WHERE f.user_id = ? AND f.favorite_id > ? AND u.disabled = 0 ORDER BY f.favorite_id LIMIT ?`,
    ).all(userId, String(after?.[0] ?? ''), limit + 1) as Row[]; // fixed by the query
    return this.#page(rows, limit, (r) => [r.user_id]);
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

  /** The distinct other members of the user's `window` newest calls, by their latest call (seq) first. */
  recents(userId: UserId, window: number, after: CursorKey | null, limit: number): DirectoryPage {
    const [seq, u] = after ?? [Number.MAX_SAFE_INTEGER, ''];
    const rows = this.#q(
      `SELECT m.user_id, MAX(m.seq) AS k1, u.display_name, u.dnd
       FROM (SELECT call_id FROM call_members WHERE user_id = ? ORDER BY seq DESC LIMIT ?) r
       JOIN call_members m ON m.call_id = r.call_id JOIN users u ON u.user_id = m.user_id
       WHERE m.user_id <> ? AND u.disabled = 0
       GROUP BY m.user_id, u.display_name, u.dnd HAVING MAX(m.seq) < ? OR (MAX(m.seq) = ? AND m.user_id > ?)
       ORDER BY k1 DESC, m.user_id LIMIT ?`,
    ).all(userId, window, userId, Number(seq), Number(seq), String(u ?? ''), limit + 1) as Row[]; // fixed by the query
    return this.#page(rows, limit, (r) => [Number(r.k1), r.user_id]);
  }
}

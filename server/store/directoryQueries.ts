import { DIRECTORY_TERMS_VERSION, prefixUpper } from '../domain/directoryTerms.ts';
import type { CursorKey } from './Store.ts';
import type { DirectoryDbRow } from './rows.ts';

/**
 * The directory's queries (search, browse, favorites, recents), written once for both stores.
 * Every query is a range scan of an index with a LIMIT, so one page costs the same with 50 or
 * 50,000 users. The prefix ranges (`term >= p AND term < p + U+10FFFF`) and the cursors only work
 * in byte order: SQLite's default (BINARY), and COLLATE "C" in Postgres, whose default follows the
 * database's locale.
 */
export interface SqlDialect {
  /** The i-th parameter (1-based); both dialects allow using one several times. */
  p(i: number): string;
  /** Appended to a text column whose comparisons and order must be byte order. */
  bytes: string;
}

export const SQLITE_DIALECT: SqlDialect = { p: (i) => `?${i}`, bytes: '' };
export const PG_DIALECT: SqlDialect = { p: (i) => `$${i}`, bytes: ' COLLATE "C"' };

/** meta key holding the DIRECTORY_TERMS_VERSION the index was built with. */
export const DIRECTORY_META_KEY = 'directory_terms_version';

/**
 * False when the index was built by an older folding rule (or never): rebuild it from the users table.
 * An index built by a newer rule stays: during a rolling upgrade a node of the previous release that
 * restarts must not rebuild it backwards (its own queries may then miss what only the new rule folds).
 */
export function directoryIndexCurrent(stored: string | undefined): boolean {
  return Number(stored) >= DIRECTORY_TERMS_VERSION;
}

export interface DirectoryQuery {
  sql: string;
  params: (string | number)[];
  /** The cursor that resumes after a row. */
  key(r: DirectoryDbRow): CursorKey;
}

const textKey = (r: DirectoryDbRow): CursorKey => [String(r.k1), r.user_id];

/** What each position of a cursor key holds: a text column, or a call's seq (a non-negative integer). */
export type KeyPart = 'text' | 'seq';
/** The shape of each listing's key below, which a cursor coming back must have (transport/handlers/directory.ts). */
export const CURSOR_SHAPES = {
  /** textKey: search and browse. */
  search: ['text', 'text'],
  favorites: ['text'],
  recents: ['seq', 'text'],
} as const satisfies Record<string, readonly KeyPart[]>;

/**
 * The first (longest) word is the range scanned; each user is listed once, at its smallest
 * matching term (the NOT EXISTS), so pages never repeat a user; other words must match too.
 */
export function searchQuery(d: SqlDialect, words: readonly string[], after: CursorKey | null, limit: number): DirectoryQuery {
  const [first, ...rest] = words;
  if (first === undefined) return browseQuery(d, after, limit);
  const { p, bytes: c } = d;
  const extra = rest
    .map((_, i) => ` AND EXISTS (SELECT 1 FROM user_search e WHERE e.user_id = s.user_id AND e.term${c} >= ${p(6 + 2 * i)} AND e.term${c} < ${p(7 + 2 * i)})`)
    .join('');
  const sql = `SELECT s.term AS k1, s.user_id, u.display_name, u.dnd FROM user_search s JOIN users u ON u.user_id = s.user_id
    WHERE s.term${c} >= ${p(1)} AND s.term${c} < ${p(2)} AND (s.term${c}, s.user_id${c}) > (${p(3)}, ${p(4)}) AND NOT u.disabled
    AND NOT EXISTS (SELECT 1 FROM user_search d WHERE d.user_id = s.user_id AND d.term${c} >= ${p(1)} AND d.term${c} < s.term${c})${extra}
    ORDER BY s.term${c}, s.user_id${c} LIMIT ${p(5)}`;
  const [t, u] = after ?? ['', ''];
  return { sql, params: [first, prefixUpper(first), String(t), String(u ?? ''), limit + 1, ...rest.flatMap((w) => [w, prefixUpper(w)])], key: textKey };
}

/** No words: everyone by folded display name, ties by id. */
export function browseQuery(d: SqlDialect, after: CursorKey | null, limit: number): DirectoryQuery {
  const { p, bytes: c } = d;
  const [k, u] = after ?? ['', ''];
  const sql = `SELECT d.sort_key AS k1, d.user_id, u.display_name, u.dnd FROM user_directory d JOIN users u ON u.user_id = d.user_id
    WHERE (d.sort_key${c}, d.user_id${c}) > (${p(1)}, ${p(2)}) AND NOT u.disabled ORDER BY d.sort_key${c}, d.user_id${c} LIMIT ${p(3)}`;
  return { sql, params: [String(k), String(u ?? ''), limit + 1], key: textKey };
}

export function favoritesQuery(d: SqlDialect, userId: string, after: CursorKey | null, limit: number): DirectoryQuery {
  const { p, bytes: c } = d;
  const sql = `SELECT f.favorite_id AS k1, u.user_id, u.display_name, u.dnd FROM favorites f JOIN users u ON u.user_id = f.favorite_id
    WHERE f.user_id = ${p(1)} AND f.favorite_id${c} > ${p(2)} AND NOT u.disabled ORDER BY f.favorite_id${c} LIMIT ${p(3)}`;
  return { sql, params: [userId, String(after?.[0] ?? ''), limit + 1], key: (r) => [r.user_id] };
}

/** The distinct other members of the user's `window` newest calls, by their latest call (seq) first. */
export function recentsQuery(d: SqlDialect, userId: string, window: number, after: CursorKey | null, limit: number): DirectoryQuery {
  const { p, bytes: c } = d;
  const [seq, u] = after ?? [Number.MAX_SAFE_INTEGER, ''];
  const sql = `SELECT m.user_id, MAX(m.seq) AS k1, u.display_name, u.dnd
    FROM (SELECT call_id FROM call_members WHERE user_id = ${p(1)} ORDER BY seq DESC LIMIT ${p(2)}) r
    JOIN call_members m ON m.call_id = r.call_id JOIN users u ON u.user_id = m.user_id
    WHERE m.user_id <> ${p(1)} AND NOT u.disabled
    GROUP BY m.user_id, u.display_name, u.dnd HAVING MAX(m.seq) < ${p(3)} OR (MAX(m.seq) = ${p(3)} AND m.user_id${c} > ${p(4)})
    ORDER BY MAX(m.seq) DESC, m.user_id${c} LIMIT ${p(5)}`;
  return { sql, params: [userId, window, Number(seq), String(u ?? ''), limit + 1], key: (r) => [Number(r.k1), r.user_id] };
}

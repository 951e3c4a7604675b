import type pg from 'pg';
import type { Call } from '../../src/shared/call/index.ts';
import type { UserId } from '../../src/shared/protocol/index.ts';
import { ReadBatch } from './ReadBatch.ts';
import { decodeCallRows, userFromRow, type UserDbRow } from './rows.ts';
import type { UserRow } from './Store.ts';

type HotDbRow = { k: 'u' | 'c'; seq: number | null; body: string | null } & UserDbRow;
type HotRow = { kind: 'user'; user: UserRow } | { kind: 'call'; call: Call };

/**
 * The two reads every invitation makes, the invitees' user rows and the started calls of the caller
 * and invitees (busy), in ONE statement per turn of the event loop: a node's profile in bench:cluster
 * had 16 % of its time in writing Postgres queries, one write each, and these were two of an
 * invitation's three statements. The calls' part puts the users' call ids first (an init plan),
 * then those calls by key: given the choice, the planner scanned every started call (830 rows per
 * invitation, stats lagging a fast-growing table). Not a named statement: as one, its generic plan
 * took 466 µs a call against 170 µs planned each time.
 */
const HOT_READ = `SELECT 'u' AS k, NULL::bigint AS seq, NULL::text AS body, user_id, display_name, password_hash, disabled, created_at, tokens_after, dnd
  FROM users WHERE user_id = ANY($1::text[])
UNION ALL
SELECT 'c', c.seq, c.body, c.call_id, NULL, NULL, NULL, NULL, NULL, NULL
  FROM calls c WHERE c.call_id = ANY(ARRAY(SELECT m.call_id FROM call_members m WHERE m.user_id = ANY($2::text[]))) AND c.call_state = 'started'
ORDER BY seq NULLS FIRST`;

/** Keys are the kind and the user id: `u:<id>` for a user row, `c:<id>` for that user's started calls. */
export class PgHotReads {
  readonly #batch: ReadBatch<string, HotRow>;

  constructor(pool: Pick<pg.Pool, 'query'>, maxKeys: number) {
    this.#batch = new ReadBatch<string, HotRow>(
      async (keys) => {
        const users = keys.filter((k) => k.startsWith('u:')).map((k) => k.slice(2));
        const members = keys.filter((k) => k.startsWith('c:')).map((k) => k.slice(2));
        const { rows } = await pool.query<HotDbRow>(HOT_READ, [users, members]);
        const calls = decodeCallRows(rows.flatMap((r) => (r.k === 'c' && r.body !== null ? [{ call_id: r.user_id, body: r.body }] : [])));
        return [...rows.flatMap((r): HotRow[] => (r.k === 'u' ? [{ kind: 'user', user: userFromRow(r) }] : [])), ...calls.map((call): HotRow => ({ kind: 'call', call }))];
      },
      { maxKeys },
    );
  }

  async user(userId: UserId): Promise<UserRow | undefined> {
    for (const r of await this.#batch.read([`u:${userId}`])) if (r.kind === 'user' && r.user.userId === userId) return r.user;
    return undefined;
  }

  /** The started calls any of these users is in (each once, oldest first). */
  async startedCallsOf(userIds: readonly UserId[]): Promise<Call[]> {
    const asked = new Set<string>(userIds);
    const rows = await this.#batch.read(userIds.map((u) => `c:${u}`));
    return rows.flatMap((r) => (r.kind === 'call' && r.call.members.some((m) => asked.has(m.userId)) ? [r.call] : []));
  }
}

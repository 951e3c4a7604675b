import type pg from 'pg';
import type { CallId } from '../../src/shared/protocol/index.ts';
import { named } from './pgStatements.ts';
import type { encodeSaves } from './rows.ts';

/** A call save as PgStore.saveCalls batches it (the call, its JSON body, its fence, its record). */
export type EncodedSave = ReturnType<typeof encodeSaves>[number];
/** The pool, or a client inside a transaction. */
export type Queryable = Pick<pg.Pool, 'query'>;

/** One round of a batch in one statement; the calls that landed (a stale fence is not RETURNed). */
export async function saveRound(query: Queryable, rows: EncodedSave[]): Promise<Set<CallId>> {
  const members = rows.flatMap((r) => r.call.members.map((m) => [m.userId, r.call.callID] as const));
  const records = rows.flatMap((r) => (r.record && r.recordBody ? [{ record: r.record, body: r.recordBody }] : []));
  // One statement, so one round trip and atomic by itself: a fenced row updates only while its
  // epoch is still the call's (else it is not RETURNed, and is reported), members and records are
  // written only for the rows that landed, with the seq the call got.
  const { rows: returned } = await query.query<{ call_id: CallId }>(
    named(
      `WITH input AS (
       SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[], $5::bigint[], $6::text[]) AS i (call_id, call_state, created_at, body, epoch, node)
     ), fenced_up AS (
       INSERT INTO calls (call_id, call_state, created_at, body, owner_epoch, owner_node)
       SELECT call_id, call_state, created_at, body, epoch, node FROM input WHERE epoch IS NOT NULL
       ON CONFLICT (call_id) DO UPDATE SET call_state = excluded.call_state, body = excluded.body WHERE calls.owner_epoch = excluded.owner_epoch
       RETURNING call_id, seq
     ), open_up AS (
       INSERT INTO calls (call_id, call_state, created_at, body)
       SELECT call_id, call_state, created_at, body FROM input WHERE epoch IS NULL
       ON CONFLICT (call_id) DO UPDATE SET call_state = excluded.call_state, body = excluded.body
       RETURNING call_id, seq
     ), saved AS (
       SELECT call_id, seq FROM fenced_up UNION ALL SELECT call_id, seq FROM open_up
     ), members AS (
       INSERT INTO call_members (user_id, call_id, seq)
       SELECT m.user_id, m.call_id, s.seq FROM unnest($7::text[], $8::text[]) AS m (user_id, call_id) JOIN saved s ON s.call_id = m.call_id
       ON CONFLICT DO NOTHING
     ), records AS (
       INSERT INTO call_records (call_id, ended_at, body)
       SELECT r.call_id, r.ended_at, r.body FROM unnest($9::text[], $10::bigint[], $11::text[]) AS r (call_id, ended_at, body) JOIN saved s ON s.call_id = r.call_id
       ON CONFLICT (call_id) DO UPDATE SET ended_at = excluded.ended_at, body = excluded.body
     )
     SELECT call_id FROM saved`,
    [
      rows.map((r) => r.call.callID),
      rows.map((r) => r.call.callState),
      rows.map((r) => r.call.createdAt),
      rows.map((r) => r.body),
      rows.map((r) => r.fence?.epoch ?? null),
      rows.map((r) => r.fence?.node ?? null),
      members.map(([u]) => u),
      members.map(([, c]) => c),
      records.map((r) => r.record.callID),
      records.map((r) => r.record.endedAt),
      records.map((r) => r.body),
    ],
    ),
  );
  return new Set(returned.map((r) => r.call_id));
}

import { CallRecordSchema, DndStatusSchema, USER_ID_PATTERN, UserIdSchema, type CallRecord, type DeviceId, type UserId } from '../../src/shared/protocol/index.ts';
import type { Call } from '../../src/shared/call/index.ts';
import { Logger } from '../logger.ts';
import { decodeCall, encodeCall } from './callCodec.ts';
import type { CallFence, CallSave, CursorKey, DeviceTokenState, DirectoryEntry, DirectoryPage, Revocation, RevocationReason, UserRow } from './Store.ts';
import { errorMessage } from '../../src/shared/errors.ts';

const log = new Logger('Store');
/** users.dnd's column default, what nearly every row holds: read without parsing. */
const DND_OFF_JSON = '{"enabled":false,"allowList":[]}';

/** A users row as both stores return it (SQLite has no boolean: 0/1). */
export interface UserDbRow {
  user_id: string;
  display_name: string;
  password_hash: string;
  disabled: number | boolean;
  created_at: number;
  tokens_after: number;
  dnd: string;
}

export function userFromRow(r: UserDbRow): UserRow {
  const dnd = r.dnd === DND_OFF_JSON ? { success: true as const, data: { enabled: false, allowList: [] } } : DndStatusSchema.safeParse(JSON.parse(r.dnd));
  return {
    userId: storedUserId(r.user_id),
    displayName: r.display_name,
    passwordHash: r.password_hash,
    disabled: r.disabled === true || r.disabled === 1,
    createdAt: r.created_at,
    tokensAfter: r.tokens_after,
    dnd: dnd.success ? dnd.data : { enabled: false, allowList: [] },
  };
}

/** Stored calls are validated on the way out: a damaged row is reported and skipped, never trusted. */
export function decodeCallRows(rows: readonly { body: string; call_id: string }[]): Call[] {
  const out: Call[] = [];
  for (const r of rows) {
    try {
      out.push(decodeCall(r.body));
    } catch (e) {
      log.error('skipping damaged call row %s: %s', r.call_id, errorMessage(e));
    }
  }
  return out;
}

/** Call records, likewise: a damaged one is reported and skipped. */
export function decodeRecordRows(rows: readonly { body: string; call_id: string }[]): CallRecord[] {
  const out: CallRecord[] = [];
  for (const r of rows) {
    let raw: unknown;
    try {
      raw = JSON.parse(r.body);
    } catch {
      raw = null;
    }
    const parsed = CallRecordSchema.safeParse(raw);
    if (parsed.success) out.push(parsed.data);
    else log.error('skipping damaged call record %s', r.call_id);
  }
  return out;
}

/** A page read with LIMIT count + 1: the extra row only says that more follow, and the last kept row's seq is the cursor. */
export function pageBySeq<R extends { seq: number }>(rows: readonly R[], count: number): { page: R[]; nextFlag: number } {
  const page = rows.slice(0, count);
  const last = page.at(-1);
  return { page, nextFlag: rows.length > count && last ? last.seq : 0 };
}

export interface RevocationDbRow {
  seq: number;
  user_id: string;
  reason: string;
  except_device: string | null;
  at: number;
}

export function revocationFromRow(r: RevocationDbRow): Revocation {
  // Written only by the stores' own revocation insert, from a RevocationReason and validated ids.
  return { seq: r.seq, userId: r.user_id as UserId, reason: r.reason as RevocationReason, exceptDevice: r.except_device as DeviceId | null, at: r.at };
}

/** A device never seen has no row: nothing revoked, nothing superseded. */
export function tokenStateFromRow(r: { tokens_after: number; superseded_before: number; superseded_at: number } | undefined): DeviceTokenState {
  return { tokensAfter: r?.tokens_after ?? 0, supersededBefore: r?.superseded_before ?? 0, supersededAt: r?.superseded_at ?? 0 };
}

/** users.dnd is written by setDnd from a parsed DndStatus; anything unreadable counts as off. */
export function dndOn(json: string): boolean {
  if (json === DND_OFF_JSON) return false;
  try {
    return (JSON.parse(json) as { enabled?: unknown }).enabled === true; // only `enabled` is read, and checked
  } catch {
    return false;
  }
}

/** A directory row: the user and the first part of its sort key (k1). */
export interface DirectoryDbRow {
  user_id: string;
  display_name: string;
  dnd: string;
  k1: string | number;
}

/**
 * A stored user id, checked: a page or a subscription reads 50-200 of them, so the pattern is
 * tested directly and the schema runs only to describe a damaged one.
 */
export function storedUserId(id: string): UserId {
  return USER_ID_PATTERN.test(id) ? (id as UserId) : UserIdSchema.parse(id); // the pattern is the schema's whole check
}

export function entryFromRow(r: { user_id: string; display_name: string; dnd: string }): DirectoryEntry {
  return { userId: storedUserId(r.user_id), displayName: r.display_name, dnd: dndOn(r.dnd) };
}

export function entryWithDisabledFromRow(r: { user_id: string; display_name: string; dnd: string; disabled: number | boolean }): DirectoryEntry & { disabled: boolean } {
  return { ...entryFromRow(r), disabled: r.disabled === true || r.disabled === 1 };
}

/** Rows read with LIMIT limit + 1, as for pageBySeq; `key` turns the last kept row into the cursor. */
export function directoryPage(rows: readonly DirectoryDbRow[], limit: number, key: (r: DirectoryDbRow) => CursorKey): DirectoryPage {
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return { users: page.map(entryFromRow), next: rows.length > limit && last ? key(last) : null };
}

/** A batch's rows, encoded and validated before any transaction opens: a bad item fails the batch without touching the database. */
export function encodeSaves(batch: readonly CallSave[]): { call: Call; record: CallRecord | null; body: string; recordBody: string | null; fence: CallFence | undefined }[] {
  return batch.map(({ call, record, fence }) => ({ call, record, body: encodeCall(call), recordBody: record && JSON.stringify(CallRecordSchema.parse(record)), fence }));
}

import { CallRecordSchema, DndStatusSchema, UserIdSchema, type CallRecord } from '../../src/shared/protocol/index.ts';
import type { Call } from '../../src/shared/call/index.ts';
import { Logger } from '../logger.ts';
import { decodeCall } from './callCodec.ts';
import type { UserRow } from './Store.ts';

const log = new Logger('Store');

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
  const dnd = DndStatusSchema.safeParse(JSON.parse(r.dnd));
  return {
    userId: UserIdSchema.parse(r.user_id),
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
      log.error('skipping damaged call row %s: %s', r.call_id, e instanceof Error ? e.message : String(e));
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

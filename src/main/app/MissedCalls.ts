import { mediaOf } from '../../shared/ipc/callMeta.ts';
import { isMissedCall } from '../../shared/ipc/missed.ts';
import type { MissedCalls as MissedCallsState } from '../../shared/ipc/model.ts';
import type { CallInfo, CallRecord, UserId } from '../../shared/protocol/index.ts';

const KEEP = 50;
type Missed = MissedCallsState['calls'][number];
/** `at` is when the call came in (what the list shows); `missedAt` when it ended unanswered (what "seen" compares). */
type Entry = Missed & { missedAt: number };

/**
 * Missed calls and the badge count. At every sign-in the newest page of call records is read, so calls
 * missed while the app was not running are counted too; after that, call records keep it current.
 * "Seen" is a time kept in settings, so the count survives restarts.
 */
export class MissedCalls {
  #calls: Entry[] = [];
  #seenAt: number;

  constructor(seenAt: number) {
    this.#seenAt = seenAt;
  }

  get state(): MissedCallsState {
    return { count: this.#calls.filter((c) => c.missedAt > this.#seenAt).length, calls: this.#calls.map(({ missedAt: _, ...c }) => c) };
  }

  /**
   * Replaces what we know from a page of call records (queryCallRecords, newest first): they hold
   * the outcome of calls that ended while this device was away. Returns the calls new since last seen.
   */
  loadRecords(records: readonly CallRecord[], me: UserId): Missed[] {
    const known = new Set(this.#calls.map((c) => c.callID));
    const fresh = records.filter((r) => missedIn(r, me)).map(entryOfRecord);
    this.#calls = this.#merge(fresh);
    return fresh.filter((c) => !known.has(c.callID) && c.missedAt > this.#seenAt).map(({ missedAt: _, ...c }) => c);
  }

  /** A call just ended: if `me` missed it, it is added and returned. */
  onEnded(call: CallInfo, me: UserId): Missed | null {
    if (!isMissedCall(call, me) || this.#calls.some((c) => c.callID === call.callID)) return null;
    const { missedAt: _, ...m } = entryOf(call);
    this.#calls = this.#merge([entryOf(call)]);
    return m;
  }

  /** A record of a call we have no view of (ended while we were away) still counts when it says missed. */
  onRecord(record: CallRecord, me: UserId): Missed | null {
    if (!missedIn(record, me) || this.#calls.some((c) => c.callID === record.callID)) return null;
    const { missedAt: _, ...m } = entryOfRecord(record);
    this.#calls = this.#merge([entryOfRecord(record)]);
    return m;
  }

  markSeen(now: number): number {
    this.#seenAt = Math.max(now, ...this.#calls.map((c) => c.missedAt));
    return this.#seenAt;
  }

  #merge(more: Entry[]): Entry[] {
    const byId = new Map(this.#calls.map((c) => [c.callID, c]));
    for (const m of more) byId.set(m.callID, m);
    return [...byId.values()].sort((a, b) => b.at - a.at).slice(0, KEEP);
  }
}

function entryOf(c: CallInfo): Entry {
  return { callID: c.callID, from: c.inviter, at: c.createdAt, media: mediaOf(c.extendedData), missedAt: c.endedAt ?? c.createdAt };
}

/** The record's word for isMissedCall: I was invited and neither answered nor declined. */
function missedIn(r: CallRecord, me: UserId): boolean {
  const mine = r.participants.find((p) => p.userId === me);
  return mine !== undefined && mine.role === 'invitee' && (mine.outcome === 'missed' || mine.outcome === 'cancelled');
}

function entryOfRecord(r: CallRecord): Entry {
  return { callID: r.callID, from: r.inviter, at: r.createdAt, media: mediaOf(r.extendedData ?? ''), missedAt: r.endedAt };
}

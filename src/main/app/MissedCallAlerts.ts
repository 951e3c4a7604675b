import { RingdeskError } from '../../shared/errors.ts';
import type { MissedCalls as MissedCallsState } from '../../shared/ipc/model.ts';
import type { CallInfo, CallRecord, UserId } from '../../shared/protocol/index.ts';
import type { Platform } from '../platform/ports.ts';
import type { SettingsStore } from '../settings/SettingsStore.ts';
import type { Connection } from './Connection.ts';
import { MissedCalls } from './MissedCalls.ts';

type Missed = MissedCallsState['calls'][number];

/** What the alerts need from DesktopCore: the OS's badge and notifications, and a few of its hooks. */
export interface MissedAlertsTarget {
  readonly p: Pick<Platform, 'notifier' | 'attention'>;
  /** Keeps "seen" across restarts. */
  readonly settings: Pick<SettingsStore, 'update'>;
  nameOf(u: UserId): string;
  /** A missed-call notification's click: what the tray's "Missed calls" does. */
  open(): void;
  /** The list or its count changed (after the badge): the renderer and the tray follow. */
  changed(m: MissedCallsState): void;
}

/**
 * Missed calls as the user meets them: MissedCalls keeps the list, this keeps the badge on its
 * count, notifies each new one, and saves when the user has seen them.
 */
export class MissedCallAlerts {
  readonly #t: MissedAlertsTarget;
  readonly #missed: MissedCalls;

  constructor(seenAt: number, target: MissedAlertsTarget) {
    this.#missed = new MissedCalls(seenAt);
    this.#t = target;
  }

  get state(): MissedCallsState {
    return this.#missed.state;
  }

  /** The records read at sign-in. Only a fresh sign-in notifies (the newest of the calls new since last seen): a resume is not news. */
  loadRecords(records: readonly CallRecord[], conn: Connection, notify: boolean): void {
    const fresh = this.#missed.loadRecords(records, s0(conn));
    this.#changed();
    const newest = fresh[0];
    if (newest && notify) this.#t.p.notifier.showMissedCall({ userId: newest.from, name: this.#t.nameOf(newest.from) }, fresh.length, () => this.#t.open());
  }

  onEnded(call: CallInfo, conn: Connection): void {
    this.#note(this.#missed.onEnded(call, s0(conn)));
  }

  onRecord(record: CallRecord, conn: Connection): void {
    this.#note(this.#missed.onRecord(record, s0(conn)));
  }

  markSeen(now: number): void {
    this.#t.settings.update({ missedSeenAt: this.#missed.markSeen(now) });
    this.#changed();
  }

  #note(m: Missed | null): void {
    if (!m) return;
    this.#t.p.notifier.showMissedCall({ userId: m.from, name: this.#t.nameOf(m.from) }, this.#missed.state.count, () => this.#t.open());
    this.#changed();
  }

  #changed(): void {
    const m = this.#missed.state;
    this.#t.p.attention.setBadge(m.count);
    this.#t.changed(m);
  }
}

/** The signed-in user of a connection that has had a session (views and records only arrive after one). */
function s0(conn: Connection): UserId {
  const me = conn.me;
  if (!me) throw new RingdeskError('not_signed_in', 'no session yet');
  return me;
}

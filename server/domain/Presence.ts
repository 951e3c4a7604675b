import { RingdeskError } from '../../src/shared/errors.ts';
import type { PresenceEntry, UserId } from '../../src/shared/protocol/index.ts';

/**
 * Connections written per slice of a flush. A popular user's change goes to hundreds of connections,
 * one socket write each (about 30 µs on loopback): sent in one go, that held an invitation read in
 * the same loop iteration back by several milliseconds (bench:signaling's p99 with sign-in churn).
 * Between slices the event loop reads its sockets, so a call push waits for one slice at most;
 * presence, which nobody watches to the millisecond, takes a few loop iterations longer.
 */
export const PRESENCE_SLICE = 32;

/** What Presence needs of a connection: somewhere to write a frame. */
export interface PresenceSink {
  send(frame: string): void;
}

/**
 * Presence by subscription. Each connection subscribes to the users it shows; the server keeps
 * the index user → subscribed connections (and connection → users, to clean up on close), so a
 * change costs one write per subscriber, never one per online user. Changes are batched per flush
 * interval: a login storm costs each subscriber one push per interval, not one per login. A flush's
 * pushes are written PRESENCE_SLICE connections per loop iteration, so a popular user's change never
 * holds a call push back for long.
 */
export class Presence {
  readonly #flushMs: number;
  readonly #cap: number;
  readonly #watchers = new Map<UserId, Set<PresenceSink>>();
  readonly #watching = new Map<PresenceSink, Set<UserId>>();
  readonly #pending = new Map<UserId, PresenceEntry>();
  /** Connections already dropped: a subscribe whose store lookup outlived its socket must not index them again. */
  readonly #dropped = new WeakSet<PresenceSink>();
  #timer: NodeJS.Timeout | null = null;
  /** Pushes of flushes not yet written, in flush order (so a connection never sees an older state after a newer one); `#head` is the next to send. */
  #queue: Array<{ conn: PresenceSink; frame: string }> = [];
  #head = 0;
  #sliceScheduled = false;
  readonly #nextSlice: (send: () => void) => void;

  /** Told when a user gets their first subscriber here, and when their last one goes (a cluster tells Redis). */
  readonly #onWatch: (userId: UserId, watched: boolean) => void;

  /** `nextSlice` schedules the next slice of a flush's pushes; tests pass their own to step through them. */
  constructor(
    flushMs: number,
    capPerConnection: number,
    onWatch: (userId: UserId, watched: boolean) => void = () => undefined,
    nextSlice: (send: () => void) => void = (f) => void setImmediate(f),
  ) {
    this.#flushMs = flushMs;
    this.#cap = capPerConnection;
    this.#onWatch = onWatch;
    this.#nextSlice = nextSlice;
  }

  /** All or nothing: refused with limit_exceeded when the connection would pass its cap. Returns its new count. */
  subscribe(conn: PresenceSink, userIds: readonly UserId[]): number {
    const mine = this.#watching.get(conn) ?? new Set<UserId>();
    const fresh = userIds.filter((u) => !mine.has(u));
    if (mine.size + fresh.length > this.#cap) {
      throw new RingdeskError('limit_exceeded', `a connection may subscribe to at most ${this.#cap} users (${mine.size} now, ${fresh.length} more asked)`);
    }
    if (fresh.length === 0 || this.#dropped.has(conn)) return mine.size;
    this.#watching.set(conn, mine);
    for (const u of fresh) {
      mine.add(u);
      let w = this.#watchers.get(u);
      if (!w) {
        this.#watchers.set(u, (w = new Set()));
        this.#onWatch(u, true);
      }
      w.add(conn);
    }
    return mine.size;
  }

  unsubscribe(conn: PresenceSink, userIds: readonly UserId[]): number {
    const mine = this.#watching.get(conn);
    if (!mine) return 0;
    for (const u of userIds) if (mine.delete(u)) this.#unwatch(u, conn);
    if (mine.size === 0) this.#watching.delete(conn);
    return mine.size;
  }

  /** The connection closed: it leaves every index. */
  drop(conn: PresenceSink): void {
    this.#dropped.add(conn);
    const mine = this.#watching.get(conn);
    if (!mine) return;
    this.#watching.delete(conn);
    for (const u of mine) this.#unwatch(u, conn);
  }

  #unwatch(u: UserId, conn: PresenceSink): void {
    const w = this.#watchers.get(u);
    if (!w) return;
    w.delete(conn);
    if (w.size === 0) {
      this.#watchers.delete(u);
      this.#onWatch(u, false);
    }
  }

  /** The users with at least one subscriber here. */
  watched(): IterableIterator<UserId> {
    return this.#watchers.keys();
  }

  subscriptionCount(conn: PresenceSink): number {
    return this.#watching.get(conn)?.size ?? 0;
  }
  /** Users with at least one subscriber (for tests and metrics). */
  get watchedUsers(): number {
    return this.#watchers.size;
  }

  changed(c: PresenceEntry): void {
    // Nobody watches: nothing to send, so nothing to batch.
    if (!this.#watchers.has(c.userId)) return;
    this.#pending.set(c.userId, c);
    this.#timer ??= setTimeout(() => this.flush(), this.#flushMs);
  }

  /**
   * One push per subscribed connection with the changes it subscribed to: O(subscribers of the changed users).
   * The first PRESENCE_SLICE are written now (unless an earlier flush is still being written), the rest a slice per
   * loop iteration.
   */
  flush(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    if (this.#pending.size === 0) return;
    const out = new Map<PresenceSink, PresenceEntry[]>();
    for (const c of this.#pending.values()) {
      for (const conn of this.#watchers.get(c.userId) ?? []) {
        const list = out.get(conn);
        if (list) list.push(c);
        else out.set(conn, [c]);
      }
    }
    this.#pending.clear();
    // A single change (the common case) is serialised once for all its subscribers.
    const shared = new Map<PresenceEntry, string>();
    const idle = this.#head === this.#queue.length;
    for (const [conn, users] of out) {
      const one = users.length === 1 ? users[0] : undefined;
      let frame = one && shared.get(one);
      if (!frame) {
        frame = JSON.stringify({ type: 'presenceChanged', data: { users } });
        if (one) shared.set(one, frame);
      }
      this.#queue.push({ conn, frame });
    }
    if (idle) this.#sendSlice();
  }

  /** Pushes queued by flushes and not yet written (for tests and metrics). */
  get queuedPushes(): number {
    return this.#queue.length - this.#head;
  }

  #sendSlice(): void {
    const end = Math.min(this.#head + PRESENCE_SLICE, this.#queue.length);
    for (; this.#head < end; this.#head++) {
      const { conn, frame } = this.#queue[this.#head] as { conn: PresenceSink; frame: string }; // #head < end <= length
      // A connection that closed since its flush has left every index: nothing to tell it.
      if (!this.#dropped.has(conn)) conn.send(frame);
    }
    if (this.#head < this.#queue.length) {
      if (this.#sliceScheduled) return;
      this.#sliceScheduled = true;
      this.#nextSlice(() => {
        this.#sliceScheduled = false;
        this.#sendSlice();
      });
      return;
    }
    this.#queue = [];
    this.#head = 0;
  }

  stop(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    this.#queue = [];
    this.#head = 0;
  }
}

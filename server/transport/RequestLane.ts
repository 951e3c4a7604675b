import type { RequestType } from '../../src/shared/protocol/index.ts';
import { Logger } from '../logger.ts';

const log = new Logger('RequestLane');

/**
 * Requests that may wait behind calling: signing in and the reads an app makes right after (lists,
 * the directory, presence snapshots). In a reconnect storm thousands of these arrive at once, and
 * run as they arrived they held the event loop for seconds in front of the invitations of users
 * already signed in (docs/benchmarks.md). Calling, media, heartbeats and changes a user makes run at
 * once; these go through the lane.
 */
export const LANE_REQUESTS: ReadonlySet<RequestType> = new Set<RequestType>([
  'login',
  'resume',
  'queryCallInvitationList',
  'queryActiveCalls',
  'queryCallRecords',
  'directorySearch',
  'favoritesList',
  'recentsList',
  'presenceSubscribe',
]);

/** Work started per event-loop turn before the lane yields to I/O (the time of the synchronous part of each start). */
export const LANE_BUDGET_MS = 5;

export interface RequestLaneOptions {
  budgetMs?: number;
  /** A monotonic clock in ms (performance.now by default; injected in tests). */
  now?: () => number;
  /** Runs `fn` after pending I/O (setImmediate by default; injected in tests). */
  schedule?: (fn: () => void) => void;
}

interface Item {
  start: () => void;
  at: number;
}

/**
 * A FIFO of deferrable request starts, drained at most `budgetMs` per event-loop turn: between two
 * slices the loop reads sockets and runs what came in, so the requests that run at once (an
 * invitation, an answer) wait for at most one slice, however many sign-ins are queued. The work
 * is the same and in the same order; only its place in the loop changes. How long the oldest start
 * has waited is an overload signal for admission control (AdmissionControl's `queueWaitMs`).
 */
export class RequestLane {
  readonly #budgetMs: number;
  readonly #now: () => number;
  readonly #schedule: (fn: () => void) => void;
  #items: (Item | undefined)[] = [];
  #head = 0;
  #scheduled = false;

  constructor(o: RequestLaneOptions = {}) {
    this.#budgetMs = o.budgetMs ?? LANE_BUDGET_MS;
    this.#now = o.now ?? (() => performance.now());
    this.#schedule = o.schedule ?? ((fn) => void setImmediate(fn));
  }

  get length(): number {
    return this.#items.length - this.#head;
  }

  /** How long the oldest queued start has waited, in ms (0 when the lane is empty). */
  get waitMs(): number {
    const first = this.#items[this.#head];
    return first ? this.#now() - first.at : 0;
  }

  /** Queues `start`; it runs in a later turn, after every start queued before it. */
  push(start: () => void): void {
    this.#items.push({ start, at: this.#now() });
    if (this.#scheduled) return;
    this.#scheduled = true;
    this.#schedule(() => this.#drain());
  }

  #drain(): void {
    this.#scheduled = false;
    const until = this.#now() + this.#budgetMs;
    do {
      const item = this.#items[this.#head];
      if (!item) break;
      this.#items[this.#head++] = undefined; // released for GC; the slot is behind #head
      try {
        item.start();
      } catch (e) {
        // ClientConnection's starts answer every failure themselves; one that throws is a bug, and must not stall the lane.
        log.error('a queued request failed to start: %s', e instanceof Error ? (e.stack ?? e.message) : String(e));
      }
    } while (this.#now() < until);
    if (this.#head === this.#items.length) {
      this.#items = [];
      this.#head = 0;
    } else if (this.#head > 4096 && this.#head * 2 > this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
    if (this.length > 0 && !this.#scheduled) {
      this.#scheduled = true;
      this.#schedule(() => this.#drain());
    }
  }
}

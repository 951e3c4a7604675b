import { monitorEventLoopDelay } from 'node:perf_hooks';

export interface AdmissionLimits {
  /** Event-loop delay (p99 over the last sample window) above which new connections are turned away. */
  maxEventLoopLagMs: number;
  /** Connections opened and not yet signed in (login/resume pending) above which new ones are turned away. */
  maxPendingSignIns: number;
  /**
   * How long sign-ins may wait in the request lane (RequestLane.waitMs) before newcomers are turned
   * away. The lane keeps the loop responsive for signed-in users however long it is, so this bounds
   * how long a newcomer's sign-in waits (it must stay well under authTimeoutMs), not their latency.
   */
  maxQueueWaitMs: number;
  /** The retry hint at the thresholds; it grows with the overload, up to 4×. */
  retryAfterMs: number;
  /**
   * Admitted per second even while overloaded, so a storm always drains. On a machine starved by
   * other work (or by a fan-out that grows with every user) the lag can stay over its limit for
   * minutes; refusing everyone then only makes everyone wait longer. While sign-ins complete faster
   * than this, the trickle follows them instead (AdmissionControl: one in for each one done).
   */
  minAdmitPerSec: number;
}

export interface Load {
  lagMs: number;
  queueWaitMs: number;
  pendingSignIns: number;
}

export type Admission = { admit: true } | { admit: false; why: 'eventLoopLag' | 'queueWait' | 'pendingSignIns'; retryAfterMs: number };

/** The most a hint grows: a badly overloaded server asks for at most 4 × retryAfterMs. */
const MAX_HINT_FACTOR = 4;
/** Sign-ins completed are counted in buckets this long, over the last RATE_BUCKETS of them (one second). */
const BUCKET_MS = 250;
const RATE_BUCKETS = 4;

/**
 * The decision alone (pure, table-tested): admit unless the loop lags past its limit, sign-ins wait
 * in the lane past theirs, or too many sign-ins are pending; the hint scales with how far past the
 * limit the server is.
 */
export function decideAdmission(load: Load, limits: Omit<AdmissionLimits, 'minAdmitPerSec'>): Admission {
  const lagRatio = load.lagMs / limits.maxEventLoopLagMs;
  const queueRatio = load.queueWaitMs / limits.maxQueueWaitMs;
  const pendingRatio = load.pendingSignIns / limits.maxPendingSignIns;
  if (lagRatio <= 1 && queueRatio <= 1 && pendingRatio < 1) return { admit: true };
  const factor = Math.min(MAX_HINT_FACTOR, Math.max(1, lagRatio, queueRatio, pendingRatio));
  const why = lagRatio > 1 ? 'eventLoopLag' : queueRatio > 1 ? 'queueWait' : 'pendingSignIns';
  return { admit: false, why, retryAfterMs: Math.round(limits.retryAfterMs * factor) };
}

/** The close reason carrying the hint; clients parse "retry after <n> ms" (docs/protocol.md, close code 4503). */
export const busyReason = (retryAfterMs: number): string => `server busy; retry after ${retryAfterMs} ms`;

export interface AdmissionOptions extends AdmissionLimits {
  /** Where the lag comes from; default: perf_hooks.monitorEventLoopDelay, read every `sampleMs`. */
  lag?: () => number;
  /** How long queued sign-ins have waited to start (RequestLane.waitMs); 0 when not given. */
  queueWaitMs?: () => number;
  sampleMs?: number;
  now?: () => number;
}

/**
 * Admission control for a reconnect storm: when the server is overloaded it turns NEW connections
 * away (close 4503 with a retry hint) instead of letting every sign-in slow down every user
 * already connected. Connections already signed in are never affected.
 */
export class AdmissionControl {
  readonly #limits: AdmissionLimits;
  readonly #lag: () => number;
  readonly #queueWait: () => number;
  readonly #histogram: ReturnType<typeof monitorEventLoopDelay> | null = null;
  readonly #timer: NodeJS.Timeout | null = null;
  #lastLagMs = 0;
  #pending = 0;
  readonly #now: () => number;
  /** The trickle admitted while overloaded: a token bucket at the trickle rate, holding at most one second's worth. */
  #trickle: number;
  #trickleAt: number;
  /** Sign-ins completed per BUCKET_MS bucket (by bucket number), for the last second's rate. */
  readonly #completed = new Map<number, number>();
  readonly stats = { admitted: 0, refused: 0, admittedWhileOverloaded: 0 };

  constructor(o: AdmissionOptions) {
    this.#limits = { maxEventLoopLagMs: o.maxEventLoopLagMs, maxPendingSignIns: o.maxPendingSignIns, maxQueueWaitMs: o.maxQueueWaitMs, retryAfterMs: o.retryAfterMs, minAdmitPerSec: o.minAdmitPerSec };
    this.#now = o.now ?? Date.now;
    this.#queueWait = o.queueWaitMs ?? (() => 0);
    this.#trickle = o.minAdmitPerSec;
    this.#trickleAt = this.#now();
    if (o.lag) {
      this.#lag = o.lag;
      return;
    }
    const resolution = 10;
    const h = monitorEventLoopDelay({ resolution });
    h.enable();
    this.#histogram = h;
    // Each sample includes the timer's own resolution: subtract it. The lag is the worse of the last two
    // windows, so one long stall is held for at least a window, not just until the next read.
    let previous = 0;
    this.#timer = setInterval(() => {
      const current = h.count > 0 ? Math.max(0, h.percentile(99) / 1e6 - resolution) : previous;
      this.#lastLagMs = Math.max(previous, current);
      previous = current;
      h.reset();
    }, o.sampleMs ?? 500);
    this.#timer.unref();
    this.#lag = () => this.#lastLagMs;
  }

  get load(): Load {
    return { lagMs: this.#lag(), queueWaitMs: this.#queueWait(), pendingSignIns: this.#pending };
  }

  /** Asked once per new connection, before any work is done for it. */
  admit(): Admission {
    const d = decideAdmission(this.load, this.#limits);
    if (d.admit) {
      this.stats.admitted++;
      return d;
    }
    const now = this.#now();
    const rate = this.trickleRate(now);
    this.#trickle = Math.min(rate, this.#trickle + ((now - this.#trickleAt) / 1000) * rate);
    this.#trickleAt = now;
    if (this.#trickle >= 1) {
      this.#trickle -= 1;
      this.stats.admitted++;
      this.stats.admittedWhileOverloaded++;
      return { admit: true };
    }
    this.stats.refused++;
    return d;
  }

  /**
   * Admitted per second while overloaded: the sign-ins completed over the last second (one in for
   * each one done, so the sign-ins in flight stay level), never under minAdmitPerSec (0 in the
   * config refuses everyone while overloaded). A fixed trickle below what the server completes left
   * it idle in a storm while the refused waited out their hints: at 19,500 users the server was idle
   * 24 % of the storm (docs/benchmarks.md).
   */
  trickleRate(now = this.#now()): number {
    const min = this.#limits.minAdmitPerSec;
    if (min === 0) return 0;
    const current = Math.floor(now / BUCKET_MS);
    let done = 0;
    for (const [bucket, n] of this.#completed) {
      if (bucket > current - RATE_BUCKETS) done += n;
      else this.#completed.delete(bucket);
    }
    return Math.max(min, done);
  }

  /**
   * An admitted connection starts waiting for its sign-in; call the returned function once it signed
   * in (true) or closed (false). Only the first call counts; a sign-in counts toward the trickle.
   */
  signInPending(): (signedIn: boolean) => void {
    this.#pending++;
    let done = false;
    return (signedIn) => {
      if (done) return;
      done = true;
      this.#pending--;
      if (!signedIn) return;
      const bucket = Math.floor(this.#now() / BUCKET_MS);
      this.#completed.set(bucket, (this.#completed.get(bucket) ?? 0) + 1);
    };
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#histogram?.disable();
  }
}

import { monitorEventLoopDelay } from 'node:perf_hooks';

export interface AdmissionLimits {
  /** Event-loop delay (p99 over the last sample window) above which new connections are turned away. */
  maxEventLoopLagMs: number;
  /** Connections opened and not yet signed in (login/resume pending) above which new ones are turned away. */
  maxPendingSignIns: number;
  /** The retry hint at the thresholds; it grows with the overload, up to 4×. */
  retryAfterMs: number;
  /**
   * Admitted per second even while overloaded, so a storm always drains. On a machine starved by
   * other work (or by a fan-out that grows with every user) the lag can stay over its limit for
   * minutes; refusing everyone then only makes everyone wait longer.
   */
  minAdmitPerSec: number;
}

export interface Load {
  lagMs: number;
  pendingSignIns: number;
}

export type Admission = { admit: true } | { admit: false; why: 'eventLoopLag' | 'pendingSignIns'; retryAfterMs: number };

/** The most a hint grows: a badly overloaded server asks for at most 4 × retryAfterMs. */
const MAX_HINT_FACTOR = 4;

/**
 * The decision alone (pure, table-tested): admit unless the loop lags past its limit or too many
 * sign-ins are pending; the hint scales with how far past the limit the server is.
 */
export function decideAdmission(load: Load, limits: Omit<AdmissionLimits, 'minAdmitPerSec'>): Admission {
  const lagRatio = load.lagMs / limits.maxEventLoopLagMs;
  const pendingRatio = load.pendingSignIns / limits.maxPendingSignIns;
  if (lagRatio <= 1 && pendingRatio < 1) return { admit: true };
  const factor = Math.min(MAX_HINT_FACTOR, Math.max(1, lagRatio, pendingRatio));
  return { admit: false, why: lagRatio > 1 ? 'eventLoopLag' : 'pendingSignIns', retryAfterMs: Math.round(limits.retryAfterMs * factor) };
}

/** The close reason carrying the hint; clients parse "retry after <n> ms" (docs/protocol.md, close code 4503). */
export const busyReason = (retryAfterMs: number): string => `server busy; retry after ${retryAfterMs} ms`;

export interface AdmissionOptions extends AdmissionLimits {
  /** Where the lag comes from; default: perf_hooks.monitorEventLoopDelay, read every `sampleMs`. */
  lag?: () => number;
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
  readonly #histogram: ReturnType<typeof monitorEventLoopDelay> | null = null;
  readonly #timer: NodeJS.Timeout | null = null;
  #lastLagMs = 0;
  #pending = 0;
  readonly #now: () => number;
  /** The trickle admitted while overloaded: a token bucket of minAdmitPerSec, holding at most one second's worth. */
  #trickle: number;
  #trickleAt: number;
  readonly stats = { admitted: 0, refused: 0, admittedWhileOverloaded: 0 };

  constructor(o: AdmissionOptions) {
    this.#limits = { maxEventLoopLagMs: o.maxEventLoopLagMs, maxPendingSignIns: o.maxPendingSignIns, retryAfterMs: o.retryAfterMs, minAdmitPerSec: o.minAdmitPerSec };
    this.#now = o.now ?? Date.now;
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
    return { lagMs: this.#lag(), pendingSignIns: this.#pending };
  }

  /** Asked once per new connection, before any work is done for it. */
  admit(): Admission {
    const d = decideAdmission(this.load, this.#limits);
    if (d.admit) {
      this.stats.admitted++;
      return d;
    }
    const now = this.#now();
    const rate = this.#limits.minAdmitPerSec;
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

  /** An admitted connection starts waiting for its sign-in; call the returned function once it signed in or closed. */
  signInPending(): () => void {
    this.#pending++;
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.#pending--;
    };
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#histogram?.disable();
  }
}

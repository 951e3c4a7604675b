import type { AuthThrottleConfig } from './authConfig.ts';

interface Entry {
  failures: number;
  lastFailure: number;
  /** No attempt under this key is checked before then. */
  blockedUntil: number;
}

/**
 * Exponential backoff on failed sign-ins, in memory, keyed by whatever the caller chooses.
 * Once `freeFailures` failures are counted the next attempt waits baseDelayMs, and each further
 * failure doubles the wait (up to maxDelayMs); a key quiet for forgetAfterMs starts again from zero. Never a lockout: the wait
 * is capped and attempts refused during it do not extend it.
 */
export class Throttle {
  readonly #c: AuthThrottleConfig;
  readonly #entries = new Map<string, Entry>();

  constructor(config: AuthThrottleConfig) {
    this.#c = config;
  }

  /** 0 when an attempt under `key` may be checked now, else how many ms until it may. */
  retryAfter(key: string, now: number): number {
    const e = this.#live(key, now);
    return e ? Math.max(0, e.blockedUntil - now) : 0;
  }

  fail(key: string, now: number): void {
    const e = this.#live(key, now) ?? { failures: 0, lastFailure: now, blockedUntil: 0 };
    e.failures++;
    e.lastFailure = now;
    // The failure that uses up the free ones starts the wait: "after 5 failures" means the 6th attempt waits.
    const over = e.failures - this.#c.freeFailures + 1;
    if (over > 0) e.blockedUntil = now + Math.min(this.#c.maxDelayMs, this.#c.baseDelayMs * 2 ** Math.min(over - 1, 30));
    // Re-inserting keeps the map in last-failure order, so the oldest entry is the first to drop.
    this.#entries.delete(key);
    this.#entries.set(key, e);
    while (this.#entries.size > this.#c.maxKeys) {
      const oldest = this.#entries.keys().next().value;
      if (oldest === undefined) break;
      this.#entries.delete(oldest);
    }
  }

  reset(key: string): void {
    this.#entries.delete(key);
  }

  /** Failures counted under `key` (for tests and diagnostics). */
  failures(key: string, now: number): number {
    return this.#live(key, now)?.failures ?? 0;
  }

  get size(): number {
    return this.#entries.size;
  }

  #live(key: string, now: number): Entry | undefined {
    const e = this.#entries.get(key);
    if (e && now - e.lastFailure >= this.#c.forgetAfterMs && now >= e.blockedUntil) {
      this.#entries.delete(key);
      return undefined;
    }
    return e;
  }
}

// A server clock a test can stop, so what the server decides (rate limits, the sign-in deadline, the
// heartbeat sweep) depends on the test's steps and not on how fast a busy machine runs them.
import { SYSTEM_CLOCK, type ServerClock } from '../../server/app.ts';

interface Pending {
  at: number;
  fn: () => void;
  cancelReal?: () => void;
}

/**
 * Running, it is the wall clock with real timers. Stopped, time moves only by advance(), and timers set
 * while stopped fire only when advance() reaches them (in order, synchronously). start() runs on from
 * the stopped time, never jumping back, and hands the timers still pending to real ones.
 */
export class TestClock implements ServerClock {
  #stoppedAt: number | null = null;
  /** Added to Date.now() while running, so time stays monotonic across stop/advance/start. */
  #offset = 0;
  readonly #pending = new Set<Pending>();

  readonly now = (): number => this.#stoppedAt ?? Date.now() + this.#offset;

  readonly after = (ms: number, fn: () => void): (() => void) => {
    if (this.#stoppedAt === null) return SYSTEM_CLOCK.after(ms, fn);
    const p: Pending = { at: this.#stoppedAt + ms, fn };
    this.#pending.add(p);
    return () => {
      this.#pending.delete(p);
      p.cancelReal?.();
    };
  };

  stop(): this {
    this.#stoppedAt ??= this.now();
    return this;
  }

  /** Moves stopped time forward and runs every timer now due, earliest first. */
  advance(ms: number): void {
    if (this.#stoppedAt === null) throw new Error('TestClock.advance() needs a stopped clock');
    const to = this.#stoppedAt + ms;
    this.#stoppedAt = to;
    const due = [...this.#pending].filter((p) => p.at <= to).sort((a, b) => a.at - b.at);
    for (const p of due) {
      this.#pending.delete(p);
      p.fn();
    }
  }

  start(): void {
    if (this.#stoppedAt === null) return;
    const at = this.#stoppedAt;
    this.#offset = at - Date.now();
    this.#stoppedAt = null;
    for (const p of this.#pending) {
      p.cancelReal = SYSTEM_CLOCK.after(Math.max(0, p.at - at), () => {
        this.#pending.delete(p);
        p.fn();
      });
    }
  }
}

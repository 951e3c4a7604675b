import type { UserId } from '../../src/shared/protocol/index.ts';
import type { SessionRegistry } from '../routing/SessionRegistry.ts';

type Change = { userId: UserId; presence: 'online' | 'offline'; dnd: boolean };

/**
 * Presence goes to every contact (for now: every user). Changes are batched per flush interval,
 * so a login storm costs one push per connection per interval, not one per login.
 */
export class Presence {
  readonly #sessions: SessionRegistry;
  readonly #flushMs: number;
  readonly #pending = new Map<UserId, Change>();
  #timer: NodeJS.Timeout | null = null;

  constructor(sessions: SessionRegistry, flushMs: number) {
    this.#sessions = sessions;
    this.#flushMs = flushMs;
  }

  changed(c: Change): void {
    this.#pending.set(c.userId, c);
    this.#timer ??= setTimeout(() => this.flush(), this.#flushMs);
  }

  flush(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    if (this.#pending.size === 0) return;
    const users = [...this.#pending.values()];
    this.#pending.clear();
    this.#sessions.broadcast(this.#sessions.onlineUsers(), { type: 'presenceChanged', data: { users } });
  }

  stop(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
  }
}

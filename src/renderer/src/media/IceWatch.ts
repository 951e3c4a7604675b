import type { types } from 'mediasoup-client';
import { assertNever } from '../../../shared/assertNever.ts';

/** A 'disconnected' transport often comes back by itself within a second or two. */
export const ICE_RESTART_DELAY_MS = 1_500;

export interface IceWatchOptions {
  restart(t: types.Transport): Promise<void>;
  /** A transport dropped: media is being restored. */
  onTrouble(): void;
  /** Every transport that dropped is connected again. */
  onHealthy(): void;
}

/** Follows the transports' connection states: an ICE restart when one drops, a word when all are back. */
export class IceWatch {
  readonly #o: IceWatchOptions;
  readonly #timers = new Map<string, ReturnType<typeof setTimeout>>();

  constructor(o: IceWatchOptions) {
    this.#o = o;
  }

  onState(t: types.Transport, s: types.ConnectionState): void {
    const timer = this.#timers.get(t.id);
    switch (s) {
      case 'new':
      case 'connecting':
      case 'closed':
        return;
      case 'connected':
        if (timer) clearTimeout(timer);
        this.#timers.delete(t.id);
        if (this.#timers.size === 0) this.#o.onHealthy();
        return;
      case 'disconnected':
      case 'failed':
        if (timer) return;
        this.#o.onTrouble();
        this.#timers.set(
          t.id,
          setTimeout(() => void this.#o.restart(t), s === 'failed' ? 0 : ICE_RESTART_DELAY_MS),
        );
        return;
      default:
        assertNever(s, 'connection state');
    }
  }

  clear(): void {
    for (const timer of this.#timers.values()) clearTimeout(timer);
    this.#timers.clear();
  }
}

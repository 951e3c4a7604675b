import { TypedEmitter } from '../../src/shared/events.ts';
import { Logger } from '../logger.ts';
import type { StorageFault } from './storageFaults.ts';

const log = new Logger('StorageHealth');

export interface StorageState {
  /** False from the first storage fault until a write succeeds again. */
  ready: boolean;
  /** The cause of the current (or last) outage. */
  lastError: { code: string; message: string; at: number } | null;
  /** When `ready` last changed (ms since epoch). */
  since: number;
}

export type StorageHealthEvents = {
  /** `ready` flipped; fired once per outage and once per recovery. */
  changed: [state: StorageState];
};

/**
 * One owner for "can the server write its database?". The store wrapper reports faults and successful
 * writes here; /healthz (and /readyz, /metrics) read `ready`. The cause is logged once per outage,
 * not once per refused request.
 */
export class StorageHealth extends TypedEmitter<StorageHealthEvents> {
  readonly #now: () => number;
  #ready = true;
  #lastError: StorageState['lastError'] = null;
  #since: number;
  /** The last fault asked for a reconnect (a read-only open never becomes writable by itself). */
  #needsReopen = false;

  constructor(now: () => number = Date.now) {
    super();
    this.#now = now;
    this.#since = now();
  }

  get ready(): boolean {
    return this.#ready;
  }
  get lastError(): StorageState['lastError'] {
    return this.#lastError;
  }
  get needsReopen(): boolean {
    return this.#needsReopen;
  }
  get state(): StorageState {
    return { ready: this.#ready, lastError: this.#lastError, since: this.#since };
  }

  fault(f: StorageFault): void {
    const at = this.#now();
    this.#lastError = { code: f.code, message: f.message, at };
    this.#needsReopen ||= f.reopen;
    if (!this.#ready) return;
    this.#ready = false;
    this.#since = at;
    log.error('storage unavailable: %s (%s); requests that need it get storage_unavailable until a write succeeds', f.code, f.message);
    this.emit('changed', this.state);
  }

  /** A write went through. */
  ok(): void {
    this.#needsReopen = false;
    if (this.#ready) return;
    const at = this.#now();
    log.info('storage available again after %d ms (was %s)', at - this.#since, this.#lastError?.code ?? '?');
    this.#ready = true;
    this.#since = at;
    this.emit('changed', this.state);
  }
}

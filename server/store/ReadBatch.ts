import type { Scheduler } from './GroupCommit.ts';

interface Waiter<R> {
  resolve: (rows: R[]) => void;
  reject: (e: unknown) => void;
}

/**
 * Reads asked for in one turn of the event loop go to the database as one statement over the
 * union of their keys (the DataLoader pattern, for a statement that takes an array of keys).
 * Every caller gets the batch's rows and keeps its own; `read` must return every row for any of
 * the keys. In a cluster each invitation reads the invitees' user rows and every member's started
 * calls from Postgres: under load many arrive in one poll phase (ws hands each frame its own
 * callback), and one statement instead of one per request spares Postgres's CPU and the node's
 * socket writes, the largest costs in bench:cluster's profile. Scheduled like GroupCommit
 * (setImmediate, after the poll phase), so a quiet server adds no wait worth counting.
 *
 * A failed read fails every request of its batch with the same error (each would have failed alone).
 */
export class ReadBatch<K, R> {
  readonly #read: (keys: K[]) => Promise<R[]>;
  readonly #maxKeys: number;
  readonly #schedule: Scheduler;
  #keys = new Set<K>();
  #waiters: Waiter<R>[] = [];
  #scheduled = false;

  constructor(read: (keys: K[]) => Promise<R[]>, o: { maxKeys: number; schedule?: Scheduler }) {
    if (!(o.maxKeys >= 1)) throw new TypeError('ReadBatch: maxKeys must be ≥ 1');
    this.#read = read;
    this.#maxKeys = o.maxKeys;
    this.#schedule = o.schedule ?? ((f) => void setImmediate(f));
  }

  /** The rows of the batch this request joins (a superset of the rows for `keys`). */
  read(keys: readonly K[]): Promise<R[]> {
    if (keys.length === 0) return Promise.resolve([]);
    // A request that would overflow the batch starts the next one; one larger than a batch goes alone.
    if (this.#keys.size > 0 && this.#keys.size + keys.length > this.#maxKeys) this.#flush();
    for (const k of keys) this.#keys.add(k);
    const p = new Promise<R[]>((resolve, reject) => this.#waiters.push({ resolve, reject }));
    if (!this.#scheduled) {
      this.#scheduled = true;
      this.#schedule(() => this.#flush());
    }
    return p;
  }

  #flush(): void {
    this.#scheduled = false;
    const keys = [...this.#keys];
    const waiters = this.#waiters;
    if (waiters.length === 0) return;
    this.#keys = new Set();
    this.#waiters = [];
    let started: Promise<R[]>;
    try {
      started = this.#read(keys);
    } catch (e) {
      started = Promise.reject(e);
    }
    started.then(
      (rows) => {
        for (const w of waiters) w.resolve(rows);
      },
      (e: unknown) => {
        for (const w of waiters) w.reject(e);
      },
    );
  }
}

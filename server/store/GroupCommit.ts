import type { CallRecord } from '../../src/shared/protocol/index.ts';
import type { Call } from '../../src/shared/call/index.ts';
import type { CallFence, CallSave, Store } from './Store.ts';

/** The store refused a save because another node has since claimed the call (a newer fencing epoch). */
export class CallFencedError extends Error {
  override name = 'CallFencedError';
  readonly callID: string;
  constructor(callID: string) {
    super(`call ${callID} is now owned by another node; this node's save was refused`);
    this.callID = callID;
  }
}

/** How a batch is scheduled: after the current I/O phase, so every frame read in it has reached `save`. */
export type Scheduler = (flush: () => void) => void;

export interface GroupCommitStats {
  /** Transactions run (one per batch). */
  batches: number;
  /** Saves committed or failed in them. */
  saves: number;
  /** The largest batch so far. */
  largest: number;
}

interface Waiting extends CallSave {
  resolve: () => void;
  reject: (e: unknown) => void;
}

/**
 * Group commit for call state: the saves made during one event-loop tick go to the store as one
 * batch (one transaction). Each `save` resolves only once its batch has committed, so the caller
 * pushes after its state is stored ("stored before pushed"); if the batch fails, every waiter
 * gets the error and pushes nothing.
 *
 * Why setImmediate: ws delivers the frames read in one poll phase as separate callbacks, and the
 * handlers' awaits run as microtasks between them; all of them have called `save` before the check
 * phase runs. Order within a call is kept by CallService's per-call queue (a call's next
 * transition waits for this one's promise, so it lands in a later batch); within a batch, saves are
 * written in arrival order.
 *
 * One batch is in flight at a time: with an asynchronous store (Postgres) the saves that arrive
 * during a commit form the next batch, which is how the batch grows with load.
 */
export class GroupCommit {
  readonly #store: Pick<Store, 'saveCalls'>;
  readonly #schedule: Scheduler;
  #pending: Waiting[] = [];
  #scheduled = false;
  #inFlight = false;
  readonly stats: GroupCommitStats = { batches: 0, saves: 0, largest: 0 };

  constructor(store: Pick<Store, 'saveCalls'>, schedule: Scheduler = (f) => void setImmediate(f)) {
    this.#store = store;
    this.#schedule = schedule;
  }

  /** Resolves when the batch holding this save has committed; rejects with that batch's error (or CallFencedError for a refused fence). */
  save(call: Call, record: CallRecord | null, fence?: CallFence): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.#pending.push(fence ? { call, record, fence, resolve, reject } : { call, record, resolve, reject });
      this.#arm();
    });
  }

  #arm(): void {
    if (this.#scheduled || this.#inFlight || this.#pending.length === 0) return;
    this.#scheduled = true;
    this.#schedule(() => {
      this.#scheduled = false;
      void this.#flush();
    });
  }

  async #flush(): Promise<void> {
    const batch = this.#pending;
    this.#pending = [];
    if (batch.length === 0) return;
    this.#inFlight = true;
    this.stats.batches++;
    this.stats.saves += batch.length;
    this.stats.largest = Math.max(this.stats.largest, batch.length);
    try {
      const outcome = await this.#store.saveCalls(batch.map(({ call, record, fence }) => (fence ? { call, record, fence } : { call, record })));
      // Cluster mode: a save refused by its fence (another node took the call over) fails alone.
      const fenced = new Set(outcome?.fenced ?? []);
      for (const w of batch) {
        if (fenced.has(w.call.callID)) w.reject(new CallFencedError(w.call.callID));
        else w.resolve();
      }
    } catch (e) {
      for (const w of batch) w.reject(e);
    } finally {
      this.#inFlight = false;
      this.#arm();
    }
  }
}

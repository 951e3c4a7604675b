import { Worker } from 'node:worker_threads';
import { Logger } from '../logger.ts';

const log = new Logger('WalCheckpointer');

export interface CheckpointResult {
  /** 1 when another checkpoint held the lock. */
  busy: number;
  /** Frames in the WAL. */
  log: number;
  /** Frames of it already copied into the database file. */
  checkpointed: number;
}

/**
 * Checkpoints a SQLite WAL from a worker thread. SQLite's automatic checkpoint runs inside the
 * COMMIT that crosses the threshold, on the event loop: with synchronous = NORMAL it copies up to
 * ~4 MB back and fsyncs twice, 20–25 ms on our disk several times a second under load, which every
 * request waiting behind it pays. Here a second connection does that work off the loop (PASSIVE:
 * it never blocks the writer). The main connection keeps a much higher automatic threshold
 * (SqliteStore) as a backstop: under constant writes a PASSIVE checkpoint rarely finishes with
 * nothing new behind it, which the WAL needs before it can start over, so once in a while the
 * writer itself copies the little that is left.
 */
export class WalCheckpointer {
  readonly #worker: Worker;
  readonly #waiting: ((r: CheckpointResult | null) => void)[] = [];
  #stopped = false;
  #exited = false;
  #failing = false;
  readonly stats = { checkpoints: 0, failures: 0 };

  constructor(path: string, intervalMs: number) {
    this.#worker = new Worker(new URL('./walCheckpointWorker.ts', import.meta.url), { workerData: { path, intervalMs } });
    this.#worker.unref();
    this.#worker.on('message', (m: { type: 'checkpointed' } & CheckpointResult | { type: 'failed'; message: string }) => {
      if (m.type === 'failed') {
        this.stats.failures++;
        // Once per run of failures (a full disk fails every 250 ms until it is freed), like StorageHealth.
        if (!this.#failing) log.warn('checkpoint failed, retrying quietly (the writer checkpoints at its own threshold meanwhile): %s', m.message);
        this.#failing = true;
        return;
      }
      if (this.#failing) log.info('checkpoints work again');
      this.#failing = false;
      this.stats.checkpoints++;
      const r = { busy: m.busy, log: m.log, checkpointed: m.checkpointed };
      for (const w of this.#waiting.splice(0)) w(r);
    });
    this.#worker.on('error', (e) => log.error('checkpoint thread died (the writer checkpoints at its own threshold from now on): %s', e.stack ?? e.message));
    this.#worker.on('exit', () => {
      this.#exited = true;
      for (const w of this.#waiting.splice(0)) w(null);
    });
  }

  /** Runs one checkpoint now; resolves with the next one's result, or null once the thread is gone. */
  runNow(): Promise<CheckpointResult | null> {
    if (this.#exited) return Promise.resolve(null);
    return new Promise((resolve) => {
      this.#waiting.push(resolve);
      this.#worker.postMessage('run');
    });
  }

  /** Stops the thread and closes its connection. Safe to call twice. */
  async stop(): Promise<void> {
    if (this.#stopped || this.#exited) return;
    this.#stopped = true;
    const exited = new Promise<void>((r) => this.#worker.once('exit', () => r()));
    // Unref'd while serving, so it never keeps the process up; while stopping it must, or a shutdown
    // with nothing else left pending ends the process here, before the caller's next step: the drain's
    // 'stopped' line never came (test/integration/drain.test.ts failed 3/3 without this).
    this.#worker.ref();
    this.#worker.postMessage('stop');
    await exited;
  }
}

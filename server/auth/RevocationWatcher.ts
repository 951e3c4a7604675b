import type { Push, UserId } from '../../src/shared/protocol/index.ts';
import { Logger } from '../logger.ts';
import type { SessionRegistry } from '../routing/SessionRegistry.ts';
import type { Revocation, RevocationReason, Store } from '../store/Store.ts';
import { errorMessage } from '../../src/shared/errors.ts';

const log = new Logger('RevocationWatcher');
/** Rows read per query; a burst (a bulk disable) is read in pages until none is left. */
const PAGE = 500;

type ClosedReason = Extract<Push, { type: 'sessionClosed' }>['data']['reason'];
/** What a revoked connection is told, then the close code and reason it gets (docs/protocol.md). */
export type RevocationCloses = Record<RevocationReason, { code: number; reason: string; push: ClosedReason }>;

export interface RevocationWatcherOptions {
  store: Store;
  sessions: SessionRegistry;
  pollMs: number;
  closes: RevocationCloses;
  /** Told each revoked user first: the server drops its cached row (another process changed it). */
  onRevoked?: (userId: UserId) => void;
}

/**
 * Ends live connections whose sessions were revoked, whichever process wrote the revocation:
 * `user disable|passwd|signout` in an admin shell or `signOutEverywhere` here. It polls the
 * revocations table by its increasing seq (one indexed query per tick, not a scan of the users).
 */
export class RevocationWatcher {
  readonly #o: RevocationWatcherOptions;
  #seq = 0;
  #timer: NodeJS.Timeout | null = null;
  #polling: Promise<void> | null = null;
  #again = false;
  #failing = false;

  constructor(o: RevocationWatcherOptions) {
    this.#o = o;
  }

  /** Starts after the newest revocation already written: those were enforced at sign-in (tokens_after). */
  async start(): Promise<void> {
    this.#seq = await this.#o.store.lastRevocationSeq();
    this.#timer = setInterval(() => this.poke(), this.#o.pollMs);
    this.#timer.unref();
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
  }

  /** Looks now (a revocation was just written in this process); resolves when that look is done. */
  poke(): Promise<void> {
    if (this.#polling) {
      this.#again = true;
      return this.#polling;
    }
    this.#polling = this.#drain().finally(() => {
      this.#polling = null;
      if (this.#again) {
        this.#again = false;
        void this.poke();
      }
    });
    return this.#polling;
  }

  async #drain(): Promise<void> {
    try {
      for (;;) {
        const rows = await this.#o.store.revocationsAfter(this.#seq, PAGE);
        for (const r of rows) this.#enforce(r);
        if (rows.length < PAGE) break;
      }
      if (this.#failing) log.info('reading revocations works again');
      this.#failing = false;
    } catch (e) {
      // Logged once per outage, not every tick; the next tick tries again from the same seq.
      if (!this.#failing) log.error('reading revocations failed: %s', errorMessage(e));
      this.#failing = true;
    }
  }

  #enforce(r: Revocation): void {
    this.#seq = r.seq;
    this.#o.onRevoked?.(r.userId);
    const close = this.#o.closes[r.reason];
    const frame = JSON.stringify({ type: 'sessionClosed', data: { reason: close.push } } satisfies Push);
    let n = 0;
    for (const c of this.#o.sessions.devices(r.userId)) {
      if (c.deviceId === r.exceptDevice) continue; // it asked, and closes itself once it has its answer
      c.send(frame);
      c.close(close.code, close.reason);
      n++;
    }
    if (n > 0) log.info('closed %d connection(s) of %s (%s)', n, r.userId, r.reason);
  }
}

import { Logger } from '../logger.ts';
import type { CallHandover } from './CallHandover.ts';
import { errorMessage } from '../../src/shared/errors.ts';

const log = new Logger('Drain');

/** serving → draining (SIGTERM, server.drain()) → stopping → stopped. */
export type DrainPhase = 'serving' | 'draining' | 'stopping' | 'stopped';

/**
 * Why a drain ended; the `end` field of the log line, and what drain() resolves with.
 * - `callsEnded`: every call this node kept has ended.
 * - `deadline`: drainTimeoutMs passed; the rooms still open close with serverRestart.
 * - `interrupted`: a second SIGTERM, or SIGINT, during the drain.
 * - `immediate`: nothing to wait for (a single node with no drainTimeoutMs, or SIGINT while serving).
 */
export type DrainEnd = 'callsEnded' | 'deadline' | 'interrupted' | 'immediate';

/** Where other nodes take this node's calls over, how long its media stays by default: a rolling restart should not cut a call short. */
export const CLUSTER_DRAIN_TIMEOUT_MS = 5 * 60_000;
/** How often a drain looks whether the calls it keeps have ended (the rooms have no event for that yet). */
export const DRAIN_CHECK_MS = 250;
/** The window a drained client spreads its reconnect over, uniformly (full jitter); sent as the close reason's retry hint. */
export const DRAIN_RECONNECT_WINDOW_MS = 1000;
/** The close reason of CLOSE_CODES.draining; clients parse "retry after <n> ms" (docs/protocol.md). */
export const drainingReason = (windowMs = DRAIN_RECONNECT_WINDOW_MS): string => `server draining; reconnect elsewhere; retry after ${windowMs} ms`;

export interface DrainClock {
  now(): number;
  /** Runs `fn` once after `ms`; the returned function cancels it. */
  after(ms: number, fn: () => void): () => void;
}

/** What the drain asks of the server; app.ts implements it over the real connections, rooms and store. */
export interface DrainPorts {
  handover: CallHandover;
  /**
   * Closes connections with the draining close code. `keepInCall`: except signed-in connections whose
   * user takes part in a call this node runs (a single node is the only one that can run it).
   * Returns how many connections stay open. Called again at every check; closing twice is harmless.
   */
  release(keepInCall: boolean): number;
  /** Media rooms open on this node. */
  rooms(): number;
  /** The calls go on elsewhere: the media of the devices sent away stays here (no grace expiry) until the call ends or the deadline. */
  holdMedia(): void;
  /** Stops the node: the rooms left close with serverRestart, the connections left get the draining close, the store closes. */
  stop(): Promise<void>;
}

export interface DrainOptions {
  /** config.drainTimeoutMs; undefined picks the mode's default (CLUSTER_DRAIN_TIMEOUT_MS in a cluster, 0 on a single node). */
  timeoutMs: number | undefined;
  clock: DrainClock;
  checkMs?: number;
}

/**
 * The drain of one node, as a small state machine over injected ports and clock. Its rules:
 * - from the first moment, the server reads `draining` to fail /readyz and refuse new connections;
 * - the call leases are handed over first, then the clients are told to reconnect elsewhere:
 *   all of them when other nodes go on with the calls, else all but those in a call here;
 * - the media of the calls it hosts stays until they end or the deadline passes, then the node stops;
 * - a second start() (or stopNow()) during the drain stops at once.
 */
export class Drain {
  readonly #ports: DrainPorts;
  readonly #clock: DrainClock;
  readonly #timeoutMs: number;
  readonly #checkMs: number;
  #phase: DrainPhase = 'serving';
  #startedAt: number | null = null;
  #cancelDeadline: () => void = () => undefined;
  #cancelCheck: () => void = () => undefined;
  readonly #done: Promise<DrainEnd>;
  #resolve!: (end: DrainEnd) => void; // set by the Promise executor in the constructor
  #reject!: (e: unknown) => void;

  constructor(ports: DrainPorts, o: DrainOptions) {
    this.#ports = ports;
    this.#clock = o.clock;
    this.#timeoutMs = o.timeoutMs ?? (ports.handover.continuesElsewhere ? CLUSTER_DRAIN_TIMEOUT_MS : 0);
    this.#checkMs = o.checkMs ?? DRAIN_CHECK_MS;
    this.#done = new Promise<DrainEnd>((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
    // Nobody may have asked yet; a stop failure is still logged where it happens.
    this.#done.catch(() => undefined);
  }

  get phase(): DrainPhase {
    return this.#phase;
  }
  /** From the first moment of a drain until the process exits: not ready, no new connections. */
  get draining(): boolean {
    return this.#phase !== 'serving';
  }
  /** When the drain began (the clock's time), or null while serving. */
  get startedAt(): number | null {
    return this.#startedAt;
  }
  /** The deadline this node drains with, after the mode's default was applied. */
  get timeoutMs(): number {
    return this.#timeoutMs;
  }

  /** SIGTERM: starts the drain; during one, stops at once. Resolves once the node has stopped. */
  start(): Promise<DrainEnd> {
    if (this.#phase === 'serving') {
      this.#phase = 'draining';
      this.#startedAt = this.#clock.now();
      void this.#run();
    } else if (this.#phase === 'draining') this.#finish('interrupted');
    return this.#done;
  }

  /** SIGINT: stops now, draining or not (the clients still get the draining close). */
  stopNow(): Promise<DrainEnd> {
    if (this.#phase === 'serving') {
      this.#phase = 'draining';
      this.#startedAt = this.#clock.now();
      this.#finish('immediate');
    } else if (this.#phase === 'draining') this.#finish('interrupted');
    return this.#done;
  }

  async #run(): Promise<void> {
    const { handover } = this.#ports;
    const elsewhere = handover.continuesElsewhere;
    log.child({ drain: 'started', timeoutMs: this.#timeoutMs, continuesElsewhere: elsewhere, rooms: this.#ports.rooms() }).info('draining: not ready, refusing new connections');
    if (this.#timeoutMs > 0) this.#cancelDeadline = this.#clock.after(this.#timeoutMs, () => this.#finish('deadline'));
    try {
      const leases = await handover.handOver();
      log.child({ drain: 'handedOver', leases }).info('call leases handed over');
    } catch (e) {
      // The leases then expire on their own and other nodes adopt the calls; the drain goes on.
      log.child({ drain: 'handOverFailed' }).error('handing over the call leases failed: %s', errorMessage(e));
    }
    if (this.#phase !== 'draining') return; // interrupted while handing over
    if (this.#timeoutMs === 0) return this.#finish('immediate');
    if (elsewhere) this.#ports.holdMedia();
    this.#check(!elsewhere, true);
  }

  #check(keepInCall: boolean, first = false): void {
    if (this.#phase !== 'draining') return;
    const kept = this.#ports.release(keepInCall);
    const rooms = this.#ports.rooms();
    if (first) log.child({ drain: 'released', kept, rooms }).info('clients told to reconnect elsewhere; keeping the calls hosted here');
    if (kept === 0 && rooms === 0) return this.#finish('callsEnded');
    this.#cancelCheck = this.#clock.after(this.#checkMs, () => this.#check(keepInCall));
  }

  #finish(end: DrainEnd): void {
    if (this.#phase !== 'draining') return;
    this.#phase = 'stopping';
    this.#cancelDeadline();
    this.#cancelCheck();
    const startedAt = this.#startedAt ?? this.#clock.now();
    const rooms = this.#ports.rooms();
    log.child({ drain: 'ending', end, rooms, afterMs: this.#clock.now() - startedAt }).info('drain over (%s): stopping', end);
    this.#ports.stop().then(
      () => {
        this.#phase = 'stopped';
        log.child({ drain: 'stopped', end }).info('stopped');
        this.#resolve(end);
      },
      (e: unknown) => {
        this.#phase = 'stopped';
        log.child({ drain: 'stopFailed', end }).error('stopping failed: %s', e instanceof Error ? (e.stack ?? e.message) : String(e));
        this.#reject(e);
      },
    );
  }
}

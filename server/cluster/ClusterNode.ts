import { DIRECTORY_LIMITS } from '../../src/shared/protocol/index.ts';
import { Logger } from '../logger.ts';
import type { CallService } from '../domain/CallService.ts';
import type { CallHandover } from '../drain/CallHandover.ts';
import type { Store } from '../store/Store.ts';
import { ClusterBus } from './ClusterBus.ts';
import type { ClusterSettings } from './ClusterConfig.ts';
import { CallLeases } from './CallLeases.ts';
import { ClusterPresence } from './ClusterPresence.ts';
import { ClusterSessions } from './ClusterSessions.ts';
import { RouteTable } from './RouteTable.ts';
import { errorMessage } from '../../src/shared/errors.ts';

const log = new Logger('ClusterNode');
/** Orphaned calls looked at per sweep; the next sweep takes the rest. */
const SWEEP_LIMIT = 500;

/**
 * One node of a cluster: its Redis links, the route table, sessions and presence across nodes, and
 * call leases, with the timers that keep them (heartbeat, lease renewal, adoption sweep). The
 * composition root (server/app.ts) builds it before the domain and attaches the call service after.
 */
export class ClusterNode {
  readonly settings: ClusterSettings;
  readonly bus: ClusterBus;
  readonly routes: RouteTable;
  readonly sessions: ClusterSessions;
  readonly presence: ClusterPresence;
  readonly leases: CallLeases;
  #calls: CallService | null = null;
  readonly #timers: NodeJS.Timeout[] = [];
  /** No adoption before this time: after Redis comes back empty, the other nodes need one heartbeat to say they live. */
  #sweepAfter = 0;
  #sweeping = false;
  #closed = false;
  /** Draining: no heartbeat, renewal or adoption from here on (the others take this node's calls). */
  #leaving = false;

  /** The drain's handover (server/drain/Drain.ts): the other nodes go on with this node's calls at once. */
  readonly handover: CallHandover = {
    continuesElsewhere: true,
    handOver: () => this.#handOver(),
  };

  constructor(settings: ClusterSettings, store: Store, presenceFlushMs: number) {
    this.settings = settings;
    this.bus = new ClusterBus(settings.redisUrl, settings.nodeId, settings.secret);
    this.routes = new RouteTable(this.bus, settings.nodeTtlMs);
    this.sessions = new ClusterSessions(this.bus, this.routes);
    this.presence = new ClusterPresence(presenceFlushMs, DIRECTORY_LIMITS.maxSubscriptionsPerConnection, this.bus, this.routes);
    this.leases = new CallLeases({ bus: this.bus, store, routes: this.routes, leaseMs: settings.leaseMs, forwardTimeoutMs: settings.forwardTimeoutMs });
    this.bus.on('message', (m) => {
      if (!this.sessions.receive(m) && !this.presence.receive(m) && !this.leases.receive(m)) log.warn('unknown node message kind %s from %s', m.k, m.f);
    });
    this.bus.on('ready', () => {
      this.#sweepAfter = Date.now() + settings.nodeTtlMs;
      void this.#rejoin('redis is back');
    });
  }

  get nodeId(): string {
    return this.settings.nodeId;
  }

  /** Connects to Redis and beats once, so this node is alive before it takes connections. */
  async start(): Promise<void> {
    await this.bus.start();
    await this.routes.heartbeat();
    // A node that starts after others must not adopt their calls before they could beat.
    this.#sweepAfter = Date.now() + this.settings.nodeTtlMs;
    log.info('node %s joined the cluster (alive: %s)', this.nodeId, [...this.routes.aliveNodes].join(', '));
  }

  /** The call service is built with `leases` as its placement; from here on this node adopts and renews. */
  attach(calls: CallService): void {
    this.#calls = calls;
    this.leases.attach(calls);
    const every = (ms: number, fn: () => Promise<void>): void => {
      let running = false;
      const t = setInterval(() => {
        if (running || this.#closed || this.#leaving) return;
        running = true;
        void fn()
          .catch((e: unknown) => log.debug('cluster timer: %s', errorMessage(e)))
          .finally(() => (running = false));
      }, ms);
      t.unref();
      this.#timers.push(t);
    };
    every(Math.max(100, Math.floor(this.settings.nodeTtlMs / 3)), () => this.#beat());
    every(Math.max(100, Math.floor(this.settings.leaseMs / 3)), () => this.#renew());
    every(this.settings.adoptEveryMs, async () => void (await this.sweep()));
  }

  async #beat(): Promise<void> {
    const { rejoined, died } = await this.routes.heartbeat();
    if (rejoined) await this.#rejoin('this node had been given up for dead');
    // A node just died: adopt its calls now rather than at the next sweep.
    if (died.length > 0) await this.sweep();
  }

  async #rejoin(why: string): Promise<void> {
    log.warn('re-registering routes and presence interests: %s', why);
    await Promise.all([this.sessions.reRegister(), this.presence.reRegister()]).catch((e: unknown) => log.warn('re-registration failed (retried at the next heartbeat): %s', String(e)));
  }

  async #renew(): Promise<void> {
    for (const callID of await this.leases.renew()) {
      log.child({ callID }).warn('lease taken by another node: dropping the call here');
      this.#calls?.lost(callID);
    }
  }

  /** Adopts calls whose owner died (runs on a timer; tests may call it to avoid waiting). */
  async sweep(): Promise<number> {
    if (this.#sweeping || Date.now() < this.#sweepAfter || !this.bus.up) return 0;
    this.#sweeping = true;
    try {
      const n = await this.leases.sweep(SWEEP_LIMIT);
      if (n > 0) log.info('adopted %d call(s) whose owner is gone', n);
      return n;
    } finally {
      this.#sweeping = false;
    }
  }

  /**
   * Stops running this node's calls (their timers go with them), releases their leases and marks this
   * node gone, so the others' next heartbeat adopts the calls from Postgres and re-arms each deadline
   * once. This node claims nothing afterwards. Its media stays until the drain ends (ClusterMedia).
   */
  async #handOver(): Promise<number> {
    this.#leaving = true;
    this.leases.leave();
    const ids = (await this.#calls?.dropAll()) ?? [];
    await this.leases.releaseAll(ids);
    await this.routes.leave();
    log.info('handed over %d call(s); the other nodes adopt them at their next heartbeat', ids.length);
    return ids.length;
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const t of this.#timers) clearInterval(t);
    this.leases.close();
    // Best effort: the others notice a crash too, only later (nodeTtlMs, leaseMs).
    await Promise.allSettled([this.routes.leave(), this.leases.releaseAll()]);
    await this.bus.close();
  }
}

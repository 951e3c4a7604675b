import type { Redis } from 'ioredis';
import { Logger } from '../../logger.ts';
import type { SfuService } from '../../sfu/SfuService.ts';
import { workerLoads } from '../../sfu/workerLoad.ts';
import { MEDIA_KEYS, PLACEMENT_TTL_MS, type NodeLoad, type ReportedWorkerLoad } from './mediaLoad.ts';
import { errorMessage } from '../../../src/shared/errors.ts';

const log = new Logger('LoadReporter');

export interface LoadReporterOptions {
  redis: Redis;
  nodeId: string;
  relayUrl: string;
  sfu: SfuService;
  intervalMs: number;
  ttlMs: number;
  now?: () => number;
}

/**
 * Writes this node's workers' load to Redis every interval, with a TTL: a node that dies (or loses
 * Redis) drops out of placement when its last report expires. Also keeps the placements of the
 * rooms it hosts from expiring. A failed write is logged once per outage, not at every tick.
 */
export class LoadReporter {
  readonly #o: LoadReporterOptions;
  readonly #now: () => number;
  /** Worker CPU (ms, user + system) at the previous report, for the per-interval figure. */
  readonly #cpuBefore = new Map<number, { ms: number; at: number }>();
  #timer: NodeJS.Timeout | null = null;
  #failing = false;
  #reports = 0;

  constructor(o: LoadReporterOptions) {
    this.#o = o;
    this.#now = o.now ?? Date.now;
  }

  get reports(): number {
    return this.#reports;
  }

  start(): void {
    if (this.#timer) return;
    const tick = (): void => void this.report().catch(() => undefined); // report() logs its own failure
    tick();
    this.#timer = setInterval(tick, this.#o.intervalMs);
    this.#timer.unref();
  }

  /** What this node would report now. */
  async snapshot(): Promise<NodeLoad> {
    const { sfu } = this.#o;
    const counts = workerLoads(sfu);
    const live = sfu.pool?.workers ?? [];
    const usage = await Promise.all(live.map((w) => w.worker.getResourceUsage().catch(() => null)));
    const at = this.#now();
    const cpuOf = new Map<number, number>();
    live.forEach((w, i) => {
      const u = usage[i];
      if (!u) return;
      const ms = u.ru_utime + u.ru_stime;
      const before = this.#cpuBefore.get(w.index);
      this.#cpuBefore.set(w.index, { ms, at });
      if (before && at > before.at) cpuOf.set(w.index, Math.max(0, (ms - before.ms) / (at - before.at)));
    });
    const workers: ReportedWorkerLoad[] = counts.map((c) => ({ ...c, cpu: Math.round((cpuOf.get(c.index) ?? 0) * 1000) / 1000 }));
    return { nodeId: this.#o.nodeId, relayUrl: this.#o.relayUrl, announcedAddress: sfu.pool?.announcedAddress ?? '', at, workers, draining: sfu.holdingMedia };
  }

  async report(): Promise<void> {
    const { redis, nodeId, ttlMs, sfu } = this.#o;
    try {
      const load = await this.snapshot();
      const m = redis.multi().set(MEDIA_KEYS.node(nodeId), JSON.stringify(load), 'PX', ttlMs).sadd(MEDIA_KEYS.nodes, nodeId);
      for (const callID of sfu.rooms.keys()) m.pexpire(MEDIA_KEYS.call(callID), PLACEMENT_TTL_MS);
      await m.exec();
      this.#reports++;
      if (this.#failing) log.warn('load reports reach Redis again [node:%s]', nodeId);
      this.#failing = false;
    } catch (e) {
      if (!this.#failing) log.warn('cannot report media load to Redis [node:%s]: %s; other nodes stop placing calls here after %d ms', nodeId, errorMessage(e), ttlMs);
      this.#failing = true;
      throw e;
    }
  }

  /** Stops reporting. `withdraw`: a clean leave, the node's load is removed at once instead of expiring. */
  async close(withdraw: boolean): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    if (!withdraw) return;
    await this.#o.redis
      .multi()
      .del(MEDIA_KEYS.node(this.#o.nodeId))
      .srem(MEDIA_KEYS.nodes, this.#o.nodeId)
      .exec()
      .catch((e: unknown) => log.warn('could not withdraw the load report (it expires by itself): %s', errorMessage(e)));
  }
}

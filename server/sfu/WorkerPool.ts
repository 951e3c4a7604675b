import { networkInterfaces, availableParallelism } from 'node:os';
import * as mediasoup from 'mediasoup';
import type { types } from 'mediasoup';
import { TypedEmitter } from '../../src/shared/events.ts';
import { Logger } from '../logger.ts';
import { MEDIA_CODECS } from './mediaCodecs.ts';
import type { SfuConfig } from './SfuConfig.ts';
import { errorMessage } from '../../src/shared/errors.ts';

const log = new Logger('WorkerPool');
/** A dead worker is replaced after this, doubling on each failed attempt up to the max. */
const RESTART_DELAY_MS = 500;
const RESTART_DELAY_MAX_MS = 30_000;
/** The process signals server/index.ts handles (SIGTERM drains); mediasoup must not act on them too. */
const OWNED_SIGNALS = ['SIGINT', 'SIGTERM'] as const;

export interface PooledWorker {
  readonly index: number;
  readonly worker: types.Worker;
  readonly webRtcServer: types.WebRtcServer;
  /** The WebRtcServer's ports as bound (0 in the config picks free ones). */
  readonly udpPort: number;
  readonly tcpPort: number;
  /** Rooms placed on it: the pool puts a new room on the least loaded worker. */
  rooms: number;
}

export type WorkerPoolEvents = {
  /** The worker process died; its routers are gone. A replacement is on its way. */
  workerDied: [index: number, error: Error];
  workerRestarted: [index: number];
};

/** What to tell an operator when no worker starts: the exact command. */
export const WORKER_HELP =
  'mediasoup could not start its worker. Build it once with `bash ../shared/tools/mediasoup-worker/build.sh 3.27.1` ' +
  '(or `bash tools/mediasoup-worker/build.sh 3.27.1` in this repository, or `. scripts/setup-mediasoup.sh`) and ' +
  'export MEDIASOUP_WORKER_BIN=<the path it prints>; on a machine with internet access `npm rebuild mediasoup` downloads a prebuilt one.';

/** The address clients send media to when none is configured: see SfuConfig.announcedAddress. */
export function defaultAnnouncedAddress(listenIp: string): string {
  if (listenIp !== '0.0.0.0' && listenIp !== '::') return listenIp;
  for (const addrs of Object.values(networkInterfaces())) {
    for (const a of addrs ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return '127.0.0.1';
}

/**
 * One mediasoup Worker per core, each with one WebRtcServer, so every WebRTC transport of that
 * worker shares one UDP and one TCP port. A worker that dies is logged, reported (its rooms are
 * closed by the owner) and replaced on the same ports.
 */
export class WorkerPool extends TypedEmitter<WorkerPoolEvents> {
  readonly #config: SfuConfig;
  readonly #slots: (PooledWorker | null)[];
  readonly #timers = new Set<NodeJS.Timeout>();
  readonly announcedAddress: string;
  #closed = false;
  /** The Router's capabilities (the same for every router: same codecs), known after start(). */
  #rtpCapabilities: types.RouterRtpCapabilities | null = null;

  constructor(config: SfuConfig) {
    super();
    this.#config = config;
    this.#slots = new Array<PooledWorker | null>(config.numWorkers ?? availableParallelism()).fill(null);
    this.announcedAddress = config.announcedAddress ?? defaultAnnouncedAddress(config.listenIp);
  }

  /** Starts every worker; throws (after closing what started) when one cannot start. */
  async start(): Promise<void> {
    try {
      for (let i = 0; i < this.#slots.length; i++) this.#slots[i] = await this.#launch(i);
      const first = this.#slots[0];
      if (!first) throw new Error('no worker');
      // Every router gets the same codecs, so one probe router gives every room's capabilities.
      const probe = await first.worker.createRouter({ mediaCodecs: MEDIA_CODECS });
      this.#rtpCapabilities = probe.rtpCapabilities;
      probe.close();
    } catch (e) {
      this.close();
      throw e;
    }
    log.info('start() [workers:%d, announced:%s, ports:%s]', this.#slots.length, this.announcedAddress, this.ports().join(','));
  }

  get rtpCapabilities(): types.RouterRtpCapabilities {
    if (!this.#rtpCapabilities) throw new Error('WorkerPool not started');
    return this.#rtpCapabilities;
  }

  get size(): number {
    return this.#slots.length;
  }

  /** The live workers (a dead one's slot is empty until its replacement runs). */
  get workers(): PooledWorker[] {
    return this.#slots.filter((w): w is PooledWorker => w !== null);
  }

  /** The least loaded live worker, or null when none runs. */
  pick(): PooledWorker | null {
    let best: PooledWorker | null = null;
    for (const w of this.workers) if (!best || w.rooms < best.rooms) best = w;
    return best;
  }

  /** `udp:port/tcp:port` per worker, as bound (useful when configured with port 0). */
  ports(): string[] {
    return this.workers.map((w) => `udp:${w.udpPort}/tcp:${w.tcpPort}`);
  }

  async #launch(index: number): Promise<PooledWorker> {
    const c = this.#config;
    const before = OWNED_SIGNALS.map((s) => new Set(process.rawListeners(s)));
    const worker = await mediasoup.createWorker({
      logLevel: c.logLevel,
      rtcMinPort: c.rtcMinPort,
      rtcMaxPort: c.rtcMaxPort,
      // Read at launch, not at import: mediasoup reads the variable once when first loaded.
      workerBin: process.env['MEDIASOUP_WORKER_BIN'] || undefined,
      appData: { index },
    });
    // mediasoup closes every worker on the process's SIGINT and SIGTERM. server/index.ts owns those
    // signals: a SIGTERM drains, and the media of the calls hosted here must stay up meanwhile.
    OWNED_SIGNALS.forEach((s, i) => {
      for (const l of process.rawListeners(s)) if (!before[i]?.has(l)) process.removeListener(s, l as (...args: unknown[]) => void); // rawListeners is typed Function[]
    });
    try {
      const port = c.webRtcServerPort === 0 ? 0 : c.webRtcServerPort + index;
      const listen = { ip: c.listenIp, announcedAddress: this.announcedAddress, port };
      const webRtcServer = await worker.createWebRtcServer({
        listenInfos: [
          { protocol: 'udp', ...listen },
          { protocol: 'tcp', ...listen },
        ],
      });
      const dump = await webRtcServer.dump();
      const pooled: PooledWorker = { index, worker, webRtcServer, udpPort: dump.udpSockets[0]?.port ?? port, tcpPort: dump.tcpServers[0]?.port ?? port, rooms: 0 };
      worker.on('died', (error) => this.#onDied(pooled, error));
      log.debug('worker %d up [pid:%d]', index, worker.pid);
      return pooled;
    } catch (e) {
      worker.close();
      throw e;
    }
  }

  #onDied(w: PooledWorker, error: Error): void {
    if (this.#slots[w.index] !== w) return;
    log.error('mediasoup worker %d died [pid:%d]: %s; closing its rooms and starting a replacement', w.index, w.worker.pid, error.message);
    this.#slots[w.index] = null;
    this.emit('workerDied', w.index, error);
    this.#restart(w.index, RESTART_DELAY_MS);
  }

  #restart(index: number, delay: number): void {
    if (this.#closed) return;
    const t = setTimeout(() => {
      this.#timers.delete(t);
      if (this.#closed) return;
      this.#launch(index).then(
        (w) => {
          if (this.#closed) return void w.worker.close();
          this.#slots[index] = w;
          log.warn('worker %d replaced [pid:%d]', index, w.worker.pid);
          this.emit('workerRestarted', index);
        },
        (e: unknown) => {
          log.error('worker %d could not be restarted: %s', index, errorMessage(e));
          this.#restart(index, Math.min(delay * 2, RESTART_DELAY_MAX_MS));
        },
      );
    }, delay);
    this.#timers.add(t);
  }

  close(): void {
    this.#closed = true;
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
    for (const w of this.workers) w.worker.close();
    this.#slots.fill(null);
  }
}

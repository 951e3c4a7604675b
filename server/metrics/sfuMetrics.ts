import { Counter, Gauge, type Registry } from 'prom-client';
import type { SfuService } from '../sfu/SfuService.ts';

interface WorkerCounts {
  routers: number;
  transports: number;
  producers: number;
  consumers: number;
}

/** Per-worker object counts, read from the live rooms (one router per room) at scrape time. */
function countByWorker(sfu: SfuService): Map<number, WorkerCounts> {
  const out = new Map<number, WorkerCounts>();
  for (const w of sfu.pool?.workers ?? []) out.set(w.index, { routers: 0, transports: 0, producers: 0, consumers: 0 });
  for (const room of sfu.rooms.values()) {
    const c = out.get(room.worker.index);
    if (!c) continue;
    c.routers++;
    for (const p of room.peers.values()) {
      c.transports += p.transports.size;
      c.producers += p.producers.size;
      c.consumers += p.consumers.size;
    }
  }
  return out;
}

/** mediasoup workers: up or not, CPU, and what each carries. Nothing is kept between scrapes. */
export function registerSfuMetrics(registers: Registry[], sfu: SfuService): void {
  new Gauge({
    name: 'ringdesk_sfu_workers_up',
    help: 'mediasoup workers running (a dead one is replaced after a back-off).',
    registers,
    collect() {
      this.set(sfu.pool?.workers.length ?? 0);
    },
  });
  new Counter({
    name: 'ringdesk_sfu_worker_cpu_seconds_total',
    help: 'CPU time (user + system) used by each mediasoup worker process.',
    labelNames: ['worker'],
    registers,
    async collect() {
      this.reset();
      const workers = sfu.pool?.workers ?? [];
      const usage = await Promise.all(workers.map((w) => w.worker.getResourceUsage().catch(() => null)));
      workers.forEach((w, i) => {
        const u = usage[i];
        if (u) this.inc({ worker: String(w.index) }, (u.ru_utime + u.ru_stime) / 1000);
      });
    },
  });
  const gauge = (name: string, help: string, key: keyof WorkerCounts): void => {
    new Gauge({
      name,
      help,
      labelNames: ['worker'],
      registers,
      collect() {
        this.reset();
        for (const [index, c] of countByWorker(sfu)) this.set({ worker: String(index) }, c[key]);
      },
    });
  };
  gauge('ringdesk_sfu_routers', 'mediasoup routers (one per call room) on each worker.', 'routers');
  gauge('ringdesk_sfu_transports', 'WebRTC transports on each worker.', 'transports');
  gauge('ringdesk_sfu_producers', 'Producers (sent tracks) on each worker.', 'producers');
  gauge('ringdesk_sfu_consumers', 'Consumers (forwarded tracks) on each worker.', 'consumers');
}

import type { SfuService } from './SfuService.ts';

/** What one worker carries, counted from the live rooms (one router per room). */
export interface WorkerLoad {
  index: number;
  routers: number;
  transports: number;
  producers: number;
  consumers: number;
}

/**
 * Per-worker object counts of this node's SFU, pre-warming devices included (their transports and
 * paused producers cost the worker as much as a member's). Empty when no worker runs.
 */
export function workerLoads(sfu: SfuService): WorkerLoad[] {
  const out = new Map<number, WorkerLoad>();
  for (const w of sfu.pool?.workers ?? []) out.set(w.index, { index: w.index, routers: 0, transports: 0, producers: 0, consumers: 0 });
  for (const room of sfu.rooms.values()) {
    const c = out.get(room.worker.index);
    if (!c || room.closed) continue;
    c.routers++;
    for (const p of [...room.peers.values(), ...room.pending.values()]) {
      c.transports += p.transports.size;
      c.producers += p.producers.size;
      c.consumers += p.consumers.size;
    }
  }
  return [...out.values()];
}

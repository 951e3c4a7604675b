import { z } from 'zod';
import { NodeIdSchema } from './relayProtocol.ts';

/** Redis keys of media placement (one prefix, so an operator can find them all with SCAN). */
export const MEDIA_KEYS = {
  /** JSON NodeLoad, with a TTL: gone when the node stops reporting. */
  node: (nodeId: string): string => `ringdesk:media:node:${nodeId}`,
  /** Node ids that reported once; members whose node key is gone are dropped by the next reader. */
  nodes: 'ringdesk:media:nodes',
  /** `nodeId#worker` of a call's room, written once (SET NX). */
  call: (callID: string): string => `ringdesk:media:call:${callID}`,
} as const;

/** A placement outlives a silent media node this long; the hosting node refreshes it while the room lives. */
export const PLACEMENT_TTL_MS = 60 * 60 * 1000;

const Count = z.number().int().min(0);
export const WorkerLoadSchema = z.object({
  index: z.number().int().min(0),
  routers: Count,
  transports: Count,
  producers: Count,
  consumers: Count,
  /** CPU time used since the previous report, in cores (0.5 = half of one core). */
  cpu: z.number().min(0),
});
export type ReportedWorkerLoad = z.infer<typeof WorkerLoadSchema>;

export const NodeLoadSchema = z.object({
  nodeId: NodeIdSchema,
  /** Where other nodes dial this node's relay. */
  relayUrl: z.string().max(255),
  /** What this node's transports announce to clients (sfu.announcedAddress). */
  announcedAddress: z.string().max(255),
  at: z.number(),
  workers: z.array(WorkerLoadSchema).max(128),
  /** Draining: keeps the rooms it hosts, takes no new one. Absent in reports of servers before it existed. */
  draining: z.boolean().optional(),
});
export type NodeLoad = z.infer<typeof NodeLoadSchema>;

/**
 * One number per worker, lower is better. A router counts as a call about to grow (a burst of new
 * calls between two reports must not all land on one worker's zero consumers); consumers are
 * what forwarding costs (a call of n members has n(n-1) per kind); CPU breaks ties between equal
 * counts (it lags by one report, so it weighs little).
 */
export function workerScore(w: ReportedWorkerLoad): number {
  return w.routers * 8 + w.transports + w.producers + w.consumers + Math.round(w.cpu * 10);
}

export interface WorkerChoice {
  nodeId: string;
  worker: number;
}

/** The least loaded worker of the whole cluster, draining nodes left out; ties go to the lower node id, then worker index (stable). */
export function leastLoaded(loads: readonly NodeLoad[]): WorkerChoice | null {
  let best: (WorkerChoice & { score: number }) | null = null;
  for (const n of loads) {
    if (n.draining === true) continue;
    for (const w of n.workers) {
      const score = workerScore(w);
      const better = !best || score < best.score || (score === best.score && (n.nodeId < best.nodeId || (n.nodeId === best.nodeId && w.index < best.worker)));
      if (better) best = { nodeId: n.nodeId, worker: w.index, score };
    }
  }
  return best && { nodeId: best.nodeId, worker: best.worker };
}

/** `nodeId#worker` as stored under MEDIA_KEYS.call; null for anything else. */
export function parsePlacement(value: string | null): WorkerChoice | null {
  if (value === null) return null;
  const i = value.lastIndexOf('#');
  const nodeId = value.slice(0, i);
  const digits = value.slice(i + 1);
  // Digits only: Number('') is 0, and a hand-edited key must not send calls to worker 0 by accident.
  if (i < 1 || !NodeIdSchema.safeParse(nodeId).success || !/^\d{1,3}$/.test(digits)) return null;
  return { nodeId, worker: Number(digits) };
}
export const formatPlacement = (c: WorkerChoice): string => `${c.nodeId}#${c.worker}`;

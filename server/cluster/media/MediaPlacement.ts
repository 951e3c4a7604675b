import type { Redis } from 'ioredis';
import { Logger } from '../../logger.ts';
import { formatPlacement, leastLoaded, MEDIA_KEYS, NodeLoadSchema, parsePlacement, PLACEMENT_TTL_MS, type NodeLoad, type WorkerChoice } from './mediaLoad.ts';

const log = new Logger('MediaPlacement');

/** Replaces a placement only if it still names the dead node (another node may have moved it first). */
const REPLACE_IF = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3]) else return nil end`;
/** Deletes a placement only if it is this node's. */
const DELETE_IF = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`;

export interface MediaPlacementOptions {
  redis: Redis;
  nodeId: string;
}

/**
 * Where a call's room goes, decided once per call for the whole cluster: the least loaded worker
 * among the nodes whose load report is live, recorded with SET NX so two nodes deciding at the same
 * moment read back the same answer. A placement naming a node whose report expired (dead) is moved,
 * again first-writer-wins. Throws when Redis does not answer; the caller decides the fallback.
 */
export class MediaPlacement {
  readonly #redis: Redis;
  readonly #nodeId: string;

  constructor(o: MediaPlacementOptions) {
    this.#redis = o.redis;
    this.#nodeId = o.nodeId;
  }

  /** Every node with a live report. Ids whose report expired are dropped from the set as they are seen. */
  async nodes(): Promise<NodeLoad[]> {
    const ids = await this.#redis.smembers(MEDIA_KEYS.nodes);
    if (ids.length === 0) return [];
    const values = await this.#redis.mget(...ids.map((id) => MEDIA_KEYS.node(id)));
    const out: NodeLoad[] = [];
    const gone: string[] = [];
    ids.forEach((id, i) => {
      const v = values[i];
      if (v === null || v === undefined) return void gone.push(id);
      const parsed = parseLoad(v);
      if (parsed) out.push(parsed);
      else log.warn('ignoring a malformed load report of node %s', id);
    });
    if (gone.length > 0) await this.#redis.srem(MEDIA_KEYS.nodes, ...gone);
    return out;
  }

  /** One node's live report, or null when it stopped reporting (dead, or never a media node). */
  async node(nodeId: string): Promise<NodeLoad | null> {
    const v = await this.#redis.get(MEDIA_KEYS.node(nodeId));
    return v === null ? null : parseLoad(v);
  }

  /** The recorded placement, without deciding one. */
  async recorded(callID: string): Promise<WorkerChoice | null> {
    return parsePlacement(await this.#redis.get(MEDIA_KEYS.call(callID)));
  }

  /**
   * The call's placement, deciding it when there is none. `prefer`: this node already hosts a room
   * for the call (made while Redis was down): claim that rather than split the call.
   */
  async place(callID: string, prefer: WorkerChoice | null = null): Promise<WorkerChoice> {
    const key = MEDIA_KEYS.call(callID);
    const raw = await this.#redis.get(key);
    const current = parsePlacement(raw);
    if (current && raw !== null) {
      if (current.nodeId === this.#nodeId || (await this.node(current.nodeId))) return current;
      const next = prefer ?? (await this.#choose(current.nodeId));
      // Nowhere else to go (no other node has a worker): keep it; the node may be back, or slow to report.
      if (!next) return current;
      await this.#redis.eval(REPLACE_IF, 1, key, raw, formatPlacement(next), String(PLACEMENT_TTL_MS));
      const after = parsePlacement(await this.#redis.get(key)) ?? next;
      log.warn('call %s: media node %s stopped reporting; its room moves to %s (worker %d)', callID, current.nodeId, after.nodeId, after.worker);
      return after;
    }
    // No live report with a worker at all (this node has not reported yet): here.
    const choice = prefer ?? (await this.#choose(null)) ?? { nodeId: this.#nodeId, worker: 0 };
    const won = await this.#redis.set(key, formatPlacement(choice), 'PX', PLACEMENT_TTL_MS, 'NX');
    if (won === 'OK') {
      log.child({ callID }).debug('place() [node:%s, worker:%d]', choice.nodeId, choice.worker);
      return choice;
    }
    // Another node decided first: its answer is the call's.
    return parsePlacement(await this.#redis.get(key)) ?? choice;
  }

  /** Drops the call's placement if it names this node (the call ended here). */
  async forget(callID: string, mine: WorkerChoice): Promise<void> {
    await this.#redis.eval(DELETE_IF, 1, MEDIA_KEYS.call(callID), formatPlacement(mine));
  }

  async #choose(exclude: string | null): Promise<WorkerChoice | null> {
    return leastLoaded((await this.nodes()).filter((n) => n.nodeId !== exclude));
  }
}

function parseLoad(v: string): NodeLoad | null {
  try {
    const r = NodeLoadSchema.safeParse(JSON.parse(v));
    return r.success ? r.data : null;
  } catch {
    return null;
  }
}

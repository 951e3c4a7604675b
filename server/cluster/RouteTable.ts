import type { DeviceId, UserId } from '../../src/shared/protocol/index.ts';
import { Logger } from '../logger.ts';
import { LuaScript, PREFIX, redisUnavailable, type ClusterBus } from './ClusterBus.ts';

const log = new Logger('RouteTable');

/** Keys (docs/deployment-server.md, "Cluster"): */
const NODES = `${PREFIX}nodes`; // zset node → when its liveness runs out (Redis's clock, ms)
const devKey = (u: string): string => `${PREFIX}dev:${u}`; // hash device → "node|connection id|device name"
const nodeDevKey = (node: string): string => `${PREFIX}nd:${node}`; // set of "user\tdevice" held by a node

/**
 * Liveness on Redis's own clock (TIME), so nodes with skewed clocks agree on who is alive. Returns
 * [alive nodes, nodes whose liveness ran out (removed here, so one node purges each), was I alive?].
 */
const HEARTBEAT = new LuaScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local mine = redis.call('ZSCORE', KEYS[1], ARGV[1])
local was = (mine and tonumber(mine) >= now) and 1 or 0
local dead = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
return { redis.call('ZRANGEBYSCORE', KEYS[1], now, '+inf'), dead, was }
`);

/** Registers a device on a node; returns the previous "node|connection|name" (another node held it: tell it to close that connection). */
const REGISTER = new LuaScript(`
local old = redis.call('HGET', KEYS[1], ARGV[1])
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('SADD', KEYS[2], ARGV[3])
return old
`);

/** Removes a device's route only if this connection still holds it (it may have moved on already). */
const UNREGISTER = new LuaScript(`
local v = redis.call('HGET', KEYS[1], ARGV[1])
if v and string.sub(v, 1, string.len(ARGV[2]) + 1) == ARGV[2] .. '|' then redis.call('HDEL', KEYS[1], ARGV[1]) end
redis.call('SREM', KEYS[2], ARGV[3])
return 1
`);

/** A dead node's routes: removed where they still point at it. */
const PURGE = new LuaScript(`
local n = 0
for _, m in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  local tab = string.find(m, '\\t', 1, true)
  if tab then
    local key = ARGV[2] .. 'dev:' .. string.sub(m, 1, tab - 1)
    local d = string.sub(m, tab + 1)
    local v = redis.call('HGET', key, d)
    if v and string.sub(v, 1, string.len(ARGV[1]) + 1) == ARGV[1] .. '|' then redis.call('HDEL', key, d); n = n + 1 end
  end
end
redis.call('DEL', KEYS[1])
return n
`);

/**
 * One round trip per push: the nodes holding any device of the user each get the frame once (this
 * node delivers its own devices itself). Returns how many nodes it was published to.
 */
const PUBLISH_TO_USER = new LuaScript(`
local seen = {}
local n = 0
for _, v in ipairs(redis.call('HVALS', KEYS[1])) do
  local bar = string.find(v, '|', 1, true)
  local node = bar and string.sub(v, 1, bar - 1) or v
  if node ~= ARGV[1] and not seen[node] then
    seen[node] = true
    redis.call('PUBLISH', ARGV[3] .. 'n:' .. node, ARGV[2])
    n = n + 1
  end
end
return n
`);

export interface RemoteDevice {
  deviceId: DeviceId;
  node: string;
  name: string;
}

/**
 * Device routing: which node holds each device's connection, in Redis, with node liveness as a TTL
 * heartbeat. A route whose node stopped beating is ignored at once and purged by the first node
 * that notices. This is the seam other components use to find a device (`nodeOf`).
 */
export class RouteTable {
  readonly #bus: ClusterBus;
  readonly #ttlMs: number;
  #alive = new Set<string>();

  constructor(bus: ClusterBus, nodeTtlMs: number) {
    this.#bus = bus;
    this.#ttlMs = nodeTtlMs;
    this.#alive.add(bus.nodeId);
  }

  /** Nodes alive at the last heartbeat (this one included). */
  get aliveNodes(): ReadonlySet<string> {
    return this.#alive;
  }

  /**
   * Beats once: refreshes this node's liveness and learns who else is alive. `rejoined` is true when
   * this node had been given up for dead (Redis restarted empty, or this process stalled): its
   * routes must be written again.
   */
  async heartbeat(): Promise<{ rejoined: boolean; died: string[] }> {
    const r = (await HEARTBEAT.run(this.#bus.redis, [NODES], [this.#bus.nodeId, this.#ttlMs])) as [string[], string[], number]; // the script's fixed reply
    const [alive, dead, was] = r;
    this.#alive = new Set([...alive, this.#bus.nodeId]);
    for (const node of dead) {
      if (node === this.#bus.nodeId) continue;
      const n = (await PURGE.run(this.#bus.redis, [nodeDevKey(node)], [node, PREFIX])) as number; // the script returns a count
      log.warn('node %s stopped beating: purged %d device route(s)', node, n);
    }
    return { rejoined: was === 0, died: dead.filter((n) => n !== this.#bus.nodeId) };
  }

  /**
   * A clean stop: this node's liveness is marked run out, so the next heartbeat of any other node
   * purges its routes and adopts its calls at once instead of after nodeTtlMs.
   */
  async leave(): Promise<void> {
    await this.#bus.redis.zadd(NODES, 0, this.#bus.nodeId);
  }

  /**
   * Registers connection `connId` of the device here. Returns the node and connection that held the
   * device before, if on another live node: that node should close exactly that connection (never a
   * newer one the device may have opened there since).
   */
  async register(userId: UserId, deviceId: DeviceId, name: string, connId: string): Promise<{ node: string; connId: string } | null> {
    const old = (await REGISTER.run(this.#bus.redis, [devKey(userId), nodeDevKey(this.#bus.nodeId)], [deviceId, `${this.#bus.nodeId}|${connId}|${name}`, `${userId}\t${deviceId}`])) as string | null; // HGET's reply
    if (!old) return null;
    const [node = '', oldConn = ''] = old.split('|');
    return node !== this.#bus.nodeId && this.#alive.has(node) ? { node, connId: oldConn } : null;
  }

  async unregister(userId: UserId, deviceId: DeviceId, connId: string): Promise<void> {
    await UNREGISTER.run(this.#bus.redis, [devKey(userId), nodeDevKey(this.#bus.nodeId)], [deviceId, `${this.#bus.nodeId}|${connId}`, `${userId}\t${deviceId}`]);
  }

  /** Every live device of the user, on any node. */
  async devicesOf(userId: UserId): Promise<RemoteDevice[]> {
    let all: Record<string, string>;
    try {
      all = await this.#bus.redis.hgetall(devKey(userId));
    } catch (e) {
      throw redisUnavailable(e);
    }
    return this.#parse(all);
  }

  /** The devices of many users in one round trip (a directory page, a call's members). */
  async devicesOfMany(userIds: readonly UserId[]): Promise<Map<UserId, RemoteDevice[]>> {
    const out = new Map<UserId, RemoteDevice[]>();
    if (userIds.length === 0) return out;
    const p = this.#bus.redis.pipeline();
    for (const u of userIds) p.hgetall(devKey(u));
    const replies = (await p.exec()) ?? [];
    userIds.forEach((u, i) => {
      const [err, v] = replies[i] ?? [null, {}];
      if (err) throw redisUnavailable(err);
      out.set(u, this.#parse(v as Record<string, string>)); // HGETALL's reply
    });
    return out;
  }

  /** The node holding this device's connection, or null when it is connected nowhere. */
  async nodeOf(userId: UserId, deviceId: DeviceId): Promise<string | null> {
    let v: string | null;
    try {
      v = await this.#bus.redis.hget(devKey(userId), deviceId);
    } catch (e) {
      throw redisUnavailable(e);
    }
    const node = v?.split('|')[0];
    return node && this.#alive.has(node) ? node : null;
  }

  #parse(all: Record<string, string>): RemoteDevice[] {
    return Object.entries(all).flatMap(([deviceId, v]) => {
      const [node = '', , ...name] = v.split('|');
      // An id from the hash's own field: a device id a client signed in with, checked by the protocol then.
      return this.#alive.has(node) ? [{ deviceId: deviceId as DeviceId, node, name: name.join('|') }] : [];
    });
  }

  /** Publishes a sealed frame to every other node holding a device of the user. */
  publishToUser(userId: UserId, sealed: string): Promise<unknown> {
    return PUBLISH_TO_USER.run(this.#bus.redis, [devKey(userId)], [this.#bus.nodeId, sealed, PREFIX]);
  }
}

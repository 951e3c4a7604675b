import { Redis } from 'ioredis';
import { errorMessage, RingdeskError } from '../../../src/shared/errors.ts';
import type { Call } from '../../../src/shared/call/index.ts';
import { parseResult, type CallId, type DeviceId, type Push, type UserId } from '../../../src/shared/protocol/index.ts';
import { defaultAnnouncedAddress } from '../../sfu/WorkerPool.ts';
import { Logger } from '../../logger.ts';
import type { SessionRegistry } from '../../routing/SessionRegistry.ts';
import type { SfuClusterConfig } from '../../sfu/SfuConfig.ts';
import type { MediaRemote, Placement, SfuActor, SfuRequest, SfuResult } from '../../sfu/ports.ts';
import type { SfuService } from '../../sfu/SfuService.ts';
import { RelayedSessions } from './RelayedSessions.ts';
import { LoadReporter } from './LoadReporter.ts';
import { MediaPlacement } from './MediaPlacement.ts';
import type { WorkerChoice } from './mediaLoad.ts';
import { RelayClient } from './RelayClient.ts';
import { checkNodeId, checkSecret, RELAY_PATH, RelayError } from './relayProtocol.ts';
import { RelayServer } from './RelayServer.ts';

const log = new Logger('ClusterMedia');

/** What the signaling cluster hands over to wire media in (docs/deployment-server.md, "Media across nodes"). */
export interface ClusterMediaOptions {
  /** cluster.nodeId: unique per node, stable across restarts. */
  nodeId: string;
  /** cluster.secret: the same on every node; authenticates the relay both ways. */
  secret: string;
  /** redis.url (ClusterMedia then owns its client), or a client the caller owns and closes. */
  redis: string | Redis;
  /** sfu.cluster of this node's config. */
  config: SfuClusterConfig;
  /** This node's connections. */
  sessions: SessionRegistry;
  /** Optional: the signaling cluster's "send this push to the device wherever it is connected", for a device whose relay link is gone. */
  pushAnywhere?: (userId: UserId, deviceId: DeviceId, push: Push) => void;
}

export interface ClusterMediaStats {
  /** Placements decided locally because Redis did not answer. */
  placementFallbacks: number;
  /** Requests relayed to another node, and those that failed on the relay itself (not the media node's own refusals). */
  relayed: number;
  relayFailures: number;
}

interface Joined {
  callID: CallId;
  userId: UserId;
  deviceId: DeviceId;
}
const deviceKey = (userId: UserId, deviceId: DeviceId): string => `${userId}/${deviceId}`;

/**
 * Media across nodes, for one node: reports its workers' load, places calls cluster-wide, serves
 * other nodes' members through its relay listener and relays its own members to the node their
 * call is on. SfuService takes it as its MediaRemote and its sessions as MediaSessions.
 */
export class ClusterMedia implements MediaRemote {
  readonly nodeId: string;
  readonly sessions: RelayedSessions;
  readonly stats: ClusterMediaStats = { placementFallbacks: 0, relayed: 0, relayFailures: 0 };
  readonly #o: ClusterMediaOptions;
  readonly #redis: Redis;
  readonly #ownsRedis: boolean;
  readonly placement: MediaPlacement;
  readonly #client: RelayClient;
  /** Decided placements; dropped when the call ends or its node cannot be reached. */
  readonly #cache = new Map<CallId, WorkerChoice>();
  readonly #deciding = new Map<CallId, Promise<Placement>>();
  /** Media nodes each local device sent requests to: they hear when it goes offline or comes back. */
  readonly #used = new Map<string, Set<string>>();
  /** Local devices in rooms on each remote node: told when that node's link drops. */
  readonly #joined = new Map<string, Map<string, Joined>>();
  #sfu: SfuService | null = null;
  #server: RelayServer | null = null;
  #reporter: LoadReporter | null = null;
  #relayUrl = '';

  constructor(o: ClusterMediaOptions) {
    this.nodeId = checkNodeId(o.nodeId);
    checkSecret(o.secret);
    this.#o = o;
    this.#ownsRedis = typeof o.redis === 'string';
    // No offline queue: while Redis is down a command fails at once and placement falls back, instead of waiting.
    this.#redis = typeof o.redis === 'string' ? new Redis(o.redis, { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 1, commandTimeout: 1000 }) : o.redis;
    this.#redis.on('error', (e: Error) => log.debug('redis: %s', e.message)); // outages are reported by the reporter and placement, once each
    this.sessions = new RelayedSessions(o.sessions, o.pushAnywhere ?? null);
    this.placement = new MediaPlacement({ redis: this.#redis, nodeId: this.nodeId });
    this.#client = new RelayClient({
      nodeId: this.nodeId,
      secret: o.secret,
      timeoutMs: o.config.relayTimeoutMs,
      resolve: async (nodeId) => (await this.placement.node(nodeId))?.relayUrl ?? null,
      onPush: (userId, deviceId, push) => this.#onPush(userId, deviceId, push),
      onLinkLost: (nodeId) => this.#onLinkLost(nodeId),
    });
  }

  /** Starts the relay listener and the load reports. Call after SfuService.start(). */
  async start(sfu: SfuService): Promise<void> {
    this.#sfu = sfu;
    if (this.#ownsRedis) await this.#redis.connect().catch((e: unknown) => log.warn('Redis is not reachable yet (%s): calls are placed on this node until it is', errorMessage(e)));
    const c = this.#o.config;
    this.#server = await RelayServer.start({ host: c.relayHost, port: c.relayPort, nodeId: this.nodeId, secret: this.#o.secret, sfu, sessions: this.sessions });
    this.#relayUrl = c.relayUrl ?? `ws://${defaultAnnouncedAddress(c.relayHost)}:${this.#server.port}${RELAY_PATH}`;
    this.#reporter = new LoadReporter({ redis: this.#redis, nodeId: this.nodeId, relayUrl: this.#relayUrl, sfu, intervalMs: c.loadReportMs, ttlMs: c.loadTtlMs });
    this.#reporter.start();
    log.info('media cluster up [node:%s, relay:%s, announced:%s]', this.nodeId, this.#relayUrl, sfu.pool?.announcedAddress ?? 'no workers');
  }

  get relayUrl(): string {
    return this.#relayUrl;
  }
  get relay(): RelayServer | null {
    return this.#server;
  }
  get reporter(): LoadReporter | null {
    return this.#reporter;
  }

  locate(callID: CallId): Promise<Placement> {
    const cached = this.#cache.get(callID);
    if (cached) return Promise.resolve(this.#asPlacement(cached));
    let p = this.#deciding.get(callID);
    if (!p) {
      p = this.#decide(callID).finally(() => this.#deciding.delete(callID));
      this.#deciding.set(callID, p);
    }
    return p;
  }

  async #decide(callID: CallId): Promise<Placement> {
    // A room made here while Redis was down is claimed rather than split from a new placement.
    const room = this.#sfu?.rooms.get(callID);
    const prefer = room && !room.closed ? { nodeId: this.nodeId, worker: room.worker.index } : null;
    try {
      const choice = await this.placement.place(callID, prefer);
      if (room && prefer && choice.nodeId !== this.nodeId) {
        // Another node placed the call elsewhere while Redis was down here: this room loses. Its
        // members hear it as a restart and rejoin, which now takes them to the recorded node.
        log.child({ callID }).warn('placement: the call is on node %s; closing the room made here while Redis was down', choice.nodeId);
        room.close('serverRestart');
      }
      this.#cache.set(callID, choice);
      return this.#asPlacement(choice);
    } catch (e) {
      // Not cached: the next request asks Redis again, and claims this room once it answers.
      this.stats.placementFallbacks++;
      log.child({ callID }).warn('placement: Redis did not answer (%s); the room goes on this node', errorMessage(e));
      return { nodeId: null, worker: null };
    }
  }

  #asPlacement(c: WorkerChoice): Placement {
    return c.nodeId === this.nodeId ? { nodeId: null, worker: c.worker } : { nodeId: c.nodeId };
  }

  async forward(nodeId: string, actor: SfuActor, req: SfuRequest): Promise<SfuResult> {
    const deviceName = this.#o.sessions.device(actor.userId, actor.deviceId)?.deviceName ?? actor.deviceId;
    const k = deviceKey(actor.userId, actor.deviceId);
    let nodes = this.#used.get(k);
    if (!nodes) this.#used.set(k, (nodes = new Set()));
    nodes.add(nodeId);
    this.stats.relayed++;
    let raw: unknown;
    try {
      raw = await this.#client.request(nodeId, { ...actor, deviceName }, req);
    } catch (e) {
      if (!(e instanceof RelayError)) throw e;
      this.stats.relayFailures++;
      this.#cache.delete(req.data.callID); // asked again next time: a dead node's calls move
      log.child({ callID: req.data.callID }).warn('relay of %s to node %s failed [%s]: %s', req.type, nodeId, e.code, e.message);
      throw new RingdeskError('sfu_unavailable', `the call's media server cannot be reached right now (${e.code}); try again in a moment`);
    }
    // Checked like any answer crossing a boundary; the schema picked is req.type's own.
    const result = parseResult(req.type, raw) as SfuResult;
    const joined = this.#joined.get(nodeId) ?? new Map<string, Joined>();
    this.#joined.set(nodeId, joined);
    const jk = `${req.data.callID}/${k}`;
    if (req.type === 'sfuJoin') joined.set(jk, { callID: req.data.callID, userId: actor.userId, deviceId: actor.deviceId });
    if (req.type === 'sfuLeave') joined.delete(jk);
    return result;
  }

  #onPush(userId: UserId, deviceId: DeviceId, push: Push): void {
    if (push.type === 'sfuRoomClosed') for (const j of this.#joined.values()) j.delete(`${push.data.callID}/${deviceKey(userId, deviceId)}`);
    this.#o.sessions.push(userId, deviceId, push);
  }

  /** The media node is gone: its rooms are too. Our devices in them hear it as a dead worker, and rejoin. */
  #onLinkLost(nodeId: string): void {
    for (const [callID, c] of this.#cache) if (c.nodeId === nodeId) this.#cache.delete(callID);
    const joined = this.#joined.get(nodeId);
    this.#joined.delete(nodeId);
    for (const j of joined?.values() ?? []) this.#o.sessions.push(j.userId, j.deviceId, { type: 'sfuRoomClosed', data: { callID: j.callID, reason: 'workerDied' } });
  }

  deviceOnline(userId: UserId, deviceId: DeviceId): void {
    for (const n of this.#used.get(deviceKey(userId, deviceId)) ?? []) this.#client.notify(n, { t: 'online', userId, deviceId });
  }

  deviceOffline(userId: UserId, deviceId: DeviceId): void {
    for (const n of this.#used.get(deviceKey(userId, deviceId)) ?? []) this.#client.notify(n, { t: 'offline', userId, deviceId });
  }

  /** Reports now rather than at the next tick: a call placed in between would land on a node about to go. */
  draining(): void {
    log.info('draining: no new rooms here; the %d this node hosts stay until they end', this.#sfu?.rooms.size ?? 0);
    void this.#reporter?.report();
  }

  /**
   * A call this node owns changed: when its room is on another node, that node re-reads the call
   * (its own SfuService hears only the changes of calls it owns). Before anyone answered there is no
   * room, so ringing changes cost nothing; after, one cached lookup, or one Redis GET.
   */
  async callChanged(call: Call): Promise<void> {
    const roomDue = call.mode === 'advanced' || call.members.some((m) => m.userId !== call.inviter && (m.state === 'accepted' || m.state === 'quit'));
    if (!roomDue) return;
    const at = this.#cache.get(call.callID) ?? (await this.placement.recorded(call.callID));
    if (at && at.nodeId !== this.nodeId) this.#client.callChanged(at.nodeId, { t: 'changed', callID: call.callID });
  }

  forget(callID: CallId): void {
    const c = this.#cache.get(callID);
    this.#cache.delete(callID);
    for (const j of this.#joined.values()) for (const [k, v] of j) if (v.callID === callID) j.delete(k);
    if (c?.nodeId === this.nodeId) void this.placement.forget(callID, c).catch((e: unknown) => log.child({ callID }).debug('placement not dropped (it expires): %s', errorMessage(e)));
  }

  /** `withdraw`: a clean leave, this node's load report goes at once (false: as a crash leaves it, to expire). */
  async close(withdraw = true): Promise<void> {
    this.#client.close();
    await this.#reporter?.close(withdraw);
    await this.#server?.close();
    if (this.#ownsRedis) this.#redis.disconnect();
  }
}

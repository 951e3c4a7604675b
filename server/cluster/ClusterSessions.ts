import type { DeviceId, Push, UserId } from '../../src/shared/protocol/index.ts';
import { Logger } from '../logger.ts';
import { SessionRegistry, type Connection } from '../routing/SessionRegistry.ts';
import type { ClusterBus, Envelope } from './ClusterBus.ts';
import type { RouteTable } from './RouteTable.ts';
import { errorMessage } from '../../src/shared/errors.ts';

const log = new Logger('ClusterSessions');
/** How long what Redis said about another node's devices is trusted for `isOnline` (display only). */
const REMOTE_CACHE_MS = 2_000;
/** The close code and push a device gets when it signed in again elsewhere (ClientConnection's CLOSE.replaced). */
const REPLACED = 4409;

interface Cached {
  at: number;
  online: boolean;
  names: Map<DeviceId, string>;
}

/** What a `push` message between nodes carries: the frame, for one device, all devices, or all but one. */
interface PushBody {
  u: UserId;
  d: DeviceId | null;
  x: DeviceId | null;
  frame: string;
}

/**
 * SessionRegistry across nodes. Local connections are held as in one process (the parent class);
 * each is also registered in Redis's route table, and a push for a device on another node is
 * published to that node's channel, which delivers it.
 *
 * Pub/sub, not streams, for pushes: a push is only worth delivering to a connection that exists now.
 * A device that is not connected (or whose node died) misses it, and every client re-reads what
 * matters on connect (queryCallInvitationList / queryActiveCalls, the presence snapshot), exactly as
 * when a single server restarts. The state behind every call push is in Postgres before the push is
 * sent, so nothing a client acts on lives only in a push. What pub/sub cannot give: a push sent
 * while Redis is unreachable, to a device that stays connected through the outage, is not re-sent
 * (docs/deployment-server.md, failure table).
 */
export class ClusterSessions extends SessionRegistry {
  readonly #bus: ClusterBus;
  readonly #routes: RouteTable;
  readonly #now: () => number;
  readonly #remote = new Map<UserId, Cached>();
  /** Each local connection's id in the route table, so a "kick" closes that connection and never a newer one. */
  readonly #connIds = new WeakMap<Connection, string>();
  #nextConn = 0;
  /** Names of devices on other nodes that acted on calls owned here (forwarded requests carry them). */
  readonly #names = new Map<string, string>();

  constructor(bus: ClusterBus, routes: RouteTable, now: () => number = Date.now) {
    super();
    this.#bus = bus;
    this.#routes = routes;
    this.#now = now;
  }

  /** Handles a node message meant for sessions; false when it is another kind. */
  receive(m: Envelope): boolean {
    if (m.k === 'push') {
      const b = m as unknown as PushBody; // sealed by ClusterSessions.push on a node holding the secret
      if (b.d !== null) super.device(b.u, b.d)?.send(b.frame);
      else for (const c of super.devices(b.u)) if (c.deviceId !== b.x) c.send(b.frame);
      return true;
    }
    if (m.k === 'kick') {
      const b = m as unknown as { u: UserId; d: DeviceId; c: string }; // sealed by #register below on another node
      const c = super.device(b.u, b.d);
      if (c && this.#connIds.get(c) === b.c) {
        c.send(JSON.stringify({ type: 'sessionClosed', data: { reason: 'replaced' } }));
        c.close(REPLACED, 'signed in again on this device');
      }
      return true;
    }
    return false;
  }

  override add(conn: Connection): Connection | undefined {
    this.#connIds.set(conn, `${this.#bus.nodeId}.${++this.#nextConn}`);
    const old = super.add(conn);
    this.#remote.delete(conn.userId);
    void this.#register(conn);
    return old;
  }

  async #register(conn: Connection): Promise<void> {
    try {
      const previous = await this.#routes.register(conn.userId, conn.deviceId, conn.deviceName, this.#connId(conn));
      // The device signed in here while its old connection lives on another node: that connection goes.
      if (previous) await this.#bus.send(previous.node, 'kick', { u: conn.userId, d: conn.deviceId, c: previous.connId });
    } catch (e) {
      // Redis is down: the route is written again when it is back (reRegister).
      log.warn('route of %s/%s not written: %s', conn.userId, conn.deviceId, errorMessage(e));
    }
  }

  override remove(conn: Connection): boolean {
    if (!super.remove(conn)) return false;
    this.#routes.unregister(conn.userId, conn.deviceId, this.#connId(conn)).catch((e: unknown) => log.warn('route of %s/%s not removed: %s', conn.userId, conn.deviceId, errorMessage(e)));
    return true;
  }

  /** After Redis lost its data or this node was given up for dead: every local route again. */
  async reRegister(): Promise<void> {
    const all = this.onlineUsers().flatMap((u) => super.devices(u));
    await Promise.all(all.map((c) => this.#routes.register(c.userId, c.deviceId, c.deviceName, this.#connId(c))));
    log.info('re-registered %d device route(s)', all.length);
  }

  #connId(conn: Connection): string {
    return this.#connIds.get(conn) ?? 'unknown';
  }

  override push(userId: UserId, device: DeviceId | null, push: Push): void {
    const frame = JSON.stringify(push);
    if (device !== null && super.device(userId, device)) return super.device(userId, device)?.send(frame);
    if (device === null) for (const c of super.devices(userId)) c.send(frame);
    this.#publish({ u: userId, d: device, x: null, frame });
  }

  override pushToOthers(userId: UserId, except: DeviceId, push: Push): void {
    super.pushToOthers(userId, except, push);
    this.#publish({ u: userId, d: null, x: except, frame: JSON.stringify(push) });
  }

  override broadcast(users: Iterable<UserId>, push: Push): void {
    for (const u of users) this.push(u, null, push);
  }

  #publish(b: PushBody): void {
    // Redis keeps the order of one connection's commands, so pushes to one device arrive in order.
    this.#routes.publishToUser(b.u, this.#bus.seal('push', { ...b })).catch((e: unknown) => {
      log.warn('push %s to other nodes lost (redis): %s', b.u, errorMessage(e));
    });
  }

  override isOnline(userId: UserId): boolean {
    if (super.isOnline(userId)) return true;
    const c = this.#remote.get(userId);
    return c !== undefined && c.online && this.#now() - c.at < REMOTE_CACHE_MS;
  }

  override deviceName(userId: UserId, deviceId: DeviceId): string | undefined {
    return super.deviceName(userId, deviceId) ?? this.#names.get(`${userId}/${deviceId}`) ?? this.#remote.get(userId)?.names.get(deviceId);
  }

  /** A request forwarded from another node named its device: "answered on <name>" can say it. */
  override rememberName(userId: UserId, deviceId: DeviceId, name: string): void {
    const key = `${userId}/${deviceId}`;
    this.#names.delete(key);
    this.#names.set(key, name);
    if (this.#names.size > 10_000) for (const k of this.#names.keys()) if (this.#names.delete(k) && this.#names.size <= 10_000) break;
  }

  override async isConnected(userId: UserId, deviceId: DeviceId): Promise<boolean> {
    if (super.device(userId, deviceId)) return true;
    return (await this.#routes.nodeOf(userId, deviceId)) !== null;
  }

  /** One pipeline for the users not connected here; a Redis outage leaves them shown offline. */
  override async prefetch(userIds: Iterable<UserId>): Promise<void> {
    const now = this.#now();
    const ask = [...new Set(userIds)].filter((u) => !super.isOnline(u) && now - (this.#remote.get(u)?.at ?? 0) >= REMOTE_CACHE_MS);
    if (ask.length === 0) return;
    try {
      for (const [u, devices] of await this.#routes.devicesOfMany(ask)) {
        this.#remote.set(u, { at: now, online: devices.length > 0, names: new Map(devices.map((d) => [d.deviceId, d.name])) });
      }
    } catch (e) {
      log.debug('presence lookup failed: %s', errorMessage(e));
    }
    // Bounded: entries older than the trust window are worthless.
    if (this.#remote.size > 50_000) for (const [u, c] of this.#remote) if (now - c.at >= REMOTE_CACHE_MS) this.#remote.delete(u);
  }

  /** The node holding a device's connection (this one included), or null: for the media relay. */
  nodeOf(userId: UserId, deviceId: DeviceId): Promise<string | null> {
    if (super.device(userId, deviceId)) return Promise.resolve(this.#bus.nodeId);
    return this.#routes.nodeOf(userId, deviceId);
  }
}

import type { DeviceId, Push, UserId } from '../../src/shared/protocol/index.ts';

/** One authenticated WebSocket, as the domain sees it. */
export interface Connection {
  readonly userId: UserId;
  readonly deviceId: DeviceId;
  readonly deviceName: string;
  send(frame: string): void;
  close(code: number, reason: string): void;
}

/** Pushes whose frames are remembered: a call's pushes to its members go out one after another. */
export const FRAME_MEMO = 4;

/**
 * Who is connected, on which devices, in this process. In cluster mode ClusterSessions
 * (server/cluster/) extends it with the devices of other nodes; the domain only uses these methods,
 * and the async ones are the ones that may ask Redis.
 */
export class SessionRegistry {
  readonly #byUser = new Map<UserId, Map<DeviceId, Connection>>();
  /**
   * The frames of the last FRAME_MEMO pushes: the call machine hands every member the same push
   * object (and CallService the same record to every participant), one after another, so each is
   * serialised once, not once per recipient. Pushes are never changed after they are sent.
   * Not a WeakMap by push: its entries outlived their pushes past a scavenge, and at 500 invitations
   * a second those frames were 1.25 of the 2.1 MB each scavenge copied (docs/benchmarks.md).
   */
  readonly #memo: { push: Push | null; frame: string }[] = Array.from({ length: FRAME_MEMO }, () => ({ push: null, frame: '' }));
  #memoNext = 0;

  /** Registers a connection; returns the one it replaces (same user and device), if any. */
  add(conn: Connection): Connection | undefined {
    let devices = this.#byUser.get(conn.userId);
    if (!devices) this.#byUser.set(conn.userId, (devices = new Map()));
    const old = devices.get(conn.deviceId);
    devices.set(conn.deviceId, conn);
    return old;
  }

  /** False when `conn` was not (or no longer) the registered connection of its device. */
  remove(conn: Connection): boolean {
    const devices = this.#byUser.get(conn.userId);
    if (devices?.get(conn.deviceId) !== conn) return false;
    devices.delete(conn.deviceId);
    if (devices.size === 0) this.#byUser.delete(conn.userId);
    return true;
  }

  devices(userId: UserId): Connection[] {
    return [...(this.#byUser.get(userId)?.values() ?? [])];
  }
  device(userId: UserId, deviceId: DeviceId): Connection | undefined {
    return this.#byUser.get(userId)?.get(deviceId);
  }
  isOnline(userId: UserId): boolean {
    return this.#byUser.has(userId);
  }
  onlineUsers(): UserId[] {
    return [...this.#byUser.keys()];
  }
  get connectionCount(): number {
    let n = 0;
    for (const d of this.#byUser.values()) n += d.size;
    return n;
  }

  /** `device: null` sends to every device of the user. Offline users simply miss pushes; clients re-read on connect. */
  push(userId: UserId, device: DeviceId | null, push: Push): void {
    const frame = this.frame(push);
    if (device === null) for (const c of this.devices(userId)) c.send(frame);
    else this.device(userId, device)?.send(frame);
  }

  /** The wire frame of a push, serialised once while it is among the last FRAME_MEMO sent. */
  frame(push: Push): string {
    for (const m of this.#memo) if (m.push === push) return m.frame;
    const slot = this.#memo[this.#memoNext] as { push: Push | null; frame: string }; // #memoNext < FRAME_MEMO
    this.#memoNext = (this.#memoNext + 1) % FRAME_MEMO;
    slot.push = push;
    slot.frame = JSON.stringify(push);
    return slot.frame;
  }

  /** Every device of the user but `except` (the device that acted). */
  pushToOthers(userId: UserId, except: DeviceId, push: Push): void {
    const frame = this.frame(push);
    for (const c of this.devices(userId)) if (c.deviceId !== except) c.send(frame);
  }

  /** The device's name, for "answered on <device>"; undefined when unknown. */
  deviceName(userId: UserId, deviceId: DeviceId): string | undefined {
    return this.device(userId, deviceId)?.deviceName;
  }

  /** A device on another node named itself in a forwarded request (a cluster keeps it for deviceName). */
  rememberName(_userId: UserId, _deviceId: DeviceId, _name: string): void {
    // One process knows every connected device's name already.
  }

  /** Whether the device is connected anywhere (in this process; in a cluster, on any node). */
  async isConnected(userId: UserId, deviceId: DeviceId): Promise<boolean> {
    return this.device(userId, deviceId) !== undefined;
  }

  /** Makes `isOnline` of these users current before a synchronous pass over them (a cluster asks Redis once). */
  async prefetch(_userIds: Iterable<UserId>): Promise<void> {
    // Everything is local in one process.
  }

  /** Sends one push to many users (serialised once). */
  broadcast(users: Iterable<UserId>, push: Push): void {
    const frame = JSON.stringify(push);
    for (const u of users) for (const c of this.devices(u)) c.send(frame);
  }
}

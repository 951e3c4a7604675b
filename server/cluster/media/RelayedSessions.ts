import type { DeviceId, Push, UserId } from '../../../src/shared/protocol/index.ts';
import { Logger } from '../../logger.ts';
import type { SessionRegistry } from '../../routing/SessionRegistry.ts';
import type { MediaSessions } from '../../sfu/ports.ts';

const log = new Logger('RelayedSessions');

/** A relay link as the media node sees it: the node that holds some members' connections. */
export interface PushLink {
  /** The dialling node, once authenticated. */
  readonly nodeId: string | null;
  readonly open: boolean;
  push(userId: UserId, deviceId: DeviceId, push: Push): void;
}

interface RemoteDevice {
  userId: UserId;
  deviceId: DeviceId;
  deviceName: string;
  link: PushLink;
}

const key = (userId: UserId, deviceId: DeviceId): string => `${userId}/${deviceId}`;

/**
 * The devices a media node's rooms can reach: its own connections first, then the devices other
 * nodes relay for (each through the link its last request came on, so a push travels the same path
 * as the answers and keeps their order). `fallback` (the signaling cluster's "push wherever the
 * device is connected") serves a device whose link is gone; without it such a push is dropped, as
 * a push to an offline device is on one node (the client re-reads on reconnect).
 */
export class RelayedSessions implements MediaSessions {
  readonly #local: SessionRegistry;
  readonly #remote = new Map<string, RemoteDevice>();
  readonly #fallback: ((userId: UserId, deviceId: DeviceId, push: Push) => void) | null;

  constructor(local: SessionRegistry, fallback: ((userId: UserId, deviceId: DeviceId, push: Push) => void) | null) {
    this.#local = local;
    this.#fallback = fallback;
  }

  device(userId: UserId, deviceId: DeviceId): { readonly deviceName: string } | undefined {
    return this.#local.device(userId, deviceId) ?? this.#remote.get(key(userId, deviceId));
  }

  push(userId: UserId, deviceId: DeviceId, push: Push): void {
    if (this.#local.device(userId, deviceId)) return this.#local.push(userId, deviceId, push);
    const r = this.#remote.get(key(userId, deviceId));
    if (r?.link.open) return r.link.push(userId, deviceId, push);
    if (this.#fallback) return this.#fallback(userId, deviceId, push);
    log.debug('push %s dropped: %s/%s is connected nowhere this node knows', push.type, userId, deviceId);
  }

  /** The device sent a request through `link` (it is online there). */
  seen(userId: UserId, deviceId: DeviceId, deviceName: string, link: PushLink): void {
    this.#remote.set(key(userId, deviceId), { userId, deviceId, deviceName, link });
  }

  /** Its connection dropped (or the link did): false when it had already moved to another link. */
  gone(userId: UserId, deviceId: DeviceId, link: PushLink): boolean {
    const k = key(userId, deviceId);
    if (this.#remote.get(k)?.link !== link) return false;
    this.#remote.delete(k);
    return true;
  }

  /** The devices last seen through `link`. */
  through(link: PushLink): { userId: UserId; deviceId: DeviceId }[] {
    return [...this.#remote.values()].filter((r) => r.link === link).map((r) => ({ userId: r.userId, deviceId: r.deviceId }));
  }
}

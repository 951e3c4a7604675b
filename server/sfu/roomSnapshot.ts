import type { DeviceId, UserId } from '../../src/shared/protocol/index.ts';
import type { Peer } from './Peer.ts';
import type { Room } from './Room.ts';

/** One device in a room: the ids of the objects the server holds for it. */
export interface PeerSnapshot {
  userId: UserId;
  deviceId: DeviceId;
  transports: string[];
  producers: string[];
  consumers: string[];
}

/** What tests (and a future admin view) may read of one room: server state, not what clients were told. */
export interface RoomSnapshot {
  worker: number;
  routerClosed: boolean;
  peers: PeerSnapshot[];
  /** Ringing devices pre-warming: their transports, producers and consumers, all paused until answered. */
  pending: PeerSnapshot[];
}

export function roomSnapshot(room: Room): RoomSnapshot {
  return {
    worker: room.worker.index,
    routerClosed: room.router.closed,
    peers: [...room.peers.values()].map(peerSnapshot),
    pending: [...room.pending.values()].map(peerSnapshot),
  };
}

function peerSnapshot(p: Peer): PeerSnapshot {
  return {
    userId: p.userId,
    deviceId: p.deviceId,
    transports: [...p.transports.keys()],
    producers: [...p.producers.keys()],
    consumers: [...p.consumers.keys()],
  };
}

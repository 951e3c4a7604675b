import type { DeviceId, UserId } from '../../../shared/protocol/common.ts';
import type { MediaSource } from '../../../shared/protocol/sfu.ts';

// RoomClient's plain-data types, apart from it so stores and views import them without mediasoup-client.

export type RoomState = 'idle' | 'joining' | 'connected' | 'reconnecting' | 'closed';
export type RoomCloseReason = 'ended' | 'moved' | 'left';

export interface RoomMember {
  userId: UserId;
  deviceId: DeviceId;
  deviceName: string;
}

/** One remote stream this device receives: plain data (the track stays in the client). */
export interface RemoteStream {
  consumerId: string;
  producerId: string;
  userId: UserId;
  deviceId: DeviceId;
  kind: 'audio' | 'video';
  source: MediaSource;
  /** The sender paused it (muted microphone, camera off). */
  paused: boolean;
}

export interface Published {
  source: MediaSource;
  paused: boolean;
  /** A producer for it exists on the server right now. */
  live: boolean;
}

export type RoomEvents = {
  state: [state: RoomState];
  members: [members: RoomMember[]];
  remotes: [remotes: RemoteStream[]];
  published: [published: Published[]];
  activeSpeaker: [who: { userId: UserId; deviceId: DeviceId } | null];
  closed: [reason: RoomCloseReason];
  /** A background step failed (it is retried or reported, never thrown). */
  error: [error: Error];
};

/** One raw stats report per stream, for stats.ts to summarise. */
export type { RawReport as StreamReport } from './stats.ts';

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

/** A received camera's simulcast layers: what this device asked for and what the SFU forwards now. */
export interface ConsumerLayers {
  /** The spatial layer asked for with sfuSetPreferredLayers (0 smallest), null before the tile was measured. */
  preferred: number | null;
  /** What the SFU forwards right now (its sfuConsumerLayersChanged); null while it forwards nothing. */
  spatial: number | null;
  temporal: number | null;
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
  /** Every received camera's layers, by consumer id (the whole map at each change). */
  layers: [layers: Record<string, ConsumerLayers>];
  activeSpeaker: [who: { userId: UserId; deviceId: DeviceId } | null];
  closed: [reason: RoomCloseReason];
  /** A background step failed (it is retried or reported, never thrown). */
  error: [error: Error];
};

/** One raw stats report per stream, for stats.ts to summarise. */
export type { RawReport as StreamReport } from './stats.ts';

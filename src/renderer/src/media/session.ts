import type { MediaSource } from '../../../shared/protocol/sfu.ts';
import { sfuPort } from '../bridge.ts';
import { logToMain } from '../log.ts';
import type { SpatialLayer } from './layers.ts';
import { registerSession } from './controls.ts';
import { MediaSession } from './MediaSession.ts';

/**
 * This window's media session: one MediaSession (the owner of the room and the tracks, with its
 * lifecycle), registered with the buttons (controls.ts) that borrow them. Views call the functions
 * below; mediasoup-client (RoomClient) is imported on first need, so the first screen never loads it.
 */

type RoomModule = typeof import('./RoomClient.ts');
let roomModule: Promise<RoomModule> | null = null;
export const loadRoomModule = (): Promise<RoomModule> => (roomModule ??= import('./RoomClient.ts'));

let current: { session: MediaSession; unregister: () => void } | null = null;

/** Starts the window's session (once; a stopped one is replaced by a fresh one); returns the stop function. */
export function startMediaSession(): () => void {
  if (current) return stopMediaSession;
  const session = new MediaSession({ port: sfuPort, loadRoom: loadRoomModule, report: (level, message) => logToMain('media', level, message) });
  current = { session, unregister: registerSession(session) };
  session.start();
  return stopMediaSession;
}

function stopMediaSession(): void {
  const c = current;
  current = null;
  c?.unregister();
  c?.session.stop();
}

/** A remote consumer's track, for a tile's <video> or <audio>. */
export const remoteTrack = (consumerId: string): MediaStreamTrack | null => current?.session.remoteTrack(consumerId) ?? null;
/** A received camera's <video>, already playing; the tile that shows it gives it back when it goes. */
export const borrowVideo = (consumerId: string): HTMLVideoElement | null => current?.session.borrowVideo(consumerId) ?? null;
export const returnVideo = (consumerId: string, el: HTMLVideoElement): void => current?.session.returnVideo(consumerId, el);
/** The tile showing a remote camera was resized: the SFU forwards the layer that fits it. */
export const preferLayer = (consumerId: string, layer: SpatialLayer): void => current?.session.preferLayer(consumerId, layer);
/** What this device sends as `source` (self-view), or the camera preview while ringing. */
export const localTrack = (source: MediaSource): MediaStreamTrack | null => current?.session.localTrack(source) ?? null;
/** The camera preview the incoming screen offers before answering. */
export const startPreview = async (): Promise<void> => current?.session.startPreview();
export const stopPreview = (): void => current?.session.stopPreview();

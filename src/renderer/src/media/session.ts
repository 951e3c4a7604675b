import type { Device } from 'mediasoup-client';
import { effectScope, watch } from 'vue';
import type { CallId } from '../../../shared/protocol/common.ts';
import type { MediaSource } from '../../../shared/protocol/sfu.ts';
import { sfuPort } from '../bridge.ts';
import { useCallsStore } from '../stores/calls.ts';
import { useManagedStore } from '../stores/managed.ts';
import { useMediaStore } from '../stores/media.ts';
import { useSessionStore } from '../stores/session.ts';
import { useSettingsStore } from '../stores/settings.ts';
import type { SpatialLayer } from './layers.ts';
import { classify, listDevices, onDeviceChange, openTrack } from './localMedia.ts';
import type { RoomClient } from './RoomClient.ts';
import { StatsSampler } from './stats.ts';

/**
 * The one media session of this window: joins the SFU room of the call this device is in, leaves
 * it when the call is over, pre-warms while a call rings, and feeds the media store. mediasoup-client
 * (RoomClient) is imported on first need, so the first screen never loads it.
 */

type RoomModule = typeof import('./RoomClient.ts');
const STATS_INTERVAL_MS = 1_000;

let roomModule: Promise<RoomModule> | null = null;
export const loadRoomModule = (): Promise<RoomModule> => (roomModule ??= import('./RoomClient.ts'));

interface Live {
  room: RoomClient;
  tracks: Map<MediaSource, MediaStreamTrack>;
  offs: (() => void)[];
}

let live: Live | null = null;
let warm: { callID: string; device: Promise<Device> } | null = null;
let preview: MediaStreamTrack | null = null;
let stopSession: (() => void) | null = null;

export const currentRoom = (): Live | null => live;

/** A remote consumer's track, for a tile's <video> or <audio>. */
export function remoteTrack(consumerId: string): MediaStreamTrack | null {
  return live?.room.remoteTrack(consumerId) ?? null;
}
/** The tile showing a remote camera was resized: the SFU forwards the layer that fits it. */
export function preferLayer(consumerId: string, layer: SpatialLayer): void {
  live?.room.preferLayer(consumerId, layer);
}
/** What this device sends as `source` (self-view), or the camera preview while ringing. */
export function localTrack(source: MediaSource): MediaStreamTrack | null {
  return live?.tracks.get(source) ?? (source === 'camera' ? preview : null);
}

/** Starts following the calls store (once per window); returns the stop function. */
export function startMediaSession(): () => void {
  if (stopSession) return stopSession;
  const calls = useCallsStore();
  const media = useMediaStore();
  const session = useSessionStore();
  const settings = useSettingsStore();
  const prewarmOn = (): boolean => settings.settings?.prewarmMedia ?? true;
  const scope = effectScope(true);
  scope.run(() => {
    // The room to be in: the call in progress; with pre-warm, also my outgoing call (I am Accepted as its inviter).
    watch(
      () => calls.active?.call.callID ?? (prewarmOn() ? calls.outgoing?.call.callID : undefined) ?? null,
      (id) => {
        if (live && live.room.callID !== id) leave();
        if (id && !live) void join(id);
      },
      { immediate: true },
    );
    watch(
      () => calls.incoming?.call.callID ?? null,
      (id) => {
        if (id && prewarmOn()) prewarm(id);
        // Stopped ringing without a call to join (declined, cancelled): the preview has no use. When
        // answered, join() has already claimed the call and takes the preview over as its camera.
        if (!id && !live && media.callID === null) stopPreview();
      },
      { immediate: true },
    );
    // The signaling connection came back: the server may have dropped this device's room state.
    watch(
      () => session.connection.state,
      (s, was) => {
        if (s === 'connected' && was !== 'connected' && live) void live.room.rejoin();
      },
    );
  });
  const offDevices = onDeviceChange(() => void import('./controls.ts').then((c) => c.devicesChanged()));
  void listDevices().then((d) => (media.devices = d));
  stopSession = () => {
    scope.stop();
    offDevices();
    leave();
    stopPreview();
    stopSession = null;
  };
  return stopSession;
}

/** While the call rings: load mediasoup-client and a Device with the router's codecs. */
export function prewarm(callID: CallId): void {
  if (warm?.callID === callID || live?.room.callID === callID) return;
  const media = useMediaStore();
  const t0 = performance.now();
  media.prewarm = { callID, ready: false, ms: null };
  const device = loadRoomModule().then((m) => m.loadDevice(sfuPort, callID));
  warm = { callID, device };
  device.then(
    () => {
      if (media.prewarm?.callID === callID) media.prewarm = { callID, ready: true, ms: Math.round(performance.now() - t0) };
    },
    () => {
      if (warm?.device === device) warm = null; // the join loads its own
    },
  );
}

/** The camera preview the incoming screen offers before answering. */
export async function startPreview(): Promise<void> {
  const media = useMediaStore();
  if (preview) return;
  try {
    const { track } = await openTrack('video', useSettingsStore().settings?.media.cameraId ?? null);
    preview = track;
    media.previewOn = true;
    media.cameraProblem = null;
  } catch (e) {
    media.cameraProblem = classify(e);
  }
}

export function stopPreview(): void {
  preview?.stop();
  preview = null;
  useMediaStore().previewOn = false;
}

async function join(callID: CallId): Promise<void> {
  const media = useMediaStore();
  const me = useSessionStore().session;
  if (!me) return;
  media.reset(callID);
  media.state = 'joining';
  // The camera opens for a video call, unless IT turned video off (main refuses video calls then too).
  media.cameraOn = (media.intent[callID] ?? useCallsStore().byId(callID)?.media) === 'video' && useManagedStore().policy.features.video;
  const { RoomClient } = await loadRoomModule();
  if (live || media.callID !== callID) return; // left (or moved on) while the module loaded
  const device = warm?.callID === callID ? warm.device : undefined;
  warm = null;
  const room = new RoomClient({ port: sfuPort, callID, me: { userId: me.userId, deviceId: me.deviceId }, ...(device ? { device } : {}) });
  const l: Live = { room, tracks: new Map(), offs: [] };
  live = l;
  const sampler = new StatsSampler();
  const timer = setInterval(() => {
    void room.reports().then((r) => {
      if (live === l) media.stats = sampler.sample(r, performance.now());
    });
  }, STATS_INTERVAL_MS);
  l.offs.push(
    () => clearInterval(timer),
    room.on('state', (s) => (media.state = s)),
    room.on('members', (m) => (media.members = m)),
    room.on('remotes', (r) => (media.remotes = r)),
    room.on('published', (p) => (media.published = p)),
    room.on('layers', (x) => (media.layers = x)),
    room.on('activeSpeaker', (w) => (media.activeSpeaker = w ? `${w.userId}/${w.deviceId}` : null)),
    room.on('closed', () => {
      if (live === l) leave();
    }),
    room.on('error', (e) => console.warn('[media]', e.message)),
  );
  const joined = room.join().catch((e: unknown) => console.warn('[media] join failed', e));
  await Promise.all([joined, openLocal(l)]);
}

/** Microphone always (paused when muted); camera when this device answered or called with video. */
async function openLocal(l: Live): Promise<void> {
  const media = useMediaStore();
  const ids = useSettingsStore().settings?.media;
  const mic = openTrack('audio', ids?.microphoneId ?? null).then(
    ({ track, fellBack }) => {
      if (fellBack) media.notice('micFallback');
      if (!adopt(l, 'mic', track)) return;
      void l.room.publish('mic', track, media.micMuted).catch(report);
    },
    (e: unknown) => (media.micProblem = classify(e)),
  );
  const cam = (async () => {
    if (!media.cameraOn) return stopPreview();
    const p = preview;
    preview = null;
    media.previewOn = false;
    try {
      const opened = p ? { track: p, fellBack: false } : await openTrack('video', ids?.cameraId ?? null);
      if (opened.fellBack) media.notice('cameraFallback');
      if (adopt(l, 'camera', opened.track)) await l.room.publish('camera', opened.track, !media.cameraOn);
    } catch (e) {
      media.cameraProblem = classify(e);
      media.cameraOn = false; // the button must not claim a camera that never opened
    }
  })();
  await Promise.all([mic, cam]);
}

/** Keeps a freshly opened track for this room, or stops it if the room is gone meanwhile. */
export function adopt(l: Live, source: MediaSource, track: MediaStreamTrack): boolean {
  if (live !== l || l.room.closed) {
    track.stop();
    return false;
  }
  const old = l.tracks.get(source);
  l.tracks.set(source, track);
  if (old && old !== track) old.stop();
  track.addEventListener('ended', () => void import('./controls.ts').then((c) => c.trackEnded(source, track)));
  return true;
}

export function leave(): void {
  const l = live;
  if (!l) return;
  live = null;
  for (const off of l.offs) off();
  l.room.close('left');
  for (const t of l.tracks.values()) t.stop();
  useMediaStore().reset(null);
}

function report(e: unknown): void {
  console.warn('[media]', e instanceof Error ? e.message : String(e));
}

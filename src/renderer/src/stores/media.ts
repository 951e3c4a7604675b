import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { MediaKind } from '../../../shared/ipc/model.ts';
import type { MediaProblem } from '../media/localMedia.ts';
import type { ConsumerLayers, Published, RemoteStream, RoomMember, RoomState } from '../media/roomTypes.ts';
import { isPoor, type StreamStats } from '../media/stats.ts';

/** Something about the devices the user should hear about, by code (translated in the view). */
export interface MediaNotice {
  code: 'micFallback' | 'cameraFallback' | 'speakerFallback' | 'micLost' | 'cameraLost';
  at: number;
}

export interface DeviceOption {
  kind: 'audioinput' | 'videoinput' | 'audiooutput';
  deviceId: string;
  label: string;
}

/**
 * The call's media as the UI shows it: who is in, who speaks, what is paused, stats. Serializable
 * only: tracks, transports and the Device live in RoomClient (media/session.ts hands tracks out by id).
 */
export const useMediaStore = defineStore('media', () => {
  const callID = ref<string | null>(null);
  const state = ref<RoomState>('idle');
  const members = ref<RoomMember[]>([]);
  const remotes = ref<RemoteStream[]>([]);
  const published = ref<Published[]>([]);
  /** `userId/deviceId` of the loudest member, or null. */
  const activeSpeaker = ref<string | null>(null);
  const stats = ref<StreamStats[]>([]);
  /** Each received camera's simulcast layers (asked for and forwarded), by consumer id. */
  const layers = ref<Record<string, ConsumerLayers>>({});
  /** Why the microphone or camera is not sent (the call goes on receive-only). */
  const micProblem = ref<MediaProblem | null>(null);
  const cameraProblem = ref<MediaProblem | null>(null);
  const screenProblem = ref<MediaProblem | null>(null);
  const notices = ref<MediaNotice[]>([]);
  const devices = ref<DeviceOption[]>([]);
  /** What the user picked when answering, by call (the view's `media` is the inviter's). */
  const intent = ref<Record<string, MediaKind>>({});
  /** Pre-warm while ringing: the Device is loaded for this call, and how long that took. */
  const prewarm = ref<{ callID: string; ready: boolean; ms: number | null } | null>(null);
  /** The camera preview on the incoming screen is on. */
  const previewOn = ref(false);

  /** What the user asked for; the session applies it to the producers (also before the devices open). */
  const micMuted = ref(false);
  const cameraOn = ref(false);

  const poor = computed(() => isPoor(stats.value));
  const sharing = computed(() => published.value.some((p) => p.source === 'screen'));
  /** The screen share that takes the stage, if someone shares. */
  const remoteScreen = computed(() => remotes.value.find((r) => r.source === 'screen' && r.kind === 'video') ?? null);

  function reset(id: string | null): void {
    callID.value = id;
    state.value = 'idle';
    members.value = [];
    remotes.value = [];
    published.value = [];
    activeSpeaker.value = null;
    stats.value = [];
    layers.value = {};
    micProblem.value = cameraProblem.value = screenProblem.value = null;
    notices.value = [];
    micMuted.value = false;
    cameraOn.value = false;
  }

  function notice(code: MediaNotice['code'], at = Date.now()): void {
    notices.value = [...notices.value.filter((n) => n.code !== code), { code, at }];
  }
  function dismissNotice(code: MediaNotice['code']): void {
    notices.value = notices.value.filter((n) => n.code !== code);
  }

  function setIntent(id: string, media: MediaKind): void {
    intent.value = { ...intent.value, [id]: media };
  }

  return {
    callID,
    state,
    members,
    remotes,
    published,
    activeSpeaker,
    stats,
    layers,
    micProblem,
    cameraProblem,
    screenProblem,
    notices,
    devices,
    intent,
    prewarm,
    previewOn,
    poor,
    micMuted,
    cameraOn,
    sharing,
    remoteScreen,
    reset,
    notice,
    dismissNotice,
    setIntent,
  };
});

import { effectScope, watch, type EffectScope } from 'vue';
import { TypedEmitter } from '../../../shared/events.ts';
import type { CallId, DeviceId, UserId } from '../../../shared/protocol/common.ts';
import type { MediaSource } from '../../../shared/protocol/sfu.ts';
import { useCallsStore } from '../stores/calls.ts';
import { useManagedStore } from '../stores/managed.ts';
import { useMediaStore } from '../stores/media.ts';
import { useSessionStore } from '../stores/session.ts';
import { useSettingsStore } from '../stores/settings.ts';
import type { SpatialLayer } from './layers.ts';
import { nextSessionState, type SessionEvent, type SessionState } from './lifecycle.ts';
import { LocalCapture } from './LocalCapture.ts';
import { listDevices, onDeviceChange } from './localMedia.ts';
import type { RoomClient, RoomState } from './RoomClient.ts';
import type { SfuPort } from './sfuPort.ts';
import { StatsSampler } from './stats.ts';
import { VideoSinks } from './VideoSinks.ts';
import { errorMessage } from '../../../shared/errors.ts';

type RoomModule = typeof import('./RoomClient.ts');
type Me = { userId: UserId; deviceId: DeviceId };
const STATS_INTERVAL_MS = 1_000;

/** This window's room and what it sends: owned by the session, lent to MediaControls. */
export interface Live {
  room: RoomClient;
  tracks: Map<MediaSource, MediaStreamTrack>;
  offs: (() => void)[];
}

export type MediaSessionEvents = {
  state: [state: SessionState];
  /** A sent track ended by itself (unplugged, or sharing stopped in the browser's bar). */
  trackEnded: [source: MediaSource, track: MediaStreamTrack];
  /** The OS device list changed. */
  devicesChanged: [];
};

export interface MediaSessionDeps {
  port: SfuPort;
  /** mediasoup-client is loaded on first need, so the first screen never carries it. */
  loadRoom(): Promise<RoomModule>;
  /** Warnings and errors for main's log (the `log` IPC channel). */
  report(level: 'warn' | 'error', message: string): void;
  /** The received cameras' <video> elements (tests pass one over their DOM). */
  sinks?: VideoSinks;
}

const message = (e: unknown): string => (errorMessage(e));

/**
 * The one media session of this window, with an explicit lifecycle (lifecycle.ts): pre-warms while
 * a call rings (this device already in the room, producers paused), joins the call in progress,
 * rejoins after the signaling comes back, leaves when the call is over, and feeds the media store.
 * The room and the tracks are its own; MediaControls acts on them through `live` and `adopt`.
 */
export class MediaSession extends TypedEmitter<MediaSessionEvents> {
  readonly #d: MediaSessionDeps;
  #state: SessionState = 'idle';
  #live: Live | null = null;
  /** Microphone, camera and the camera preview: opened for `#live`, adopted through `adopt`. */
  readonly #capture = new LocalCapture(this);
  #scope: EffectScope | null = null;
  /** The ringing call this device started answering before the answer was confirmed (see start()). */
  #answering: CallId | null = null;
  #offDevices: (() => void) | null = null;
  /** Made on first need: only a window that receives a camera needs MediaStream. */
  #sinks: VideoSinks | null;

  constructor(deps: MediaSessionDeps) {
    super();
    this.#d = deps;
    this.#sinks = deps.sinks ?? null;
    this.onListenerError((event, e) => deps.report('error', `media session listener "${event}" failed: ${message(e)}`));
  }

  get state(): SessionState {
    return this.#state;
  }
  get live(): Live | null {
    return this.#live;
  }

  /** Starts following the calls store and the connection. */
  start(): void {
    if (this.#scope || this.#state === 'closed') return;
    const calls = useCallsStore();
    const media = useMediaStore();
    const session = useSessionStore();
    const settings = useSettingsStore();
    const prewarmOn = (): boolean => settings.settings?.prewarmMedia ?? true;
    this.#scope = effectScope(true);
    this.#scope.run(() => {
      // The room to be in: the call in progress; with pre-warm, also my outgoing call (I am Accepted as its inviter).
      watch(
        () => calls.active?.call.callID ?? (prewarmOn() ? calls.outgoing?.call.callID : undefined) ?? null,
        (id) => {
          const l = this.#live;
          if (l && l.room.callID !== id && !(l.room.pending && calls.incoming?.call.callID === l.room.callID)) this.leave();
          if (id && this.#live?.room.pending && this.#live.room.callID === id) void this.#activate(this.#live);
          else if (id && !this.#live) void this.#join(id);
        },
        { immediate: true },
      );
      watch(
        () => calls.incoming?.call.callID ?? null,
        (id) => {
          // Stopped ringing without being answered here (declined, cancelled, answered elsewhere):
          // out of the pending room, or out of a pre-warm whose room was never made.
          const l = this.#live;
          const answered = (callID: string | null): boolean => callID !== null && calls.active?.call.callID === callID;
          const prewarmed = l !== null && (l.room.pending || l.room.callID === this.#answering);
          if (prewarmed && l.room.callID !== id && !answered(l.room.callID)) this.leave();
          else if (!l && this.#state === 'prewarming' && media.callID !== id && !answered(media.callID)) {
            media.reset(null);
            if (this.#go('leave')) this.#go('left');
          }
          if (id && prewarmOn()) this.prewarm(id);
          if (!id && !this.#live && media.callID === null) this.stopPreview();
        },
        { immediate: true },
      );
      // Answering here: the incoming screen records how (audio or video) just before it sends the
      // accept. Media starts at once; the server runs a ringing device's resumes when the accept
      // lands, so the answer's round trip back to this page is not waited for.
      watch(
        () => {
          const intent = media.intent; // read first: the room itself is not reactive
          const l = this.#live;
          return l?.room.pending ? (intent[l.room.callID] ?? null) : null;
        },
        (kind) => {
          const l = this.#live;
          if (!kind || !l?.room.pending) return;
          this.#answering = l.room.callID;
          void this.#activate(l);
        },
        { flush: 'sync' },
      );
      // The signaling connection: when it drops the room is stale ("Reconnecting media…"); when it
      // comes back the server may have lost the room (restart), so rejoin.
      watch(
        () => session.connection.state,
        (s, was) => {
          const l = this.#live;
          if (!l) return;
          if (s !== 'connected' && was === 'connected' && this.#go('lost')) media.state = 'reconnecting';
          if (s === 'connected' && was !== 'connected') void l.room.rejoin();
        },
      );
    });
    this.#offDevices = onDeviceChange(() => this.emit('devicesChanged'));
    void listDevices().then((d) => (media.devices = d));
  }

  /** Ends the window's session: leaves the room and stops every track. Final. */
  stop(): void {
    this.#scope?.stop();
    this.#scope = null;
    this.#offDevices?.();
    this.#offDevices = null;
    this.leave();
    this.stopPreview();
    this.#go('close');
  }

  /** A remote consumer's track, for a tile's <video> or <audio>. */
  remoteTrack(consumerId: string): MediaStreamTrack | null {
    return this.#live?.room.remoteTrack(consumerId) ?? null;
  }
  /** A received camera's <video>, already playing (made while the call rang): a tile shows it, then gives it back. */
  borrowVideo(consumerId: string): HTMLVideoElement | null {
    const track = this.remoteTrack(consumerId);
    return track ? this.#videoSinks().borrow(consumerId, track) : null;
  }
  returnVideo(consumerId: string, el: HTMLVideoElement): void {
    this.#videoSinks().giveBack(consumerId, el);
  }
  #videoSinks(): VideoSinks {
    return (this.#sinks ??= new VideoSinks());
  }
  /** The tile showing a remote camera was resized: the SFU forwards the layer that fits it. */
  preferLayer(consumerId: string, layer: SpatialLayer): void {
    this.#live?.room.preferLayer(consumerId, layer);
  }
  /** What this device sends as `source` (self-view), or the camera preview while ringing. */
  localTrack(source: MediaSource): MediaStreamTrack | null {
    return this.#live?.tracks.get(source) ?? (source === 'camera' ? this.#capture.preview : null);
  }

  /**
   * While the call rings: enter the room as a ringing invitee, with the microphone (and the camera
   * for a video call) produced PAUSED, so answering only resumes them and consumes.
   */
  prewarm(callID: CallId): void {
    const me = useSessionStore().session;
    if (this.#live || !me || !this.#go('prewarm')) return;
    const media = useMediaStore();
    const t0 = performance.now();
    media.reset(callID);
    media.prewarm = { callID, ready: false, ms: null };
    void this.#loadRoom().then((m) => {
      // Answered (the join took over), declined or cancelled while the module loaded.
      if (!m || this.#state !== 'prewarming' || this.#live || media.callID !== callID) return;
      this.#prewarmIn(this.#open(m, callID, true, me), t0);
    });
  }

  #prewarmIn(l: Live, t0: number): void {
    const media = useMediaStore();
    const callID = l.room.callID;
    const video = useCallsStore().byId(callID)?.media === 'video' && useManagedStore().policy.features.video;
    const off = l.room.on('state', (s) => {
      if (s !== 'connected') return;
      off();
      if (media.prewarm?.callID === callID) media.prewarm = { callID, ready: true, ms: Math.round(performance.now() - t0) };
    });
    l.offs.push(off);
    void l.room.join().catch((e: unknown) => this.#d.report('warn', `pre-warm join failed (the answer joins instead): ${message(e)}`));
    void this.#capture.openMic(l);
    if (video) void this.#capture.openCamera(l);
  }

  /** The camera preview the incoming screen offers before answering. */
  startPreview(): Promise<void> {
    return this.#capture.startPreview();
  }

  /** Hides the preview; the camera stops unless the pre-warmed room sends it. */
  stopPreview(): void {
    this.#capture.stopPreview();
  }

  /** Keeps a freshly opened track for this room, or stops it if the room is gone meanwhile. */
  adopt(l: Live, source: MediaSource, track: MediaStreamTrack): boolean {
    if (this.#live !== l || l.room.closed) {
      track.stop();
      return false;
    }
    const old = l.tracks.get(source);
    l.tracks.set(source, track);
    if (old && old !== track) old.stop();
    track.addEventListener('ended', () => this.emit('trackEnded', source, track));
    return true;
  }

  leave(): void {
    const l = this.#live;
    if (!l || !this.#go('leave')) return;
    this.#live = null;
    this.#answering = null;
    for (const off of l.offs) off();
    l.room.close('left');
    this.#sinks?.clear();
    for (const t of l.tracks.values()) t.stop();
    this.#capture.left(l);
    useMediaStore().reset(null);
    this.#go('left');
  }

  /** Reports a failure of a control or step to main's log. */
  report(e: unknown): void {
    this.#d.report('warn', message(e));
  }

  // ---- joining -----------------------------------------------------------------------------

  async #join(callID: CallId): Promise<void> {
    const media = useMediaStore();
    const me = useSessionStore().session;
    if (!me || !this.#go('join')) return;
    media.reset(callID);
    media.state = 'joining';
    // The camera opens for a video call, unless IT turned video off (main refuses video calls then too).
    media.cameraOn = (media.intent[callID] ?? useCallsStore().byId(callID)?.media) === 'video' && useManagedStore().policy.features.video;
    const m = await this.#loadRoom();
    if (this.#live || media.callID !== callID) return; // left (or moved on) while the module loaded
    if (!m) {
      if (this.#go('leave')) this.#go('left');
      return;
    }
    const l = this.#open(m, callID, false, me);
    const joined = l.room.join().catch((e: unknown) => this.#d.report('warn', `join failed: ${message(e)}`));
    await Promise.all([joined, this.#capture.openMic(l), this.#capture.camera(l)]);
  }

  /** The pre-warmed call was answered here: camera as chosen, then resume and consume. */
  async #activate(l: Live): Promise<void> {
    if (!this.#go('join')) return;
    const media = useMediaStore();
    const callID = l.room.callID;
    media.cameraOn = (media.intent[callID] ?? useCallsStore().byId(callID)?.media) === 'video' && useManagedStore().policy.features.video;
    if (media.state === 'connected') this.#go('connected');
    const camera = this.#capture.camera(l);
    await Promise.all([l.room.activate().catch((e: unknown) => this.#d.report('warn', `answering the pre-warmed room failed: ${message(e)}`)), camera]);
  }

  #loadRoom(): Promise<RoomModule | null> {
    return this.#d.loadRoom().catch((e: unknown) => {
      this.#d.report('error', `could not load the media module: ${message(e)}`);
      return null;
    });
  }

  /** Makes the room (pending: the pre-warm of a ringing call) and wires it to the store. */
  #open(m: RoomModule, callID: CallId, pending: boolean, me: Me): Live {
    const media = useMediaStore();
    const room = new m.RoomClient({ port: this.#d.port, callID, me: { userId: me.userId, deviceId: me.deviceId }, pending });
    const l: Live = { room, tracks: new Map(), offs: [] };
    this.#live = l;
    const sampler = new StatsSampler();
    const timer = setInterval(() => {
      void room.reports().then((r) => {
        if (this.#live === l) media.stats = sampler.sample(r, performance.now());
      });
    }, STATS_INTERVAL_MS);
    l.offs.push(
      () => clearInterval(timer),
      room.on('state', (s) => this.#roomState(s)),
      room.on('members', (x) => (media.members = x)),
      room.on('remotes', (r) => {
        // Emitted at every consumer made or gone, shown or not: each received video, a ringing
        // device's too, gets its playing <video> now, before any tile shows it (VideoSinks).
        const videos = room.receivedVideo();
        if (videos.size > 0 || this.#sinks) this.#videoSinks().sync(videos);
        media.remotes = r;
      }),
      room.on('published', (p) => (media.published = p)),
      room.on('layers', (x) => (media.layers = x)),
      room.on('activeSpeaker', (w) => (media.activeSpeaker = w ? `${w.userId}/${w.deviceId}` : null)),
      room.on('closed', (reason) => {
        if (this.#live !== l) return;
        if (reason !== 'left') this.#d.report('warn', `the room closed (${reason}): the call goes on without media here`);
        this.leave();
      }),
      room.on('error', (e) => this.#d.report('warn', e.message)),
    );
    return l;
  }

  #roomState(s: RoomState): void {
    const media = useMediaStore();
    media.state = s;
    if (s === 'connected') this.#go('connected');
    else if (s === 'reconnecting') this.#go('lost');
  }

  /** Applies a lifecycle event; false when the current state ignores it. */
  #go(event: SessionEvent): boolean {
    const next = nextSessionState(this.#state, event);
    if (!next) return false;
    if (next !== this.#state) {
      this.#state = next;
      this.emit('state', next);
    }
    return true;
  }
}

import type { MediaSource } from '../../../shared/protocol/sfu.ts';
import { useManagedStore } from '../stores/managed.ts';
import { useMediaStore } from '../stores/media.ts';
import { useSettingsStore } from '../stores/settings.ts';
import { classify, deviceOf, listDevices, openScreen, openTrack } from './localMedia.ts';
import type { Live, MediaSession } from './MediaSession.ts';
import { errorMessage } from '../../../shared/errors.ts';

  /**
 * The in-call buttons and device handling. Each records what the user asked for in the store and
 * acts on the running session's room; with none, the session applies the store when it joins. The
 * session owns the room and the tracks: this class only borrows them, and hears about unplugged
 * devices through the session's events (attach()), so neither imports the other's values.
 */
export class MediaControls {
  readonly #session: () => MediaSession | null;

  constructor(session: () => MediaSession | null) {
    this.#session = session;
  }

  /** Follows `session`'s device events; returns the detach function. */
  attach(session: MediaSession): () => void {
    const offs = [
      session.on('devicesChanged', () => void this.devicesChanged()),
      session.on('trackEnded', (source, track) => void this.trackEnded(source, track)),
    ];
    return () => offs.forEach((off) => off());
  }

  #report(e: unknown): void {
    const s = this.#session();
    if (s) s.report(e);
    else console.warn('[media]', errorMessage(e));
  }

  #adopt(l: Live, source: MediaSource, track: MediaStreamTrack): boolean {
    const s = this.#session();
    if (s) return s.adopt(l, source, track);
    track.stop();
    return false;
  }

  get #live(): Live | null {
    return this.#session()?.live ?? null;
  }

  /** Mute pauses the microphone's producer, here and on the server, so the others see it. */
  async toggleMute(): Promise<void> {
    const media = useMediaStore();
    media.micMuted = !media.micMuted;
    await this.#live?.room.setPaused('mic', media.micMuted).catch((e: unknown) => this.#report(e));
  }

  /** Camera off pauses the producer (the others see "camera off"); the first "on" opens the camera. */
  async toggleCamera(): Promise<void> {
    const media = useMediaStore();
    if (!media.cameraOn && !useManagedStore().policy.features.video) return; // IT turned video off
    media.cameraOn = !media.cameraOn;
    const l = this.#live;
    if (!l) return;
    if (l.tracks.has('camera')) await l.room.setPaused('camera', !media.cameraOn).catch((e: unknown) => this.#report(e));
    else if (media.cameraOn && !(await this.#reopen('camera', useSettingsStore().settings?.media.cameraId ?? null))) media.cameraOn = false;
  }

  /** The next camera in the device list. */
  async switchCamera(): Promise<void> {
    const l = this.#live;
    if (!l) return;
    const cams = (await listDevices()).filter((d) => d.kind === 'videoinput');
    if (cams.length < 2) return;
    const at = cams.findIndex((d) => d.deviceId === deviceOf(l.tracks.get('camera') ?? null));
    const next = cams[(at + 1) % cams.length];
    if (next) await this.#reopen('camera', next.deviceId);
  }

  /** Shares the screen (it takes the stage on the other side), or stops sharing. */
  async toggleScreen(): Promise<void> {
    const media = useMediaStore();
    const l = this.#live;
    if (!l) return;
    if (!l.tracks.has('screen') && !useManagedStore().policy.features.screenShare) return; // IT turned sharing off
    if (l.tracks.has('screen')) {
      l.tracks.get('screen')?.stop();
      l.tracks.delete('screen');
      await l.room.unpublish('screen').catch((e: unknown) => this.#report(e));
      return;
    }
    try {
      const track = await openScreen();
      media.screenProblem = null;
      if (this.#adopt(l, 'screen', track)) await l.room.publish('screen', track);
    } catch (e) {
      media.screenProblem = classify(e);
    }
  }

  /** A device picked in the call: saved as the setting, and the track swapped at once. */
  async chooseDevice(kind: 'microphoneId' | 'cameraId' | 'speakerId', deviceId: string | null): Promise<void> {
    const settings = useSettingsStore();
    const cur = settings.settings?.media;
    if (cur) await settings.update({ media: { ...cur, [kind]: deviceId } }).catch((e: unknown) => this.#report(e));
    if (kind === 'microphoneId') await this.#reopen('mic', deviceId);
    else if (kind === 'cameraId' && this.#live?.tracks.has('camera')) await this.#reopen('camera', deviceId);
  }

  /**
   * Opens `source` from `deviceId` and sends it instead of what was sent. When nothing can be
   * opened the call goes on without it, and the store says why.
   */
  async #reopen(source: 'mic' | 'camera', deviceId: string | null): Promise<boolean> {
    const media = useMediaStore();
    const l = this.#live;
    if (!l) return false;
    try {
      const { track, fellBack } = await openTrack(source === 'mic' ? 'audio' : 'video', deviceId);
      if (fellBack) media.notice(source === 'mic' ? 'micFallback' : 'cameraFallback');
      if (!this.#adopt(l, source, track)) return false;
      await l.room.publish(source, track, source === 'mic' ? media.micMuted : !media.cameraOn);
      if (source === 'mic') media.micProblem = null;
      else media.cameraProblem = null;
      return true;
    } catch (e) {
      if (source === 'mic') media.micProblem = classify(e);
      else media.cameraProblem = classify(e);
      return false;
    }
  }

  /** A device went away under a live track (unplugged headset): fall back to the default and say so. */
  async #fallBack(source: 'mic' | 'camera'): Promise<void> {
    const media = useMediaStore();
    const l = this.#live;
    if (!l) return;
    const ok = await this.#reopen(source, null);
    if (ok) media.notice(source === 'mic' ? 'micFallback' : 'cameraFallback');
    else {
      l.tracks.delete(source);
      await l.room.unpublish(source).catch((e: unknown) => this.#report(e));
      media.notice(source === 'mic' ? 'micLost' : 'cameraLost');
    }
  }

  /** `devicechange`: refresh the pickers, and move off any device that is gone. */
  async devicesChanged(): Promise<void> {
    const media = useMediaStore();
    const list = await listDevices();
    media.devices = list;
    const l = this.#live;
    if (!l) return;
    for (const [source, kind] of [['mic', 'audioinput'], ['camera', 'videoinput']] as const) {
      const track = l.tracks.get(source);
      const id = deviceOf(track ?? null);
      if (track && (track.readyState === 'ended' || (id && !list.some((d) => d.kind === kind && d.deviceId === id)))) await this.#fallBack(source);
    }
    const speaker = useSettingsStore().settings?.media.speakerId;
    if (speaker && !list.some((d) => d.kind === 'audiooutput' && d.deviceId === speaker)) media.notice('speakerFallback');
  }

  /** A sent track ended by itself: the device was unplugged, or the user stopped sharing in the browser's bar. */
  async trackEnded(source: MediaSource, track: MediaStreamTrack): Promise<void> {
    const l = this.#live;
    if (!l || l.tracks.get(source) !== track) return;
    if (source === 'screen') {
      l.tracks.delete('screen');
      await l.room.unpublish('screen').catch((e: unknown) => this.#report(e));
      return;
    }
    await this.#fallBack(source);
  }
}

import { useMediaStore } from '../stores/media.ts';
import { useSettingsStore } from '../stores/settings.ts';
import { classify, openTrack } from './localMedia.ts';
import type { Live, MediaSession } from './MediaSession.ts';

/**
 * What this device captures for the session's room: the microphone, the camera, and the camera
 * preview the incoming screen offers before answering (which becomes the sent camera). The preview
 * is this object's to stop; a track the room adopted is the session's.
 */
export class LocalCapture {
  readonly #session: Pick<MediaSession, 'live' | 'state' | 'adopt' | 'report'>;
  /** The incoming screen's camera preview (also the pre-warmed camera while ringing). */
  #preview: MediaStreamTrack | null = null;
  /**
   * The camera being opened for a room. An answer that comes while the pre-warm's camera is still
   * opening waits for that one: opening a second would stop the first under its queued publish,
   * which then failed and turned the camera button off while the second camera was being sent.
   * `opened` settles once the camera is open (or failed), before its publish; `done` after that.
   */
  #opening: { live: Live; opened: Promise<void>; done: Promise<void> } | null = null;
  /**
   * Counts the preview's starts and stops: a start that resumes after a later start or stop (the
   * user hid the preview, or the call ended, while its camera opened) gives up, and stops the
   * camera it opened, instead of showing a preview nobody asked for any more.
   */
  #previewAsk = 0;

  constructor(session: Pick<MediaSession, 'live' | 'state' | 'adopt' | 'report'>) {
    this.#session = session;
  }

  get preview(): MediaStreamTrack | null {
    return this.#preview;
  }

  /** The camera preview the incoming screen offers before answering. */
  async startPreview(): Promise<void> {
    const media = useMediaStore();
    const ask = ++this.#previewAsk;
    // While ringing a video call, the pre-warmed camera is the preview (once it is open: a second
    // camera opened beside it would only be stopped again).
    const l = this.#session.live;
    if (l && this.#opening?.live === l) await this.#opening.opened;
    if (ask !== this.#previewAsk) return;
    this.#preview ??= l?.tracks.get('camera') ?? null;
    if (this.#preview) {
      media.previewOn = true;
      return;
    }
    try {
      const { track } = await openTrack('video', useSettingsStore().settings?.media.cameraId ?? null);
      if (ask !== this.#previewAsk) {
        track.stop();
        return;
      }
      // The pre-warm's camera opened meanwhile: that one is the preview, this one stops.
      const sent = this.#session.live?.tracks.get('camera');
      if (sent) track.stop();
      this.#preview = sent ?? track;
      media.previewOn = true;
      media.cameraProblem = null;
    } catch (e) {
      const problem = classify(e);
      this.#session.report(`camera preview: ${problem}`);
      // A preview given up meanwhile has no screen left to explain the failure on.
      if (ask === this.#previewAsk) media.cameraProblem = problem;
    }
  }

  /** Hides the preview; the camera stops unless the pre-warmed room sends it. */
  stopPreview(): void {
    const media = useMediaStore();
    this.#previewAsk++;
    media.previewOn = false;
    const p = this.#preview;
    this.#preview = null;
    if (p && this.#session.live?.tracks.get('camera') !== p) p.stop();
  }

  /** The session left `l` and stopped its tracks: a preview among them is gone too. */
  left(l: Live): void {
    if (this.#preview && [...l.tracks.values()].includes(this.#preview)) {
      this.#preview = null;
      useMediaStore().previewOn = false;
    }
  }

  /** Microphone always (paused when muted). */
  async openMic(l: Live): Promise<void> {
    const media = useMediaStore();
    if (l.tracks.has('mic')) return;
    try {
      const { track, fellBack } = await openTrack('audio', useSettingsStore().settings?.media.microphoneId ?? null);
      if (fellBack) media.notice('micFallback');
      if (!this.#session.adopt(l, 'mic', track)) return;
      await l.room.publish('mic', track, media.micMuted).catch((e: unknown) => this.#session.report(e));
    } catch (e) {
      media.micProblem = classify(e);
      this.#session.report(`microphone: ${media.micProblem}`);
    }
  }

  /** The camera as the store wants it: opened and sent when on, stopped when an answer said audio. */
  async camera(l: Live): Promise<void> {
    const media = useMediaStore();
    // An open under way settles first, so the answer keeps or stops that one camera.
    if (this.#opening?.live === l) await this.#opening.done;
    if (!media.cameraOn) {
      if (l.tracks.has('camera')) {
        l.tracks.get('camera')?.stop();
        l.tracks.delete('camera');
        await l.room.unpublish('camera').catch((e: unknown) => this.#session.report(e));
      }
      if (this.#session.state !== 'prewarming') this.stopPreview();
      return;
    }
    if (l.tracks.has('camera')) return;
    await this.openCamera(l);
  }

  /** Opens (or takes the preview as) the room's camera and publishes it; one open at a time per room. */
  openCamera(l: Live): Promise<void> {
    if (this.#opening?.live === l) return this.#opening.done;
    const { promise: opened, resolve: markOpened } = Promise.withResolvers<void>();
    const done = this.#openCamera(l, markOpened).finally(() => {
      markOpened();
      if (this.#opening?.done === done) this.#opening = null;
    });
    this.#opening = { live: l, opened, done };
    return done;
  }

  async #openCamera(l: Live, markOpened: () => void): Promise<void> {
    const media = useMediaStore();
    const p = this.#preview;
    try {
      const opened = p ? { track: p, fellBack: false } : await openTrack('video', useSettingsStore().settings?.media.cameraId ?? null);
      if (opened.fellBack) media.notice('cameraFallback');
      if (!p && media.previewOn && this.#preview !== opened.track) {
        // A preview opened its own camera while this one opened: this one is the preview now, and
        // that one stops (it would otherwise run, unreferenced, until the window closed).
        const other = this.#preview;
        this.#preview = opened.track;
        if (other && other !== l.tracks.get('camera')) other.stop();
      }
      // While ringing the room holds it paused (pending) and answering with video resumes it; an
      // answer without video unpublishes it (camera()).
      const adopted = this.#session.adopt(l, 'camera', opened.track);
      markOpened();
      if (adopted) await l.room.publish('camera', opened.track, this.#session.state === 'prewarming' ? false : !media.cameraOn);
    } catch (e) {
      media.cameraProblem = classify(e);
      media.cameraOn = false; // the button must not claim a camera that never opened
      this.#session.report(`camera: ${media.cameraProblem} (${e instanceof Error ? `${e.name}: ${e.message}` : String(e)})`);
    }
  }
}

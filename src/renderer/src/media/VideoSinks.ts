/**
 * One playing <video> per received video (cameras and screens), made as soon as its consumer exists
 * (while the call rings, with pre-warm) and kept in a parking spot until a tile borrows it.
 *
 * Why: a <video> made when the tile mounts showed its first frame 60–110 ms after the frames were
 * already arriving (bench/media-trace.ts: Chrome starts the element's player, then waits for the
 * next frame, at 7.5 fps while the SFU starts a consumer at temporal layer 0). An element that was
 * playing when the first key frame came shows it as soon as its tile is on screen. Moving an element
 * between parents in one task keeps it playing (it is only paused once out of the document).
 */
export interface VideoSinksDeps {
  doc: Document;
  /** A stream for an element's srcObject (a seam for tests: the test DOM has no MediaStream). */
  stream: (track: MediaStreamTrack) => MediaStream;
}

const defaultDeps = (): VideoSinksDeps => ({ doc: document, stream: (t) => new MediaStream([t]) });

export class VideoSinks {
  readonly #d: VideoSinksDeps;
  readonly #els = new Map<string, HTMLVideoElement>();
  #parking: HTMLElement | null = null;

  constructor(deps: VideoSinksDeps = defaultDeps()) {
    this.#d = deps;
  }

  /** The videos received now (consumer id → track): an element for each new one, and none for the gone. */
  sync(videos: ReadonlyMap<string, MediaStreamTrack>): void {
    for (const [id, el] of this.#els) if (!videos.has(id)) this.#drop(id, el);
    for (const [id, track] of videos) if (!this.#els.has(id)) this.#park(this.#make(id, track));
  }

  /** The element for a received video, for a tile to put where it shows it (made now if sync has not seen it yet). */
  borrow(consumerId: string, track: MediaStreamTrack): HTMLVideoElement {
    return this.#els.get(consumerId) ?? this.#make(consumerId, track);
  }

  /** A tile let go of it: it goes back to the parking spot, playing, unless its consumer is gone. */
  giveBack(consumerId: string, el: HTMLVideoElement): void {
    if (this.#els.get(consumerId) === el) this.#park(el);
    else this.#stop(el);
  }

  /** Every element goes (the room was left). */
  clear(): void {
    for (const [id, el] of this.#els) this.#drop(id, el);
    this.#parking?.remove();
    this.#parking = null;
  }

  get size(): number {
    return this.#els.size;
  }

  #make(consumerId: string, track: MediaStreamTrack): HTMLVideoElement {
    const el = this.#d.doc.createElement('video');
    el.muted = true;
    el.autoplay = true;
    el.playsInline = true;
    el.srcObject = this.#d.stream(track);
    this.#els.set(consumerId, el);
    void el.play?.()?.catch(() => undefined); // muted video may always play; a refusal only delays the first frame
    return el;
  }

  /**
   * Parked elements stay in the document, tiny and transparent but not display:none or off-screen,
   * so Chrome keeps decoding into them and has a frame ready.
   */
  #park(el: HTMLVideoElement): void {
    if (!this.#parking) {
      const p = this.#d.doc.createElement('div');
      p.setAttribute('aria-hidden', 'true');
      p.dataset['role'] = 'video-parking';
      p.style.cssText = 'position:fixed;left:0;bottom:0;width:2px;height:2px;overflow:hidden;opacity:0.01;pointer-events:none;z-index:-1';
      this.#d.doc.body.append(p);
      this.#parking = p;
    }
    el.removeAttribute('data-testid');
    el.className = '';
    this.#parking.append(el);
  }

  #drop(consumerId: string, el: HTMLVideoElement): void {
    this.#els.delete(consumerId);
    this.#stop(el);
  }

  #stop(el: HTMLVideoElement): void {
    el.srcObject = null;
    el.remove();
  }
}

import type { MediaSource } from '../../../shared/protocol/sfu.ts';

/**
 * What a ringing device sends: a disabled clone of each track (black frames, silence), so that
 * nothing of the camera or the microphone leaves before the answer while the encoder keeps
 * running. Answering then only enables the clone: no renegotiation, and the SFU's key-frame request
 * on resume is answered at once. (A producer paused in the browser instead restarts with a key
 * frame that can reach the SFU before its resume; the browser then ignores the SFU's request for
 * ~300 ms and mediasoup asks again only after 1 s: the caller's old ~1 s wait for the first frame.)
 * The clones are this object's to stop; the tracks they copy stay their owner's.
 */
export class HeldTracks {
  readonly #clones = new Map<MediaSource, MediaStreamTrack>();

  /** A disabled clone of `track` to send as `source` (replacing an earlier one). */
  hold(source: MediaSource, track: MediaStreamTrack): MediaStreamTrack {
    const clone = track.clone();
    clone.enabled = false;
    this.release(source);
    this.#clones.set(source, clone);
    return clone;
  }

  /** Answered: the clone now sends what the track shows. */
  enable(source: MediaSource): void {
    const clone = this.#clones.get(source);
    if (clone) clone.enabled = true;
  }

  release(source: MediaSource): void {
    this.#clones.get(source)?.stop();
    this.#clones.delete(source);
  }

  clear(): void {
    for (const clone of this.#clones.values()) clone.stop();
    this.#clones.clear();
  }
}
